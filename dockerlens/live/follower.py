"""Follow the daemon's event stream in a background thread that can always be stopped.

The follower has its own ``DockerClient`` (a ``requests.Session`` is not thread-safe, and
its traffic must stay out of the learner's transcript). ``stop()`` closes the
``CancellableStream``, which ends the blocked read within milliseconds. When the daemon
goes away the follower says "reconnecting" and tries again with back-off.
"""
from __future__ import annotations

import threading
import time
from typing import Callable
from ..engine.connect import connect
from .direct import daemon_url, internal

CONNECTING, FOLLOWING, RECONNECTING, STOPPED = "connecting", "following", "reconnecting", "stopped"


class EventFollower:
    """A background thread calling ``on_event(event)`` for every daemon event.

    Args:
        on_event: called from the follower thread with each decoded event (never prints).
        filters: the daemon-side event filters, e.g. ``{"type": ["container"]}``.
        base_url: the daemon to follow (default: the daemon itself, not the wiretap).
        on_status: called with "following" / "reconnecting" / "stopped" when that changes.
    """

    def __init__(self, on_event: Callable[[dict], None], filters: dict | None = None,
                 base_url: str | None = None, on_status: Callable[[str], None] | None = None,
                 backoff: tuple[float, float] = (0.2, 3.0), name: str = "dockerlens-events"):
        self.on_event, self.filters, self.base_url = on_event, filters, base_url
        self.on_status = on_status
        self.backoff = backoff
        self.status = CONNECTING
        self.events = 0
        self.reconnects = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._stream = None
        self._client = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __repr__(self) -> str:
        return (f"<EventFollower {self.status}: {self.events} events, "
                f"{self.reconnects} reconnects>")

    def start(self) -> "EventFollower":
        self._thread.start()
        return self

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 1.0) -> None:
        """End the thread: close the stream it is blocked on, then join it."""
        self._stopping.set()
        with self._lock:
            stream, client = self._stream, self._client
        _close(stream)
        _close(client)
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self._set_status(STOPPED)

    def _run(self) -> None:
        delay = self.backoff[0]
        while not self._stopping.is_set():
            try:
                self._follow()
                delay = self.backoff[0]
            except Exception:  # the daemon went away or refused us: retry, never print
                pass
            if self._stopping.is_set():
                break
            self.reconnects += 1
            self._set_status(RECONNECTING)
            self._stopping.wait(delay)
            delay = min(delay * 2, self.backoff[1])

    def _follow(self) -> None:
        client = internal(connect(self.base_url or daemon_url()))
        with self._lock:
            self._client = client
            if self._stopping.is_set():
                client.close()
                return
        stream = client.events(decode=True, filters=self.filters)
        with self._lock:
            self._stream = stream
        if self._stopping.is_set():
            stream.close()
            return
        self._set_status(FOLLOWING)
        try:
            for event in stream:
                self.events += 1
                self.on_event(event)
        finally:
            _close(stream)
            _close(client)

    def _set_status(self, status: str) -> None:
        if status == self.status:
            return
        self.status = status
        if self.on_status is not None:
            try:
                self.on_status(status)
            except Exception:
                pass


def _close(thing) -> None:
    if thing is None:
        return
    try:
        thing.close()
    except Exception:
        pass


def wait_until(predicate: Callable[[], bool], seconds: float) -> bool:
    """Poll ``predicate`` until it holds or ``seconds`` pass (tests and notebooks use it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
