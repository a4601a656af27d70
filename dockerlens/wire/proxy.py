"""A Unix-socket proxy between every client and the daemon: the wiretap's ears.

Why a proxy rather than the SDK's response hook: the hook sees only the SDK, and only
after the version negotiation of ``docker.from_env()``; a proxy that ``DOCKER_HOST``
points at sees every client of the kernel (the SDK from its first ``GET /version``, the
``docker`` CLI run with ``!docker``, raw HTTP) in one ordered transcript.

How it stays invisible: one thread per client connection, one upstream connection per
client connection (so keep-alive and hijacking need no bookkeeping), bytes forwarded as
they arrive and never held back. Request bodies are framed by ``Content-Length`` or
chunked encoding, responses by ``Content-Length``, chunked encoding or the end of the
connection; ``HEAD`` and 1xx/204/304 answers have no body. A ``101 Switching Protocols``
answer (``exec start`` and ``attach`` of the SDK and CLI) switches the connection to a raw
relay in both directions, half-closed with ``shutdown()`` as each side finishes. Only a
bounded preview (the first few KB of JSON bodies) is copied for display, so a streaming
body is never taken from the client. A request that is not HTTP gets ``400`` and the
daemon being gone gets ``502``, both with a JSON ``message`` as the daemon itself would
send, so the SDK raises an ordinary ``APIError``; the proxy keeps serving. "Gone" means
gone without a word: an answer the daemon wrote before closing on a body it refused (an
upload into a missing path, an import with a bad tag) is relayed as the daemon wrote it.
One order is kept where an engine would lose bytes: see ``LogFollows``.

Hooks: ``on_exchange(exchange, event)`` with event ``"request"`` (head read), ``"response"``
(response head arrived, before it is forwarded) and ``"done"``; ``on_bytes(conn_id,
direction, data, monotonic_time)`` with direction ``"request"`` or ``"response"`` for
every relayed chunk, upgraded streams included (the replay recorder's feed). Both run on
proxy threads; exceptions they raise are swallowed. ``on_bytes=None`` costs nothing.
"""
from __future__ import annotations

import itertools
import json
import os
import select
import socket
import threading
import time
from typing import Callable

from .operations import STREAMING, operation, strip_version
from .exchange import Exchange, classify
from .http import Head, Malformed, body_pieces, read_head

PREVIEW_LIMIT = 4096
CHUNK = 65536
DRAIN_IDLE, DRAIN_MAX = 1.0, 10.0  # seconds: the rest of a refused body is read and dropped
_WATCHED = STREAMING | {"ContainerWait", "unknown"}
_RDHUP = getattr(select, "POLLRDHUP", 0)  # Linux only; macOS reports a hang-up as POLLHUP/POLLIN
_RAW_TYPES = ("application/vnd.docker.raw-stream", "application/vnd.docker.multiplexed-stream")


def streams(operation: str, query: str) -> bool:
    """True for answers that go on while something happens (follow, stream, events, build)."""
    params = dict(p.partition("=")[::2] for p in query.split("&") if p)
    if operation in ("ContainerLogs", "ServiceLogs", "TaskLogs"):
        return params.get("follow", "0").lower() in ("1", "true")
    if operation == "ContainerStats":
        return params.get("stream", "1").lower() not in ("0", "false")
    return operation in STREAMING


class UpstreamGone(ConnectionError):
    """The daemon closed the connection or never answered."""


class StoppedReading(UpstreamGone):
    """Sending to the daemon failed: it closed its end, perhaps after answering."""


class _Preview:
    """The first few KB of a body, copied aside while the body is forwarded."""
    __slots__ = ("data", "limit")

    def __init__(self, wanted: bool, limit: int = PREVIEW_LIMIT):
        self.data, self.limit = bytearray(), (limit if wanted else 0)

    def add(self, payload: bytes) -> None:
        room = self.limit - len(self.data)
        if room > 0:
            self.data += payload[:room]

    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


def container_ref(path: str) -> str | None:
    """The container a ``/containers/{ref}/...`` path names (its API version prefix dropped)."""
    parts = strip_version(path)[0].strip("/").split("/")
    return parts[1] if len(parts) >= 2 and parts[0] == "containers" else None


