"""Turn the bytes a proxy relayed into recorded exchanges (the proxy's ``on_bytes`` hook).

The proxy calls :meth:`Recorder.on_bytes` with every chunk it relays, in each direction,
with its monotonic time. Nothing is parsed while traffic flows (the hook only appends);
:meth:`Recorder.exchanges` splits each connection's two byte streams into HTTP requests
and responses afterwards: Content-Length and chunked bodies, ``HEAD`` and 1xx/204/304
without body, ``101`` hijacked streams to the end of the connection, and streams still
open when the client left.
"""
from __future__ import annotations

import re
import threading
import time
from bisect import bisect_right
from dataclasses import dataclass, field

from ..wire.http import Head, Malformed, chunked_end, parse_head
from .format import RecordedExchange, to_text

CLIENT_SIDE = {"up", "request", "client", "c2s", "in", "to_daemon", "upstream", ">"}
MERGE_MS = 3        # chunks closer than this are stored as one segment
BODY_LIMIT = 16384  # request bodies larger than this are stored as length + start
_DATE = re.compile(rb"\r\nDate: [^\r]*")


@dataclass
class Stream:
    """One direction of one connection: its bytes and when each chunk arrived."""
    data: bytearray = field(default_factory=bytearray)
    starts: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)

    def add(self, chunk: bytes, when: float) -> None:
        self.starts.append(len(self.data))
        self.times.append(when)
        self.data += chunk

    def time_at(self, offset: int) -> float:
        """When the byte at ``offset`` arrived."""
        return self.times[max(0, bisect_right(self.starts, offset) - 1)]

    def pieces(self, start: int, end: int) -> list[tuple[float, bytes]]:
        """The bytes [start, end) cut where they arrived in different chunks."""
        out = []
        index = max(0, bisect_right(self.starts, start) - 1)
        while index < len(self.starts) and self.starts[index] < end:
            a = max(start, self.starts[index])
            b = min(end, self.starts[index + 1] if index + 1 < len(self.starts) else len(self.data))
            if b > a:
                out.append((self.times[index], bytes(self.data[a:b])))
            index += 1
        return out


class Recorder:
    """Collects relayed bytes per connection; thread-safe, cheap in the proxy's threads."""

    def __init__(self, date_header: str = ""):
        self.started = time.monotonic()
        self.date_header = date_header
        self._conns: dict[object, tuple[Stream, Stream]] = {}
        self._order: list[object] = []
        self._lock = threading.Lock()

    def on_bytes(self, conn_id, direction, data: bytes, when: float | None = None) -> None:
        """The proxy hook: append one relayed chunk to its connection and direction."""
        when = time.monotonic() if when is None else when
        with self._lock:
            if conn_id not in self._conns:
                self._conns[conn_id] = (Stream(), Stream())
                self._order.append(conn_id)
            client, daemon = self._conns[conn_id]
        (client if str(direction).lower() in CLIENT_SIDE else daemon).add(bytes(data), when)

    def exchanges(self) -> list[RecordedExchange]:
        """Every complete request with its answer, in the order the requests started."""
        found: list[tuple[float, int, RecordedExchange]] = []
        with self._lock:
            conns = [(n, self._conns[c]) for n, c in enumerate(self._order, 1)]
        for number, (client, daemon) in conns:
            for when, exchange in _split(client, daemon, self.date_header):
                exchange.conn = number
                found.append((when, number, exchange))
        found.sort(key=lambda item: (item[0], item[1]))
        first = found[0][0] if found else self.started
        out = []
        for seq, (when, _, exchange) in enumerate(found):
            exchange.seq, exchange.t = seq, round((when - first) * 1000)
            out.append(exchange)
        _renumber(out)
        return out


def _renumber(exchanges: list[RecordedExchange]) -> None:
    """Connection numbers in order of first use, so that two recordings diff cleanly."""
    numbers: dict[int, int] = {}
    for exchange in exchanges:
        exchange.conn = numbers.setdefault(exchange.conn, len(numbers) + 1)


