"""The daemon itself, bypassing the wiretap: the course's own panels must not be recorded.

Once the wiretap runs, ``DOCKER_HOST`` points at its proxy socket; panels and followers
talk to the daemon behind it, so their requests never appear in the learner's transcript
(and never trigger a redraw of the panel that made them).
"""
from __future__ import annotations

from ..engine.connect import connect
from ..wire import wiretap
from ..wire.exchange import INTERNAL_AGENT

subscribe, unsubscribe, latest = wiretap.subscribe, wiretap.unsubscribe, wiretap.latest


def daemon_url() -> str | None:
    """The daemon's own endpoint while the wiretap's proxy sits in front of it, else ``None``."""
    found = wiretap.routed()
    return found[1] if found else None


def client():
    """A new client of the daemon itself (one per thread; close it when done)."""
    return internal(connect(daemon_url()))


def internal(client):
    """Mark a client's requests as the course's own (the wiretap leaves them out)."""
    client.api.headers["User-Agent"] = f"{INTERNAL_AGENT} (dockerlens panels)"
    return client
