"""Lab 08 · events: a watcher that collects the events of one container's whole life."""
from __future__ import annotations

import time

from ..engine import images, scope
from ..engine.history import past_events
from .case import case_labels, clear
from .context import created_at
from .outcomes import Fail
from .framework import Lab

LAB = Lab("08", "Events: the daemon reports every change",
          goal="collect the daemon's events with a watcher of your own, read facts out of them, "
               "and answer a question from the daemon's event log alone.")


def _events_of(ctx, name: str) -> list[dict]:
    """The learner's collected events (``seen``) of container NAME, or Fail saying why none."""
    seen = ctx.var("seen", list, "the list of event dicts your watcher collected")
    bad = [e for e in seen if not isinstance(e, dict)]
    if bad:
        raise Fail(f"`seen` holds a {type(bad[0]).__name__}: collect the decoded event dicts "
                   "(`client.events(decode=True)`)")
    mine = [e for e in seen if e.get("Type") == "container"
            and (e.get("Actor") or {}).get("Attributes", {}).get("name") == name]
    if not mine:
        raise Fail(f"`seen` holds {len(seen)} event(s), none of container `{name}`: "
                   "start the watcher before the container, and run the container with that name")
    return mine


def _in_order(actions: list[str], life: tuple[str, ...]) -> bool:
    """Whether LIFE's actions occur in ACTIONS in that order (as a subsequence)."""
    rest = iter(actions)
    return all(wanted in rest for wanted in life)


def _daemon_log(ctx, since: int, **filters) -> list[dict]:
    """The daemon's buffered events from SINCE (seconds) until now."""
    return past_events(ctx.client, since, filters=filters or None)


def _daemon_has(ctx, event: dict) -> bool | None:
    """Whether the daemon's event log holds EVENT (None when its buffer no longer reaches back)."""
    if ctx.facts.family != "docker":
        return None  # Podman replays its event log differently (other keys and times): no proof
    when = int(event.get("timeNano") or 0)
    log = _daemon_log(ctx, 1)  # the whole buffer: its first event says how far back it reaches
    if not log or int(log[0]["timeNano"]) > when:
        return None  # the daemon keeps a few hundred events; older ones cannot be confirmed
    return any(e.get("timeNano") == event.get("timeNano") and e.get("Action") == event.get("Action")
               and e.get("id") == event.get("id") for e in log)


@LAB.task(1, "`seen`: the events of a container's whole life, collected by your watcher",
          section="A watcher of your own",
          goal="Keep in `seen` (a list of event dicts) the events your own watcher received of a "
               "labelled container `lens.name(\"life\")`, from its creation to its removal. "
               "Tools that react to containers (proxies, monitors) work this way: they listen to "
               "the daemon instead of polling it. (On Docker the check also finds your events in "
               "the daemon's own log, so a hand-made list fails; Podman replays its log with other "
               "timestamps than it streamed, so on Podman it cannot, and trusts `seen`.)",
          hints=("The daemon streams an event for every change of every object; a watcher reads "
                 "that stream while other code acts, so it must run beside it (a thread) and be "
                 "listening before the container is created.",
                 "`client.events(decode=True, filters=...)` yields dicts (`Type`, `Action`, "
                 "`Actor.Attributes`); a `threading.Thread` appends them; the stream's `close()` "
                 "ends it. Use a client of its own in the thread.",
                 "`stream = lens.connect().events(decode=True, filters={\"container\": "
                 "lens.name(\"life\")})`; a thread appends each event to `seen`; then run "
                 "`lens.name(\"life\")` with `labels=lens.labels()`, remove it, and close the stream"))
def life(ctx):
    name = scope.name("life")
    wanted = _life_actions(ctx.facts)
    mine = _one_container(_events_of(ctx, name), wanted)
    actions = [e.get("Action") for e in mine]
    missing = [a for a in wanted if a not in actions]
    if missing:
        raise Fail(f"`seen` has {', '.join(actions)} for `{name}`, but no "
                   f"{', '.join(missing)}: a whole life on {ctx.facts.name} is "
                   f"{' → '.join(wanted)}")
    if not _in_order(actions, wanted):
        raise Fail(f"`seen` has {', '.join(actions)} for `{name}`: every event of its life is "
                   f"there, but not in the order the daemon sent them ({' → '.join(wanted)})")
    attrs = mine[0]["Actor"]["Attributes"]
    if attrs.get(scope.LEARNER) != scope.learner():
        raise Fail(f"container `{name}` did not carry your course labels: run it with "
                   "`labels=lens.labels()`")
    if _daemon_has(ctx, mine[0]) is False:
        raise Fail(f"the daemon never reported the `{mine[0].get('Action')}` event of `{name}` in `seen`: "
                   "collect events from `client.events()`, don't write them yourself")


def _life_actions(engine) -> tuple[str, ...]:
    """The events every engine sends in a container's life, in this engine's words (Podman adds
    `init` and, not always, `cleanup` between them)."""
    return ("create", "start", "die", engine.removed_action)


def _one_container(events: list[dict], wanted) -> list[dict]:
    """The events of the one container (by ID: a name can be reused) whose life is most complete."""
    by_id: dict[str, list[dict]] = {}
    for event in events:
        by_id.setdefault(event.get("id") or (event.get("Actor") or {}).get("ID", ""), []).append(event)
    def completeness(evs: list[dict]) -> int:
        return sum(a in {e.get("Action") for e in evs} for a in wanted)
    return max(reversed(list(by_id.values())), key=completeness)  # ties: the latest container


