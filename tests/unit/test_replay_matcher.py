"""Which recorded answer a replayed request gets (selection only: no daemon bytes here)."""
from __future__ import annotations

from dockerlens.replay.format import RecordedExchange
from dockerlens.replay.matcher import Matcher


def _seq(*requests: str) -> list[RecordedExchange]:
    out = []
    for i, request in enumerate(requests):
        method, target = request.split(" ", 1)
        out.append(RecordedExchange(seq=i, conn=i, t=i, method=method, target=target, status=200))
    return out


def test_identical_requests_get_their_answers_in_recorded_order():
    m = Matcher(_seq("GET /containers/x/json", "GET /containers/x/json", "GET /containers/x/json"))
    assert [m.match("GET", "/v1.41/containers/x/json").seq for _ in range(3)] == [0, 1, 2]


def test_reads_repeat_the_latest_answer_when_asked_more_often():
    m = Matcher(_seq("HEAD /_ping", "GET /version"))
    assert [m.match("HEAD", "/_ping").seq for _ in range(3)] == [0, 0, 0]
    assert m.match("GET", "/version").seq == 1


def test_a_state_change_is_answered_once_only():
    m = Matcher(_seq("POST /containers/create?name=a"))
    assert m.match("POST", "/v1.41/containers/create?name=a").seq == 0
    assert m.match("POST", "/v1.41/containers/create?name=a") is None


def test_unrecorded_requests_match_nothing():
    m = Matcher(_seq("GET /version"))
    assert m.match("GET", "/info") is None
    assert m.match("POST", "/version") is None


def test_extra_polls_do_not_steal_answers_from_after_the_next_change():
    """A renderer polling more often than recorded keeps seeing the state of its position."""
    m = Matcher(_seq("GET /containers/json", "POST /containers/x/start", "GET /containers/json"))
    assert m.match("GET", "/containers/json").seq == 0
    assert m.match("GET", "/containers/json").seq == 0       # repeated, not the future state
    assert m.match("POST", "/containers/x/start").seq == 1
    assert m.match("GET", "/containers/json").seq == 2


def test_a_late_stream_request_still_finds_its_recording():
    """An event follower recorded before a change may ask after it in replay."""
    m = Matcher(_seq("GET /events?since=1", "POST /containers/x/start", "GET /containers/x/json"))
    assert m.match("POST", "/containers/x/start").seq == 1
    assert m.match("GET", "/events?since=99").seq == 0


def test_a_whole_answer_is_preferred_to_one_the_client_hung_up_on():
    """setup()'s /_ping probe reads the head and hangs up; a raw HTTP cell wants the body."""
    exchanges = _seq("GET /_ping", "GET /_ping")
    exchanges[0].cut = True
    m = Matcher(exchanges)
    assert m.match("GET", "/_ping").seq == 1
    assert m.match("GET", "/_ping").seq == 0


def test_a_stream_moment_waits_for_the_changes_recorded_before_it():
    import threading
    import time
    m = Matcher(_seq("GET /events", "POST /containers/x/start", "GET /containers/x/json"))
    # exchanges are at t = 0, 1, 2 ms: the moment t=5 follows the start (t=1)
    done = []
    waiter = threading.Thread(target=lambda: done.append(m.wait_for(5)))
    waiter.start()
    time.sleep(0.3)
    assert not done                                    # no start yet: the event waits
    m.match("POST", "/containers/x/start")
    waiter.join(2)
    assert done and done[0] >= m.reached[1]
    assert m.wait_for(0) is None                       # nothing recorded before t=0
