"""The wiretap: every HTTP exchange between a client and the daemon, in one ordered transcript.

``setup()`` starts a Unix-socket proxy (``dockerlens.proxy``) once per kernel, in a private
directory (mode 0700, socket 0600, removed at exit), and points ``DOCKER_HOST`` at it. The
SDK client ``setup()`` returns, the ``docker`` CLI run with ``!docker`` and raw HTTP all go
through it, so they share this one transcript, the SDK's own ``GET /version`` negotiation
included. A proxy was chosen over the SDK's response hook because the hook cannot see the
CLI nor the negotiation. When the daemon is reached over TCP/TLS (``DOCKER_HOST=tcp://``)
there is no socket to sit in front of: ``hook(client)`` records SDK traffic through
``client.api.hooks["response"]`` instead (the CLI is then not seen).

Use it as ``with lens.wiretap() as tap:`` (``tap`` renders as a table; ``tap.operations()``
lists operation IDs in order), ``lens.wiretap(live=True)`` for a panel that updates while
the cell runs, and ``wiretap.subscribe(fn)`` / ``wiretap.unsubscribe(fn)`` /
``wiretap.latest()`` for live diagrams and the replay recorder. Traffic whose User-Agent
starts with ``INTERNAL_AGENT`` (the course's own background clients) is left out.
"""
from __future__ import annotations

import atexit
import itertools
import json
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlparse

RAW_AGENT = "dockerlens-raw-http/1"
INTERNAL_AGENT = "dockerlens-internal"


def classify(user_agent: str) -> str:
    """Which client sent a request: ``sdk``, ``cli``, ``internal`` or ``http``, from User-Agent."""
    if user_agent.startswith("docker-sdk-python"):
        return "sdk"
    if user_agent.startswith("Docker-Client"):
        return "cli"
    if user_agent.startswith(INTERNAL_AGENT):
        return "internal"
    return "http"


@dataclass(eq=False)
class Exchange:
    """One request and its response, filled in as the bytes pass through the proxy."""
    client: str
    method: str
    path: str
    query: str
    operation: str
    seq: int = 0
    time: float = field(default_factory=time.time)
    status: int | None = None
    reason: str = ""
    duration_to_headers: float | None = None
    duration_total: float | None = None
    request_bytes: int = 0
    response_bytes: int = 0
    streaming: bool = False
    upgraded: bool = False
    request_preview: str = ""
    response_preview: str = ""
    error: str | None = None
    user_agent: str = ""
    transport: str = "unix"  # "tcp" when the course's TLS endpoint relayed it (wiretap.tcp_side)
    conn_id: int = 0
    done: bool = False
    _started: float = 0.0

    @property
    def target(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")

    @property
    def message(self) -> str:
        """The daemon's ``message`` for a failed call ('' if none)."""
        try:
            return json.loads(self.response_preview).get("message", "")
        except (ValueError, AttributeError):
            return ""

    def pretty(self, which: str = "response", limit: int = 1200) -> str:
        """A body preview, pretty-printed when it is whole JSON, truncated to ``limit``."""
        text = self.request_preview if which == "request" else self.response_preview
        try:
            text = json.dumps(json.loads(text), indent=2)
        except ValueError:
            pass
        return text if len(text) <= limit else text[:limit] + " …"

    def row(self) -> str:
        status = self.status if self.status is not None else "…"
        ms = f"{self.duration_to_headers * 1000:.1f}" if self.duration_to_headers else "-"
        flags = ("upgraded" if self.upgraded else "streaming" if self.streaming else "")
        flags += " via tcp" if self.transport == "tcp" else ""
        return (f"{self.seq:>4} {self.client:<4} {self.method:<6} {_cut(self.target, 58):<58} "
                f"{status!s:>4} {self.operation:<22} {ms:>7} ms {flags}").rstrip()

    def __repr__(self) -> str:
        return f"<Exchange {self.row().strip()}>"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


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
    from .proxy import Proxy
    parsed = urlparse(endpoint)
    if parsed.scheme not in ("unix", "http+unix"):
        return None
    with _state_lock:
        proxy = _state.get("proxy")
        if proxy is not None and _state.get("pid") == os.getpid():
            proxy.upstream_path, _state["upstream"] = parsed.path, endpoint  # new connections
            if "tcp_side" in _state:
                _state["tcp_side"].upstream_path = parsed.path
            return proxy.url
        directory = tempfile.mkdtemp(prefix="dockerlens-wiretap-")
        os.chmod(directory, 0o700)
        proxy = Proxy(os.path.join(directory, "docker.sock"), parsed.path,
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
    from .proxy import Proxy
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
    from .operations import operation

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

    if record not in client.api.hooks["response"]:
        client.api.hooks["response"].append(record)


class Tap:
    """The exchanges sent while a ``with`` block ran: a table in a notebook, text in a terminal."""

    def __init__(self, live: bool = False, source: Transcript = TRANSCRIPT):
        self.live, self._source = live, source
        self._first, self._last = source.last_seq(), None
        self._panel = None

    def __enter__(self) -> "Tap":
        self._first, self._last = self._source.last_seq(), None
        if self.live:
            from .explain import LivePanel
            self._panel = LivePanel(self)
        return self

    def __exit__(self, *exc) -> None:
        deadline = time.monotonic() + 0.5  # let the proxy finish counting the last bytes
        while time.monotonic() < deadline and any(
                not e.done and not (e.streaming or e.upgraded) for e in self.exchanges):
            time.sleep(0.005)
        self._last = self._source.last_seq()
        if self._panel is not None:
            self._panel.close()

    @property
    def exchanges(self) -> list[Exchange]:
        return self._source.since(self._first, self._last)

    def operations(self) -> list[str]:
        """Operation IDs in the order the requests were sent."""
        return [e.operation for e in self.exchanges]

    def calls(self) -> list[tuple[str, str, int | None]]:
        """(client, operation, status) per exchange: what a self-check usually asserts."""
        return [(e.client, e.operation, e.status) for e in self.exchanges]

    def in_order(self, wanted: list[str]) -> bool:
        """True if the operations in ``wanted`` were sent in this order (others in between allowed)."""
        return [op for op in self.operations() if op in wanted] == list(wanted)

    def by_client(self) -> dict[str, list[str]]:
        """Operation IDs per client (``sdk``, ``cli``, ``http``), each in order."""
        found: dict[str, list[str]] = {}
        for e in self.exchanges:
            found.setdefault(e.client, []).append(e.operation)
        return found

    def __len__(self) -> int:
        return len(self.exchanges)

    def __iter__(self):
        return iter(self.exchanges)

    def __getitem__(self, i):
        return self.exchanges[i]

    def __repr__(self) -> str:
        rows = [e.row() for e in self.exchanges]
        head = (f"{'#':>4} {'who':<4} {'method':<6} {'path':<58} {'code':>4} "
                f"{'operation':<22} {'to head':>10}")
        return "\n".join([f"wiretap: {len(rows)} exchange(s)", head, *rows])

    def _repr_html_(self) -> str:
        from .explain import table_html
        return table_html(self.exchanges, title=f"wiretap · {len(self)} exchange(s)")


def wiretap(live: bool = False) -> Tap:
    """``with lens.wiretap() as tap:`` records what the block sends; ``live=True`` shows a panel."""
    return Tap(live=live)


class _CallableModule(type(os)):
    """Lets ``lens.wiretap()`` open a tap while ``lens.wiretap.subscribe`` stays a module function."""

    def __call__(self, live: bool = False) -> Tap:
        return wiretap(live)


import sys as _sys  # noqa: E402

_sys.modules[__name__].__class__ = _CallableModule
