"""The replay server: answers Docker API requests on a private Unix socket from a recording.

Every answer is the recorded daemon's bytes, sent with the recorded timing (scaled by
``speed``): chunked streams such as ``/events`` animate as they did, hijacked exec/attach
connections get the ``101`` head, then the frames, then ``shutdown(SHUT_RDWR)``. A stream
that was still open when the client left stays open until the client closes it. A request
that was not recorded gets a ``501`` whose JSON message names it and says how to fix it.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
import threading
import time

from ..wire.http import body_pieces, read_head
from ..wire.proxy import peer_closed
from .format import RecordedExchange, Recording, to_bytes
from .matcher import Matcher


class ReplayServer:
    """A threaded HTTP/1.1 server on a Unix socket that replays one recording."""

    def __init__(self, recording: Recording, path: str | None = None, speed: float = 1.0):
        self.recording = recording
        self.matcher = Matcher(recording.exchanges)
        self.speed = speed if speed > 0 else 1.0
        self._dir = None if path else tempfile.mkdtemp(prefix="dockerlens-replay-")
        self.path = path or os.path.join(self._dir, "docker.sock")
        self.misses: list[str] = []
        self._sock: socket.socket | None = None
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"unix://{self.path}"

    def start(self) -> "ReplayServer":
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(self.path)
        self._sock.listen(64)
        threading.Thread(target=self._accept, name="dockerlens-replay", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening and close every connection (the threads then end)."""
        sock, self._sock = self._sock, None
        if sock is not None:
            _close(sock)
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            _close(conn)
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> "ReplayServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return (f"<ReplayServer {self.url} lesson {self.recording.header.lesson} "
                f"misses={len(self.misses)}>")

    def _accept(self) -> None:
        while self._sock is not None:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                self._conns.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        try:
            while self._handle(conn, reader):
                pass
        except (OSError, ValueError):
            pass  # the client went away: nothing to report from a thread
        finally:
            with self._lock:
                self._conns.discard(conn)
            _close(conn)

    def _handle(self, conn: socket.socket, reader) -> bool:
        """Answer one request; True when the connection stays open for the next one."""
        head = read_head(reader, request=True)
        if head is None:
            return False
        for _ in body_pieces(reader, head):  # the answer is recorded: the body is not needed
            pass
        method, target, version = head.method, head.target, head.version
        received = time.monotonic()
        exchange = self.matcher.match(method, target)
        if exchange is None:
            conn.sendall(self._not_recorded(method, target))
            self._trace(method, target, None, received)
            return version != "HTTP/1.0" and not head.has_token("connection", "close")
        self._send(conn, exchange, received)
        self._trace(method, target, exchange, received)
        if exchange.upgraded:
            conn.shutdown(socket.SHUT_RDWR)  # the end of a hijacked stream, as the daemon does
            return False
        if exchange.open:
            _drain(reader)  # the daemon was still streaming: wait for the client to leave
            return False
        return not exchange.close and version != "HTTP/1.0"

    def _trace(self, method: str, target: str, exchange: RecordedExchange | None, received: float) -> None:
        """With DOCKERLENS_REPLAY_TRACE=FILE, one JSON line per request: what answered, how long."""
        path = os.environ.get("DOCKERLENS_REPLAY_TRACE")
        if not path:
            return
        row = {"request": f"{method} {target}", "seq": exchange.seq if exchange else None,
               "ms": round((time.monotonic() - received) * 1000), "epoch": self.matcher.epoch}
        with self._lock, open(path, "a") as out:
            out.write(json.dumps(row) + "\n")

    def _send(self, conn: socket.socket, exchange: RecordedExchange, received: float) -> None:
        follows = exchange.open or exchange.upgraded  # a stream: its later parts follow the learner
        gone = lambda: self._sock is None or (exchange.open and peer_closed(conn))
        for index, (ms, data) in enumerate(exchange.response):
            due = received + ms / 1000 / self.speed
            if follows and index:
                gate = self.matcher.wait_for(exchange.t + ms, self.speed, gone)
                if gate is None and gone():
                    return
                due = max(due, gate or 0.0)
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            conn.sendall(to_bytes(data))

    def _not_recorded(self, method: str, target: str) -> bytes:
        """A 501 that names the request and the fix (HEAD gets the head only)."""
        header = self.recording.header
        seen = self.matcher.recorded_count(method, target)
        detail = (f"it was recorded {seen} time(s) and has been answered already" if seen
                  else "it is not in the recording")
        message = (f"dockerlens is REPLAYING a session recorded on {header.date} from Docker "
                   f"Engine {header.engine}; {method} {target} cannot be answered: {detail}. "
                   "Run the notebook's cells unchanged and in order, or use a live daemon "
                   "(see README); after changing a notebook, record it again with `make record`.")
        self.misses.append(f"{method} {target}")
        body = json.dumps({"message": message}).encode()
        head = (f"HTTP/1.1 501 Not Implemented\r\nApi-Version: {header.api}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        return head if method.upper() == "HEAD" else head + body


def _drain(reader) -> None:
    try:
        while reader.read1(65536):
            pass
    except (OSError, ValueError):
        pass


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()

