"""Lab 08 · events: a watcher that collects the events of one container's whole life."""
from __future__ import annotations

import time

from ..engine import scope
from .outcomes import Fail
from .framework import Lab

LAB = Lab("08", "Events: the daemon reports every change")
LIFE = ["create", "start", "die", "destroy"]


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


def _in_order(actions: list[str]) -> list[str]:
    """The lifecycle actions found in order (as a subsequence)."""
    found, rest = [], iter(actions)
    for wanted in LIFE:
        if wanted in rest:
            found.append(wanted)
    return found


def _daemon_log(ctx, since: int, **filters) -> list[dict]:
    """The daemon's buffered events from SINCE (seconds) until now: a finite, closed stream."""
    stream = ctx.client.events(since=since, until=round(time.time() + 0.05, 3), decode=True,
                               filters=filters or None)
    try:
        return list(stream)
    finally:
        stream.close()


def _daemon_has(ctx, event: dict) -> bool | None:
    """Whether the daemon's event log holds EVENT (None when its buffer no longer reaches back)."""
    when = int(event.get("timeNano") or 0)
    log = _daemon_log(ctx, 1)  # the whole buffer: its first event says how far back it reaches
    if not log or int(log[0]["timeNano"]) > when:
        return None  # the daemon keeps a few hundred events; older ones cannot be confirmed
    return any(e.get("timeNano") == event.get("timeNano") and e.get("Action") == event.get("Action")
               and e.get("id") == event.get("id") for e in log)


@LAB.task(1, "`seen`: the events of a container's whole life, collected by your watcher",
          section="A watcher of your own", hint="start a thread iterating "
          "`client.events(decode=True, filters={\"label\": ...})` and appending to `seen`, then run "
          "`lens.name(\"life\")` with `remove=True`; stop the watcher after the `destroy` event")
def life(ctx):
    name = scope.name("life")
    mine = _events_of(ctx, name)
    actions = [e.get("Action") for e in mine]
    found = _in_order(actions)
    if found != LIFE:
        missing = [a for a in LIFE if a not in found]
        raise Fail(f"`seen` has {', '.join(actions)} for `{name}`, but not {', '.join(missing)} "
                   f"in order: a whole life is {' → '.join(LIFE)}")
    attrs = mine[0]["Actor"]["Attributes"]
    if attrs.get(scope.LEARNER) != scope.learner():
        raise Fail(f"container `{name}` did not carry your course labels: run it with "
                   "`labels=lens.labels()`")
    if _daemon_has(ctx, mine[0]) is False:
        raise Fail(f"the daemon never reported the `{mine[0].get('Action')}` event in `seen`: "
                   "collect events from `client.events()`, don't write them yourself")


@LAB.task(2, "`exit_code`: the exit code, read from the `die` event",
          section="Every change is an event",
          hint="the `die` event's `Actor.Attributes` carry `exitCode` as a string: "
               "`exit_code = int(event[\"Actor\"][\"Attributes\"][\"exitCode\"])`")
def exit_code(ctx):
    name = scope.name("life")
    dies = [e for e in _events_of(ctx, name) if e.get("Action") == "die"]
    if not dies:
        raise Fail(f"`seen` has no `die` event of `{name}`")
    reported = int(dies[-1]["Actor"]["Attributes"].get("exitCode", -1))
    if reported != 7:
        raise Fail(f"the `die` event says `{name}` exited with code {reported}, not 7: "
                   "run it with `[\"sh\", \"-c\", \"exit 7\"]`")
    value = ctx.var("exit_code", int, "the exit code read from the die event, as an int")
    if value != reported:
        raise Fail(f"`exit_code` is {value}, but the `die` event says {reported}")
