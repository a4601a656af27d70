"""The daemon's past events in a time window, asked the way each engine answers it.

Why not ``client.events(since=..., until=...)`` alone: Docker sends the events it remembers at
once and closes at ``until``, but Podman reads its event file only until ``until`` comes on the
clock, so an ``until`` already past gave nothing and one just ahead, under load, gave part or
nothing. Podman has ``stream=false`` (its own parameter: the events so far, then the end), so
there the window's end is cut here instead.
"""
from __future__ import annotations

import time

from docker.utils import convert_filters

from .facts import facts

LATE = 0.5  # seconds Docker is given past the window's end for an event it publishes a moment late


def past_events(client, since: float, until: float | None = None,
                filters: dict | None = None) -> list[dict]:
    """Decoded events from SINCE to UNTIL (default: now), in the daemon's order."""
    api = getattr(client, "api", client)
    if facts(client).family != "podman":
        end = time.time() + LATE if until is None else until
        return list(api.events(since=since, until=end, decode=True, filters=filters))
    end = time.time() if until is None else until
    params = {"since": since, "stream": "false"} | ({"filters": convert_filters(filters)} if filters else {})
    response = api._get(api._url("/events"), params=params, stream=True)
    try:
        events = list(api._stream_helper(response, decode=True))
    finally:
        response.close()
    return [e for e in events if int(e.get("timeNano") or e.get("time", 0) * 10**9) <= end * 10**9]
