"""The wiretap: every HTTP exchange between a client and the daemon, in one ordered transcript.

``setup()`` starts a Unix-socket proxy (``dockerlens.wire.proxy``) once per kernel, in a private
directory (mode 0700, socket 0600, removed at exit), and points ``DOCKER_HOST`` at it. The
SDK client ``setup()`` returns, the ``docker`` CLI run with ``!docker`` and raw HTTP all go
through it, so they share this one transcript, the SDK's own ``GET /version`` negotiation
included. A proxy was chosen over the SDK's response hook because the hook cannot see the
CLI nor the negotiation. When the daemon is reached over TCP/TLS (``DOCKER_HOST=tcp://``)
there is no socket to sit in front of: ``hook(client)`` records SDK traffic through
``client.api.hooks["response"]`` instead (the CLI is then not seen).

Learners read it through ``lens.wiretap`` (``dockerlens.show.tap``); live diagrams and the
replay recorder use ``subscribe(fn)`` / ``unsubscribe(fn)`` / ``latest()`` here. Traffic whose User-Agent
starts with ``INTERNAL_AGENT`` (the course's own background clients) is left out.
"""
from __future__ import annotations

import atexit
import itertools
import os
import shutil
import threading
from typing import Callable
from urllib.parse import urlparse

from ..engine.connect import find_endpoint, socket_path
from .exchange import Exchange
from .operations import operation
from .proxy import Proxy
from .scratch import private_dir


class Transcript:
    """The kernel's whole wiretap record: thread-safe, in arrival order, with subscribers."""
    KEEP = 20_000

    def __init__(self):
        self._items: list[Exchange] = []
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self._subscribers: list[Callable[[Exchange], None]] = []

    def observe(self, ex: Exchange, event: str) -> None:
        """The proxy's ``on_exchange``: add new requests, tell subscribers of responses."""
        if ex.client == "internal":
            return
        if event == "request":
            with self._lock:
                ex.seq = next(self._seq)
                self._items.append(ex)
                if len(self._items) > self.KEEP:  # a long session keeps its recent history
                    del self._items[:len(self._items) - self.KEEP]
        elif event == "response":
            for fn in list(self._subscribers):
                try:
                    fn(ex)
                except Exception:
                    pass

    def subscribe(self, fn: Callable[[Exchange], None]) -> None:
        with self._lock:
            if fn not in self._subscribers:
                self._subscribers.append(fn)

    def unsubscribe(self, fn: Callable[[Exchange], None]) -> None:
        with self._lock:
            if fn in self._subscribers:
                self._subscribers.remove(fn)

    def since(self, seq: int, until: int | None = None) -> list[Exchange]:
        with self._lock:
            return [e for e in self._items if e.seq > seq and (until is None or e.seq <= until)]

    def last_seq(self) -> int:
        with self._lock:
            return self._items[-1].seq if self._items else 0

    def latest(self) -> Exchange | None:
        with self._lock:
            return self._items[-1] if self._items else None

    def find(self, method: str, path: str, status: int | None) -> Exchange | None:
        """The most recent exchange with this method, path (query ignored) and status."""
        with self._lock:
            for ex in reversed(self._items):
                if ex.method == method and ex.path == path and (status is None or ex.status == status):
                    return ex
        return None

    def __len__(self) -> int:
        return len(self._items)


TRANSCRIPT = Transcript()
_state: dict = {}
_state_lock = threading.Lock()


def subscribe(fn: Callable[[Exchange], None]) -> None:
    """Call ``fn(exchange)`` (on a proxy thread) whenever a response head arrives."""
    TRANSCRIPT.subscribe(fn)


def unsubscribe(fn: Callable[[Exchange], None]) -> None:
    TRANSCRIPT.unsubscribe(fn)


def latest() -> Exchange | None:
    """The most recent exchange of this kernel, or None."""
    return TRANSCRIPT.latest()


def transcript() -> list[Exchange]:
    """Every exchange of this kernel so far, in order."""
    return TRANSCRIPT.since(0)


def start(endpoint: str) -> str | None:
    """Start the kernel's proxy in front of a ``unix://`` endpoint (once); return its URL.

    Returns None for an endpoint that is not a Unix socket (use ``hook(client)`` then).
    """
    try:
        upstream = socket_path(endpoint)
    except ValueError:
        return None
    with _state_lock:
        proxy = _state.get("proxy")
        if proxy is not None and _state.get("pid") == os.getpid():
            proxy.upstream_path, _state["upstream"] = upstream, endpoint  # new connections
            if "tcp_side" in _state:
                _state["tcp_side"].upstream_path = upstream
            return proxy.url
        directory = private_dir("wiretap")
        proxy = Proxy(os.path.join(directory, "docker.sock"), upstream,
                      on_exchange=TRANSCRIPT.observe).start()
        _state.update(proxy=proxy, pid=os.getpid(), dir=directory, upstream=endpoint)
        atexit.register(_cleanup, os.getpid())
        return proxy.url


