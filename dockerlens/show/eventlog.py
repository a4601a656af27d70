"""Daemon events as a table: lesson 08 replays a window of the daemon's diary and reads it.

``replay()`` is the daemon's past events of a window (``engine.history``) collected into an
:class:`EventLog`, which renders one row per event and answers the questions the lesson's
self-checks ask (which actions, in what order, for which object).
"""
from __future__ import annotations

import html
from datetime import datetime

from ..engine.history import past_events
from ..render import left_aligned

SHOWN_ATTRIBUTES = ("exitCode", "signal", "container", "driver", "destination")


def actor_name(event: dict) -> str:
    """The object's name (containers, networks, images) or else its ID (volumes)."""
    actor = event.get("Actor") or {}
    return (actor.get("Attributes") or {}).get("name") or actor.get("ID", "")[:24]


class EventLog(list):
    """Decoded events in arrival order."""

    def actions(self, kind: str | None = None, name: str | None = None) -> list[str]:
        """The ``Action`` of each event, optionally only one type and one object name."""
        return [e["Action"] for e in self if (kind is None or e.get("Type") == kind)
                and (name is None or actor_name(e) == name)]

    def count(self, kind: str) -> int:  # type: ignore[override]
        """How many events of one type (container, image, network, volume...)."""
        return sum(1 for e in self if e.get("Type") == kind)

    def _rows(self) -> list[tuple[str, str, str, str, str]]:
        rows = []
        for e in self:
            nano = e.get("timeNano") or int(e.get("time", 0) * 1e9)
            when = datetime.fromtimestamp(nano / 1e9).strftime("%H:%M:%S.%f")[:-3]
            attrs = (e.get("Actor") or {}).get("Attributes") or {}
            extra = " ".join(f"{k}={attrs[k]}" for k in SHOWN_ATTRIBUTES if k in attrs)
            rows.append((when, e.get("Type", "?"), e.get("Action", "?"), actor_name(e), extra))
        return rows

    def __repr__(self) -> str:
        lines = [f"{w}  {t:<9} {a:<12} {n:<32} {x}" for w, t, a, n, x in self._rows()]
        return "\n".join([f"{len(self)} event(s)"] + lines)

    def _repr_html_(self) -> str:
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                       for row in self._rows())
        return left_aligned(f"<table><caption style='text-align:left'>{len(self)} event(s)</caption><thead><tr>"
                "<th>time</th><th>type</th><th>action</th><th>object</th><th>details</th></tr>"
                f"</thead><tbody>{body}</tbody></table>")


def replay(client, since: float, until: float | None = None,
           filters: dict | None = None) -> EventLog:
    """The events the daemon still remembers between SINCE and UNTIL (default: now)."""
    return EventLog(past_events(client, since, until, filters))
