"""The replay server: answers Docker API requests on a private Unix socket from a recording.

Every answer is the recorded daemon's bytes, sent with the recorded timing (scaled by
``speed``): chunked streams such as ``/events`` animate as they did, hijacked exec/attach
connections get the ``101`` head, then the frames, then ``shutdown(SHUT_RDWR)``. A stream
that was still open when the client left stays open until the client closes it. A request
that was not recorded gets a ``501`` whose JSON message names it, says why (a change asked
again, or a request the recording does not have, with what it has instead) and how to go
on (``wire.unanswered`` reads it back).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time

from ..wire.http import body_pieces, read_head
from ..wire.proxy import peer_closed
from ..wire.scratch import private_dir
from ..wire.unanswered import HEADER, NOT_RECORDED, REPEATED, body
from .format import RecordedExchange, Recording, normalise, to_bytes
from .matcher import Matcher


class ReplayServer:
    """A threaded HTTP/1.1 server on a Unix socket that replays one recording."""

    def __init__(self, recording: Recording, path: str | None = None, speed: float = 1.0):
        self.recording = recording
        self.matcher = Matcher(recording.exchanges)
        self.speed = speed if speed > 0 else 1.0
        self._dir = None if path else private_dir("replay")
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
        """A 501 that names the request, why it has no answer, and what the recording has."""
        header = self.recording.header
        request = " ".join(normalise(method, target))
        if self.matcher.recorded_count(method, target):
            kind, recorded = REPEATED, [request]
            detail = ("the recording has it, and it was answered already: it changes something, "
                      "and the recorded daemon did that change once")
        else:
            kind, recorded = NOT_RECORDED, self.matcher.alike(method, target)
            detail = ("this request was not recorded" + (
                f": the recording has {' or '.join(recorded)}" if recorded else ""))
        message = (f"dockerlens is REPLAYING a session recorded on {header.date} from "
                   f"{header.engine}; {method} {target} cannot be answered: {detail}. "
                   "Run the cells unchanged and in order (Kernel → Restart Kernel and Run All "
                   "Cells), or open the course with a live daemon (make lab / dev container).")
        self.misses.append(f"{method} {target}")
        data = body(kind, request, recorded, message)
        head = (f"HTTP/1.1 501 Not Implemented\r\nApi-Version: {header.api}\r\n{HEADER}: {kind}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n").encode()
        return head if method.upper() == "HEAD" else head + data


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