def tcp_side() -> str | None:
    """The socket path of the proxy's TCP side, started once; None when the wiretap is off.

    The course's TLS endpoint (``remote.TLSForwarder``) relays into this second listener
    of the same transcript, so its exchanges carry ``transport="tcp"`` exactly, instead of
    being guessed from timing.
    """
    with _state_lock:
        proxy = _state.get("proxy")
        if proxy is None or _state.get("pid") != os.getpid():
            return None
        side = _state.get("tcp_side")
        if side is None:
            side = Proxy(os.path.join(_state["dir"], "docker-tcp.sock"), proxy.upstream_path,
                         on_exchange=TRANSCRIPT.observe, transport="tcp").start()
            _state["tcp_side"] = side
        side.upstream_path = proxy.upstream_path
        return side.listen_path


def route(endpoint: str) -> str:
    """setup()'s call: put the proxy in front of ``endpoint`` and point ``DOCKER_HOST`` at it.

    Returns the URL clients should use: the proxy's, or ``endpoint`` itself when the
    wiretap is off (``DOCKERLENS_WIRETAP=off``) or the endpoint is not a Unix socket.
    """
    if os.environ.get("DOCKERLENS_WIRETAP", "on").strip().lower() in ("0", "off", "no", "false"):
        return endpoint
    url = start(endpoint)
    if url is None:
        return endpoint
    if os.environ.get("DOCKER_HOST") != url:
        _state["saved_host"] = os.environ.get("DOCKER_HOST")
        os.environ["DOCKER_HOST"] = url
    return url


def unroute() -> None:
    """Give ``DOCKER_HOST`` back as it was before ``route()`` (setup() then looks afresh)."""
    found = running()
    if found and os.environ.get("DOCKER_HOST") == found[0]:
        saved = _state.pop("saved_host", None)
        if saved is None:
            os.environ.pop("DOCKER_HOST", None)
        else:
            os.environ["DOCKER_HOST"] = saved


def running() -> tuple[str, str] | None:
    """(proxy URL, real daemon endpoint) if this process runs the wiretap proxy."""
    proxy = _state.get("proxy")
    if proxy is None or _state.get("pid") != os.getpid():
        return None
    return proxy.url, _state["upstream"]


def daemon_endpoint() -> str:
    """The real daemon's URL: the one behind the proxy while clients go through it, else the first
    that answers (a proxy that is no longer routed may front a daemon that is gone)."""
    found = routed()
    return found[1] if found else find_endpoint()[0]


def routed() -> tuple[str, str] | None:
    """(proxy URL, daemon endpoint) while ``DOCKER_HOST`` points at this process's proxy."""
    found = running()
    return found if found and os.environ.get("DOCKER_HOST") == found[0] else None


def _cleanup(pid: int) -> None:
    """At exit: stop the proxy and remove its private directory (only in the process that made it)."""
    if os.getpid() != pid or "proxy" not in _state:
        return
    if "tcp_side" in _state:
        _state["tcp_side"].stop()
    _state["proxy"].stop()
    shutil.rmtree(_state["dir"], ignore_errors=True)


def hook(client) -> None:
    """Record SDK traffic through the response hook, for daemons the proxy cannot front (TCP/TLS)."""
    def record(response, *args, **kwargs):
        url = urlparse(response.request.url)
        ex = Exchange(client="sdk", method=response.request.method, path=url.path,
                      query=url.query, operation=operation(response.request.method, url.path),
                      status=response.status_code, reason=response.reason or "",
                      duration_to_headers=response.elapsed.total_seconds(),
                      streaming=bool(kwargs.get("stream")), upgraded=response.status_code == 101)
        if not kwargs.get("stream") and "json" in response.headers.get("content-type", ""):
            ex.response_preview = response.content[:4096].decode("utf-8", "replace")
        ex.done = True
        TRANSCRIPT.observe(ex, "request")
        TRANSCRIPT.observe(ex, "response")
        return response

    record.dockerlens = True  # one recording hook per client, however often hook() is called
    if not any(getattr(fn, "dockerlens", False) for fn in client.api.hooks["response"]):
        client.api.hooks["response"].append(record)
    _state["hooked"] = os.getpid()


def recording() -> bool:
    """True while this kernel's requests reach the transcript (proxy routed, or a hook installed)."""
    return routed() is not None or _state.get("hooked") == os.getpid()