@LAB.task(2, "`exit_code`: the exit code 7, read from the `die` event",
          section="Every change is an event",
          goal="Let `lens.name(\"life\")` end with exit code 7, and put in `exit_code` (an int) "
               "the exit code as your collected `die` event reports it. Events carry facts, so "
               "a watcher need not ask the daemon again.",
          hints=("The event of a container's process ending carries its exit status among the "
                 "event's attributes.",
                 "the `die` event's `Actor` → `Attributes` → `exitCode` (a string); a shell's "
                 "`exit 7` gives code 7.",
                 "`exit_code = int([e for e in seen if e[\"Action\"] == \"die\"][-1][\"Actor\"]"
                 "[\"Attributes\"][\"exitCode\"])`"))
def exit_code(ctx):
    name = scope.name("life")
    dies = [e for e in _events_of(ctx, name) if e.get("Action") == "die"]
    if not dies:
        raise Fail(f"`seen` has no `die` event of `{name}`")
    reported = int(dies[-1]["Actor"]["Attributes"].get("exitCode", -1))
    if reported != 7:
        raise Fail(f"the `die` event says `{name}` exited with code {reported}, not 7: run the "
                   "container again with a command that ends with status 7, watching")
    value = ctx.var("exit_code", int, "the exit code read from the die event, as an int")
    if value != reported:
        raise Fail(f"`exit_code` is {value}, but the `die` event says {reported}")


def _starts(ctx, ctr) -> list[dict]:
    """The daemon's `start` events of CTR since it was created."""
    since = int(created_at(ctr).timestamp()) - 1
    return [e for e in _daemon_log(ctx, since, container=[ctr.id]) if e.get("Action") == "start"]


@LAB.preparation
def prepare(client) -> list[str]:
    """A container that fails, restarted by its policy until the policy gives up."""
    clear(client, "08")
    retries = 1 + (time.time_ns() // 1000) % 3  # 1 to 3
    ctr = client.containers.run(images.tag("base"), ["sh", "-c", "sleep 0.2; exit 5"],
                                name=scope.name("case-flaky"), labels=case_labels("08"), detach=True,
                                restart_policy={"Name": "on-failure", "MaximumRetryCount": retries})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        time.sleep(0.3)
        ctr.reload()
        if ctr.status == "exited" and ctr.attrs.get("RestartCount", 0) >= retries:
            break
    return [f"task 3: `{scope.name('case-flaky')}` has given up. How many times did the daemon "
            "start it?"]


@LAB.task(3, "investigation: how many times was the container started?",
          section="Replay the last minute",
          goal="`lab.prepare()` ran `lens.name(\"case-flaky\")`, which failed and was restarted by "
               "its restart policy until the policy gave up. Put in `starts` (an int) how many "
               "times the daemon started this container (the one of that name now: names are "
               "reused, IDs are not), as its event log reports. The daemon keeps recent events, "
               "so you can ask about the past without having watched it.",
          hints=("Every start of a container, the first and each automatic restart, is an event; "
                 "the daemon can replay the events of a time window.",
                 "`client.events(since=..., until=..., filters={\"container\": ...}, decode=True)` "
                 "returns a finite stream when `until` is given (`docker events --since --until`); "
                 "end the window a moment ahead: Podman answers a window already over with nothing.",
                 "`ctr = client.containers.get(lens.name(\"case-flaky\"))`; `evs = list(client.events("
                 "since=int(time.time()) - 300, until=time.time() + 1, filters={\"container\": "
                 "ctr.id}, decode=True))`; `starts = sum(e[\"Action\"] == \"start\" for e in evs)`"))
def start_count(ctx):
    answer = ctx.var("starts", int, "how many times the daemon started the case container")
    try:
        ctr = ctx.container("case-flaky")
    except Fail:
        raise Fail(f"the case container `{scope.name('case-flaky')}` is gone: run "
                   "`lab.prepare()` again") from None
    if ctr.status != "exited":
        raise Fail(f"`{ctr.name}` is still {ctr.status}: wait until its policy gives up, then "
                   "count")
    buffer = _daemon_log(ctx, 1) if ctx.facts.family == "docker" else []  # Docker keeps ~256 events
    created = int(created_at(ctr).timestamp())
    if ctx.facts.family == "docker" and (not buffer or int(buffer[0]["timeNano"]) / 1e9 > created):
        raise Fail(f"the daemon's event buffer no longer reaches back to the creation of `{ctr.name}` "
                   "(a busy daemon keeps only its latest few hundred events): run `lab.prepare()` "
                   "again and count right away")
    truth = len(_starts(ctx, ctr))
    if answer == truth:
        return
    if answer == 0 and truth and ctx.facts.family == "podman":
        raise Fail(f"`starts` is 0, but Podman's event log holds {truth} `start` events of "
                   f"`{ctr.name}`: Podman answers a window whose `until` has already passed with no "
                   "events (Docker answers it); end the window a moment ahead, `until=time.time() + 1`")
    restarts = ctr.attrs.get("RestartCount", 0)
    now = int(time.time())
    by_name = {sum(e.get("Action") == "start" for e in _daemon_log(ctx, since, container=[ctr.name]))
               for since in (1, now - 3600, now - 600, now - 300, now - 60)}
    if answer in by_name and answer != truth:
        raise Fail(f"`starts` is {answer}: that counts the starts of every container ever named "
                   f"`{ctr.name}` (each `lab.prepare()` makes a new one); count this container's, by its ID")
    if answer == restarts and restarts != truth:
        raise Fail(f"`starts` is {answer}, the number of restarts; the daemon's events count "
                   "every start, the first one too")
    raise Fail(f"`starts` is {answer}, but the daemon's event log holds {truth} `start` events "
               f"of `{ctr.name}`")
