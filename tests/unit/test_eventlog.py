"""The event table, from events shaped as the daemon sends them (no daemon needed)."""
from dockerlens.show.eventlog import EventLog, actor_name

EVENTS = [
    {"Type": "container", "Action": "create", "Actor": {"ID": "abc", "Attributes": {"name": "lens-x-e"}},
     "time": 1700000000, "timeNano": 1700000000100000000},
    {"Type": "container", "Action": "die",
     "Actor": {"ID": "abc", "Attributes": {"name": "lens-x-e", "exitCode": "3"}},
     "time": 1700000001, "timeNano": 1700000001000000000},
    {"Type": "volume", "Action": "create", "Actor": {"ID": "lens-x-v", "Attributes": {"driver": "local"}},
     "time": 1700000002},
]


def test_event_log_answers_the_lessons_questions():
    log = EventLog(EVENTS)
    assert log.actions() == ["create", "die", "create"]
    assert log.actions("container", "lens-x-e") == ["create", "die"]
    assert log.count("volume") == 1 and actor_name(EVENTS[2]) == "lens-x-v"
    text = repr(log)
    assert text.startswith("3 event(s)") and "exitCode=3" in text and "driver=local" in text
    assert log._repr_html_().count("<tr>") == 4