class LogFollows:
    """Followed log streams being relayed, by container; removing that container waits for them.

    Why: Podman ends a followed log stream when its container is removed, even before it has sent
    what the container wrote, and docker-py's ``containers.run(remove=True)`` removes the
    container before it reads the stream it opened. On Podman 5 a learner's output came back
    empty in about one run in forty. Docker has ended the stream by then, so nothing waits.
    """
    WAIT = 2.0  # seconds at most: a stream still open then is one that follows a live container

    def __init__(self):
        self._open: dict[str, int] = {}
        self._changed = threading.Condition()

    def opened(self, ref: str) -> None:
        with self._changed:
            self._open[ref] = self._open.get(ref, 0) + 1

    def closed(self, ref: str) -> None:
        with self._changed:
            left = self._open.pop(ref, 1) - 1
            if left:
                self._open[ref] = left
            self._changed.notify_all()

    def wait_for(self, ref: str) -> None:
        with self._changed:
            self._changed.wait_for(lambda: ref not in self._open, timeout=self.WAIT)


class Proxy:
    """Listen on ``listen_path``, relay every connection to the daemon at ``upstream_path``."""
    connection_thread = "dockerlens-proxy-conn"

    def __init__(self, listen_path: str, upstream_path: str,
                 on_exchange: Callable[[Exchange, str], None] | None = None,
                 on_bytes: Callable[[int, str, bytes, float], None] | None = None,
                 transport: str = "unix"):
        self.listen_path, self.upstream_path = listen_path, upstream_path
        self.transport = transport  # how clients reached this listener; stamped on each exchange
        self.on_exchange, self.on_bytes = on_exchange, on_bytes
        self._ids = itertools.count(1)
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._server: socket.socket | None = None
        self.log_follows = LogFollows()

    @property
    def url(self) -> str:
        return f"unix://{self.listen_path}"

    def start(self) -> "Proxy":
        """Bind the socket (mode 0600) and accept connections on a daemon thread."""
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            server.bind(self.listen_path)
        finally:
            os.umask(old)
        os.chmod(self.listen_path, 0o600)
        server.listen(128)
        self._server = server
        threading.Thread(target=self._accept, name="dockerlens-proxy", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop accepting, cut every open connection, remove the socket file."""
        server, self._server = self._server, None
        if server is not None:
            try:
                server.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            server.close()
        with self._lock:
            conns = list(self._conns)
        for sock in conns:
            _shutdown(sock, socket.SHUT_RDWR)
        try:
            os.unlink(self.listen_path)
        except FileNotFoundError:
            pass

    def _accept(self) -> None:
        server = self._server
        while self._server is server and server is not None:
            try:
                sock, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=self._connection(sock).serve,
                             name=self.connection_thread, daemon=True).start()

    def _connection(self, sock: socket.socket) -> "Connection":
        """What serves one accepted client (a subclass such as the registry relay swaps it)."""
        return Connection(self, sock, next(self._ids))

    def _track(self, sock: socket.socket, add: bool) -> None:
        with self._lock:
            (self._conns.add if add else self._conns.discard)(sock)

    def emit(self, exchange: Exchange, event: str) -> None:
        if self.on_exchange is not None:
            try:
                self.on_exchange(exchange, event)
            except Exception:  # a listener must never break the relay
                pass


class Connection:
    """One client connection and its own upstream connection, served on one thread."""

    def __init__(self, proxy: Proxy, sock: socket.socket, conn_id: int):
        self.proxy, self.client, self.id = proxy, sock, conn_id
        self.cin = sock.makefile("rb", buffering=CHUNK)
        self.upstream: socket.socket | None = None
        self.uin = None
        self.tap = proxy.on_bytes
        self.client_gone = False
        self.following: str | None = None  # the container whose logs this connection follows

    def serve(self) -> None:
        self.proxy._track(self.client, True)
        try:
            while self._one_exchange():
                pass
        except Exception:  # the client went away (or a bug): end quietly, threads never print
            pass
        finally:
            self._close()

    # -- one request / response ------------------------------------------------------

    def _one_exchange(self) -> bool:
        """Relay one request and its response; True if the connection stays open."""
        try:
            head = read_head(self.cin, request=True)
            if head is not None:
                head.length()  # a bad Content-Length is refused before anything is forwarded
        except Malformed as err:
            self._refuse(None, 400, "Bad Request", f"dockerlens wiretap: malformed request ({err})")
            return False
        if head is None:
            return False
        ex = self._begin(head)
        try:
            return self._relay(head, ex)
        except (OSError, ValueError) as err:
            if self.client_gone:
                self._finish(ex)  # the client hung up on a long answer: a cancel, not a failure
                return False
            return self._failed(ex, err)

    def _failed(self, ex: Exchange, err: Exception) -> bool:
        """Record why an exchange broke off; answer 502 if the client has no answer yet."""
        if isinstance(err, Malformed):
            self._finish(ex, error=f"malformed request body ({err})")
        elif isinstance(err, UpstreamGone):
            self._upstream_failed(ex, f"the daemon closed the connection ({err})")
        elif ex.status is None:
            reason = getattr(err, "strerror", None) or err
            self._upstream_failed(ex, f"the daemon at {self.proxy.upstream_path} is gone ({reason})")
        else:
            self._finish(ex)  # the client stopped reading: its choice, not a failure
        return False

    def _begin(self, head: Head) -> Exchange:
        method = head.method
        path, _, query = head.target.partition("?")
        ex = Exchange(client=classify(head.get("user-agent")), method=method, path=path,
                      query=query, operation=operation(method, path),
                      user_agent=head.get("user-agent"), conn_id=self.id,
                      transport=self.proxy.transport)
        ex._started = time.monotonic()
        self.proxy.emit(ex, "request")
        return ex

    def _relay(self, head: Head, ex: Exchange) -> bool:
        self._ensure_upstream()
        if ex.operation == "ContainerDelete":
            self.proxy.log_follows.wait_for(container_ref(ex.path))
        try:
            early = self._forward_request(head, ex)
        except StoppedReading:
            early = self._early_answer()
            if early is None:  # the daemon went without a word: the client gets our 502
                raise
        if early is not None:  # answered before the whole body: the connection ends after it
            self._respond(head, early, ex)
            self._drain_client()
            return False
        answer = self._read_response_head()
        while answer.first[1] in (b"100", b"102", b"103"):
            self._send(self.client, answer.raw, "response")
            answer = self._read_response_head()
        return self._respond(head, answer, ex)

    def _forward_request(self, head: Head, ex: Exchange) -> Head | None:
        """Send head and body on; the daemon's final answer if it came before the body."""
        self._send(self.upstream, head.raw, "request")
        ex.request_bytes += len(head.raw)
        if head.has_token("expect", "100-continue"):
            answer = self._read_response_head()
            if answer.first[1] != b"100":  # the client will not send the body now
                return answer
            self._send(self.client, answer.raw, "response")
        preview = _Preview("json" in head.get("content-type"), PREVIEW_LIMIT // 2)
        try:
            ex.request_bytes += self._relay_body(self.cin, self.upstream, head, preview, "request")
        finally:
            ex.request_preview = preview.text()
        return None

    def _early_answer(self) -> Head | None:
        """The answer the daemon wrote before it closed on a body it did not want, if any.

        The daemon (Go's net/http) answers a request it refuses (a missing path for
        ``put_archive``, a bad tag or option for an import or build) at once, reads at most
        256 KiB more of the body and closes: our send fails, and its answer waits unread.
        """
        try:
            return read_head(self.uin, request=False)
        except (OSError, Malformed):
            return None

    def _respond(self, request: Head, answer: Head, ex: Exchange) -> bool:
        status = int(answer.first[1])
        ex.status = status
        ex.reason = answer.first[2].decode("latin-1").strip() if len(answer.first) > 2 else ""
        ex.duration_to_headers = time.monotonic() - ex._started
        raw_type = answer.get("content-type").startswith(_RAW_TYPES)
        no_body = ex.method == "HEAD" or status in (204, 304)
        framed = answer.chunked or answer.length() is not None
        ex.upgraded = status == 101 or (raw_type and not framed and not no_body
                                        and request.has_token("connection", "upgrade"))
        ex.streaming = ex.upgraded or (not no_body and (answer.chunked or not framed)
                                       and streams(ex.operation, ex.query))
        if ex.operation == "ContainerLogs" and ex.streaming:
            self._follow(container_ref(ex.path))
        self.proxy.emit(ex, "response")
        self._send(self.client, answer.raw, "response")
        ex.response_bytes += len(answer.raw)
        if ex.upgraded:
            self._relay_raw(ex)
            self._finish(ex)
            return False
        if no_body:
            self._finish(ex)
            return self._keep_alive(request, answer)
        preview = _Preview("json" in answer.get("content-type"))
        watcher = _ClientWatch(self) if not framed or ex.operation in _WATCHED else None
        try:
            if framed:
                ex.response_bytes += self._relay_body(self.uin, self.client, answer, preview,
                                                      "response")
            else:
                ex.response_bytes += self._relay_until_close(preview)
        finally:
            if watcher:
                watcher.stop()
        ex.response_preview = preview.text()
        self._finish(ex)
        return framed and self._keep_alive(request, answer)

    def _drain_client(self) -> None:
        """After an early answer, read and drop the rest of the body the client still sends.

        A client blocked writing its body (the docker CLI) would otherwise meet a closed
        socket and report ``broken pipe`` instead of the answer; the daemon gives it time too.
        """
        _shutdown(self.client, socket.SHUT_WR)
        deadline = time.monotonic() + DRAIN_MAX
        try:
            self.client.settimeout(DRAIN_IDLE)
            while self.cin.read1(CHUNK) and time.monotonic() < deadline:
                pass
        except (OSError, ValueError):  # the client closed, or went quiet: either way, done
            pass

    # -- bodies -----------------------------------------------------------------------

    def _relay_body(self, src, dst: socket.socket, head: Head, preview: _Preview,
                    direction: str) -> int:
        """Forward one framed body (chunked or Content-Length); return the bytes forwarded."""
        sent = 0
        try:
            for raw, payload in body_pieces(src, head):
                preview.add(payload)
                self._send(dst, raw, direction)
                sent += len(raw)
        except Malformed as err:
            if direction == "request":
                raise
            raise UpstreamGone(str(err)) from None
        return sent

    def _relay_until_close(self, preview: _Preview) -> int:
        sent = 0
        while True:
            data = self.uin.read1(CHUNK)
            if not data:
                return sent
            preview.add(data)
            self._send(self.client, data, "response")
            sent += len(data)

    def _relay_raw(self, ex: Exchange) -> None:
        """After a 101: copy both directions until both have ended, half-closing as they do."""
        def client_to_daemon():
            try:
                while True:
                    data = self.cin.read1(CHUNK)
                    if not data:
                        break
                    self._send(self.upstream, data, "request")
                    ex.request_bytes += len(data)
            except (OSError, ValueError):
                pass
            _shutdown(self.upstream, socket.SHUT_WR)

        pump = threading.Thread(target=client_to_daemon, name="dockerlens-proxy-up", daemon=True)
        pump.start()
        try:
            ex.response_bytes += self._relay_until_close(_Preview(False))
        except OSError:
            pass
        _shutdown(self.client, socket.SHUT_WR)
        pump.join(2.0)
        if pump.is_alive():  # the client keeps its socket open: wake the pump and end
            _shutdown(self.client, socket.SHUT_RD)
            pump.join(2.0)

    # -- plumbing ---------------------------------------------------------------------

    def _ensure_upstream(self) -> None:
        """Connect to the daemon, or reconnect if it closed our idle keep-alive connection."""
        if self.upstream is not None and peer_closed(self.upstream):
            self._close_upstream()
        if self.upstream is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(self.proxy.upstream_path)
            except OSError:
                sock.close()
                raise
            self.upstream, self.uin = sock, sock.makefile("rb", buffering=CHUNK)
            self.proxy._track(sock, True)

    def _read_response_head(self) -> Head:
        try:
            answer = read_head(self.uin, request=False)
        except Malformed as err:
            raise UpstreamGone(str(err)) from None
        if answer is None:
            raise UpstreamGone("no answer")
        return answer

    def _send(self, sock: socket.socket, data: bytes, direction: str) -> None:
        # Tapped before it is sent: a client that has its whole answer may stop the proxy and
        # read the recorder at once (the recorder then lacked the last chunk, under load).
        if self.tap is not None:
            try:
                self.tap(self.id, direction, data, time.monotonic())
            except Exception:
                pass
        try:
            sock.sendall(data)
        except OSError as err:
            if sock is not self.upstream:
                raise
            raise StoppedReading(getattr(err, "strerror", None) or str(err)) from err

    def _keep_alive(self, request: Head, answer: Head) -> bool:
        if request.has_token("connection", "close") or answer.has_token("connection", "close"):
            return False
        if request.first[2] == b"HTTP/1.0":
            return request.has_token("connection", "keep-alive")
        return True

    def _refuse(self, ex: Exchange | None, status: int, reason: str, message: str) -> None:
        """Answer like the daemon would (JSON message), record it, and close."""
        if ex is None:
            ex = Exchange(client="http", method="?", path="?", query="", operation="unknown",
                          conn_id=self.id)
            ex._started = time.monotonic()
            self.proxy.emit(ex, "request")
        body = json.dumps({"message": message}).encode() + b"\n"
        head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        ex.status, ex.reason, ex.error = status, reason, message
        ex.duration_to_headers = time.monotonic() - ex._started
        ex.response_preview = body.decode()
        self.proxy.emit(ex, "response")
        try:
            self._send(self.client, head + body, "response")
            ex.response_bytes = len(head) + len(body)
        except OSError:
            pass
        self._finish(ex)

    def _upstream_failed(self, ex: Exchange, message: str) -> None:
        if ex.status is None:
            self._refuse(ex, 502, "Bad Gateway", f"dockerlens wiretap: {message}")
        else:
            self._finish(ex, error=message)

    def _follow(self, ref: str | None) -> None:
        """Mark this connection as relaying REF's followed logs (``None``: no longer)."""
        if self.following is not None:
            self.proxy.log_follows.closed(self.following)
        self.following = ref
        if ref is not None:
            self.proxy.log_follows.opened(ref)

    def _finish(self, ex: Exchange, error: str | None = None) -> None:
        self._follow(None)
        if error and not ex.error:
            ex.error = error
        ex.duration_total = time.monotonic() - ex._started
        ex.done = True
        self.proxy.emit(ex, "done")

    def _close_upstream(self) -> None:
        if self.upstream is not None:
            self.proxy._track(self.upstream, False)
            _shutdown(self.upstream, socket.SHUT_RDWR)
            self.upstream.close()
            self.upstream = self.uin = None

    def _close(self) -> None:
        self._follow(None)
        self._close_upstream()
        self.proxy._track(self.client, False)
        _shutdown(self.client, socket.SHUT_RDWR)
        self.client.close()


class _ClientWatch:
    """While a long response streams, notice the client hanging up and end the upstream."""

    def __init__(self, conn: Connection):
        self.conn, self._stop = conn, threading.Event()
        threading.Thread(target=self._watch, name="dockerlens-proxy-watch", daemon=True).start()

    def _watch(self) -> None:
        try:
            self._poll()
        except Exception:  # the connection ended under us: nothing left to watch
            pass

    def _poll(self) -> None:
        poller = select.poll()
        poller.register(self.conn.client.fileno(), select.POLLIN | _RDHUP)
        while not self._stop.is_set():
            try:
                events = poller.poll(250)
            except (OSError, ValueError):
                return
            if events and not self._stop.is_set():
                if events[0][1] & (_RDHUP | select.POLLHUP | select.POLLERR) \
                        or peer_closed(self.conn.client):
                    self.conn.client_gone = True
                    if self.conn.upstream is not None:
                        _shutdown(self.conn.upstream, socket.SHUT_RDWR)
                return

    def stop(self) -> None:
        self._stop.set()


def peer_closed(sock: socket.socket) -> bool:
    """True if the other end has closed (readable with nothing to read); never blocks."""
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def _shutdown(sock: socket.socket | None, how: int) -> None:
    if sock is None:
        return
    try:
        sock.shutdown(how)
    except OSError:
        pass