def _split(client: Stream, daemon: Stream, date: str) -> list[tuple[float, RecordedExchange]]:
    """Pair the requests of one connection with its responses."""
    out = []
    req_at = resp_at = 0
    while req_at < len(client.data):
        request = _parse_message(bytes(client.data), req_at, is_request=True)
        if request is None:
            break
        head, body_start, req_end, _ = request
        method, target = head.method, head.target
        response = _parse_message(bytes(daemon.data), resp_at, is_request=False, method=method)
        if response is None:
            break
        rhead, _, resp_end, complete = response
        status = rhead.status
        done = client.time_at(req_end - 1)
        exchange = RecordedExchange(seq=0, conn=0, t=0, method=method, target=target, status=status,
                            request=_request_record(head, client.data[body_start:req_end]))
        exchange.upgraded = status == 101
        sized = rhead.has("content-length")
        exchange.open = not complete and not exchange.upgraded and not sized  # a stream left
        exchange.cut = not complete and sized  # the client hung up before the whole body
        exchange.response = _segments(daemon, resp_at, resp_end, done, date)
        exchange.close = exchange.cut or (not exchange.upgraded and _closes(head, rhead, response))
        out.append((client.time_at(req_at), exchange))
        if exchange.upgraded:
            exchange.request["stream"] = to_text(bytes(client.data[req_end:]))
            break
        req_at, resp_at = req_end, resp_end
    return out


def _segments(daemon: Stream, start: int, end: int, done: float, date: str) -> list[list]:
    """[ms after the request was complete, text] per arrival, close chunks merged."""
    segments: list[list] = []
    for when, data in daemon.pieces(start, end):
        ms = max(0, round((when - done) * 1000))
        if segments and ms - segments[-1][0] < MERGE_MS:
            segments[-1][1] += data
        else:
            segments.append([ms, data])
    if segments and date:
        head, sep, rest = segments[0][1].partition(b"\r\n\r\n")
        segments[0][1] = _DATE.sub(b"\r\nDate: " + date.encode(), head) + sep + rest
    return [[ms, to_text(data)] for ms, data in segments]


def _request_record(head: Head, body: bytes) -> dict:
    """The request headers that matter and its body (large bodies: length and start only)."""
    keep = ("content-type", "upgrade", "connection", "user-agent", "transfer-encoding")
    headers = {name: value for name, value in head.headers if name.lower() in keep}
    record: dict = {"headers": headers}
    if len(body) > BODY_LIMIT:
        record["body_length"] = len(body)
    elif body:
        record["body"] = to_text(bytes(body))
    return record


def _closes(request: Head, response: Head, parsed: tuple) -> bool:
    """True when the daemon ends the connection after this answer (so must the replay)."""
    framed = response.has("content-length") or response.chunked
    no_body = parsed[1] == parsed[2]
    return (response.has_token("connection", "close") or request.version == "HTTP/1.0"
            or (not framed and not no_body))


def _parse_message(data: bytes, at: int, is_request: bool, method: str = "GET"):
    """(head, body start, end, complete) of the HTTP message at ``at``; None if no head yet."""
    try:
        parsed = parse_head(data, is_request, at)
    except Malformed:  # cut short (the proxy relays only what it could parse)
        return None
    if parsed is None:
        return None
    head, body = parsed
    if not is_request:
        if head.status == 101:
            return head, body, len(data), True
        if method.upper() == "HEAD" or 100 <= head.status < 200 or head.status in (204, 304):
            return head, body, body, True
    if head.chunked:
        end = chunked_end(data, body)
        return (head, body, end, True) if end is not None else (head, body, len(data), False)
    if head.has("content-length"):
        end = body + head.length()
        return head, body, min(end, len(data)), end <= len(data)
    if is_request:
        return head, body, body, True
    return head, body, len(data), head.has_token("connection", "close") or len(data) > body
