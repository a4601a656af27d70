"""A recording relay on 127.0.0.1 in front of the registry: the daemon's own /v2/ traffic, seen.

The daemon is told to push to the relay's address; every request it sends there is
forwarded to the registry unchanged and written to a :class:`~.requests.Log`. HTTP framing
(bodies by length or chunks, keep-alive, streaming answers) is the wiretap proxy's, reused:
only the two sockets differ (TCP on 127.0.0.1 instead of UNIX sockets).
"""
from __future__ import annotations

import socket
import threading
import time

from ..wire.proxy import Connection, Proxy, peer_closed
from .requests import Log, Request, kind

DAEMON_AGENTS = ("docker/", "containers/", "libpod/")  # dockerd, Podman's image library


def client_of(user_agent: str) -> str:
    """``dockerd`` when the daemon sent the request, else ``http``."""
    return "dockerd" if user_agent.startswith(DAEMON_AGENTS) else "http"


TLS_HANDSHAKE = 0x16  # the first byte of a TLS record that opens a handshake
# What an HTTP server answers to a TLS hello (Go's net/http says the same): the daemon's TLS
# client then knows the registry speaks plain HTTP and falls back to it (a bare EOF is not
# enough for the containerd image store's resolver).
NOT_TLS = b"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"


class _RelayConnection(Connection):
    """One client connection, relayed to the registry's TCP port."""

    def serve(self) -> None:
        """Note a TLS handshake (the daemon tries HTTPS first) instead of answering 400 to it."""
        try:
            first = self.client.recv(1, socket.MSG_PEEK)
        except OSError:
            first = b""
        if first and first[0] == TLS_HANDSHAKE:
            self.proxy.log.add(Request(0, self.proxy.address, "dockerd", "TLS", "(handshake)", "",
                                       "TLSHandshake", status=400))
            try:
                self.client.sendall(NOT_TLS)
            except OSError:
                pass
            self._close()
            return
        super().serve()

    def _ensure_upstream(self) -> None:
        if self.upstream is not None and peer_closed(self.upstream):
            self._close_upstream()  # the registry closed our idle keep-alive connection
        if self.upstream is None:
            sock = socket.create_connection(("127.0.0.1", self.proxy.registry_port), timeout=30)
            sock.settimeout(None)
            self.upstream, self.uin = sock, sock.makefile("rb", buffering=65536)
            self.proxy._track(sock, True)

    def _begin(self, head):
        ex = super()._begin(head)
        row = self.proxy._rows.get(id(ex))
        if row is not None:  # the scheme only ("Basic"), never the secret
            row.auth = head.get("authorization").partition(" ")[0]
        return ex


class Relay(Proxy):
    """Listen on 127.0.0.1:PORT and relay to the registry on 127.0.0.1:REGISTRY_PORT, logging."""
    connection_thread = "dockerlens-registry-relay-conn"

    def __init__(self, port: int, registry_port: int, log: Log | None = None):
        super().__init__("", "", on_exchange=self._observe, transport="tcp")
        self.port, self.registry_port = port, registry_port
        self.log = log or Log()
        self._rows: dict[int, Request] = {}

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def start(self) -> "Relay":
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(128)
        self.port = server.getsockname()[1]
        self._server = server
        threading.Thread(target=self._accept, name="dockerlens-registry-relay", daemon=True).start()
        return self

    def _connection(self, sock: socket.socket) -> "_RelayConnection":
        return _RelayConnection(self, sock, next(self._ids))

    def _observe(self, ex, event: str) -> None:
        """The proxy's hook: a row when the request arrives, filled in as the answer passes."""
        if event == "request":
            row = Request(0, self.address, client_of(ex.user_agent), ex.method, ex.path,
                          ex.query, kind(ex.method, ex.path, ex.query))
            self._rows[id(ex)] = row
            self.log.add(row)
            return
        row = self._rows.get(id(ex))
        if row is None:
            return
        row.status, row.sent, row.received = ex.status, ex.request_bytes, ex.response_bytes
        if event == "done":
            row.seconds = ex.duration_total
            self._rows.pop(id(ex), None)
            self.log.tell(row)


def free_port(preferred: int, tries: int = 50) -> int:
    """PREFERRED if nothing listens there on 127.0.0.1, else the next free port above it."""
    for port in range(preferred, preferred + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the relay binds
            try:
                probe.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(port: int, timeout: float = 10.0) -> bool:
    """True once something accepts TCP connections on 127.0.0.1:PORT (within TIMEOUT s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False
