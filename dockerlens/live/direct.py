"""The daemon itself, bypassing the wiretap: the course's own panels must not be recorded.

Once the wiretap runs, ``DOCKER_HOST`` points at its proxy socket; panels and followers
talk to the daemon behind it, so their requests never appear in the learner's transcript
(and never trigger a redraw of the panel that made them).
"""
from __future__ import annotations


def daemon_url() -> str | None:
    """The daemon's own endpoint while the wiretap's proxy sits in front of it, else ``None``."""
    try:
        from ..wire import wiretap
        found = wiretap.routed()
    except (ImportError, AttributeError):
        return None
    return found[1] if found else None


def client():
    """A new client of the daemon itself (one per thread; close it when done)."""
    from ..engine.connect import connect
    return internal(connect(daemon_url()))


def internal(client):
    """Mark a client's requests as the course's own (the wiretap leaves them out)."""
    try:
        from ..wire.exchange import INTERNAL_AGENT
    except ImportError:
        return client
    client.api.headers["User-Agent"] = f"{INTERNAL_AGENT} (dockerlens panels)"
    return client


def subscribe(fn) -> bool:
    """Call ``fn(exchange)`` for every wiretap exchange, if the wiretap exists."""
    try:
        from ..wire import wiretap
        wiretap.subscribe(fn)
        return True
    except (ImportError, AttributeError):
        return False


def unsubscribe(fn) -> None:
    try:
        from ..wire import wiretap
        wiretap.unsubscribe(fn)
    except (ImportError, AttributeError, ValueError, KeyError):
        pass


def latest():
    """The most recent wiretap exchange, if the wiretap exists and saw one."""
    try:
        from ..wire import wiretap
        return wiretap.latest()
    except (ImportError, AttributeError):
        return None
