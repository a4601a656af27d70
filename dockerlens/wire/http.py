"""HTTP/1.x framing, written once: the head of a message and the pieces of its body.

Every part of the course that reads HTTP by itself (the wiretap proxy, raw HTTP, the check
of lab 02, the replay server and the recorder) reads it here, from a buffered stream
(``read_head``, ``body_pieces``) or from bytes already received (``parse_head``,
``dechunk``), so that all of them agree on where a message starts and ends.

>>> head, at = parse_head(b"HTTP/1.1 200 OK\\r\\nApi-Version: 1.47\\r\\n\\r\\nOK", request=False)
>>> head.status, head.reason, head.get("api-version"), at
(200, 'OK', '1.47', 38)
>>> dechunk(b"4\\r\\nwiki\\r\\n5;x=1\\r\\npedia\\r\\n0\\r\\n\\r\\n")
b'wikipedia'
"""
from __future__ import annotations

import io
import re
from typing import BinaryIO, Iterator

HEAD_LIMIT = 64 * 1024    # the longest head read (the daemon's own limit is larger; ours is ample)
SIZE_LINE_LIMIT = 1024    # a chunk-size line with its extensions
PIECE = 65536             # how much of a Content-Length body is handed on at a time
_METHOD = re.compile(rb"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_VERSION = re.compile(rb"^HTTP/1\.[01]$")


class Malformed(ValueError):
    """The bytes are not an HTTP/1.x message."""


class Incomplete(Malformed):
    """The bytes end inside a head or a body: the sender stopped or was cut off."""


class Head:
    """A request or response head: its raw bytes for forwarding, its start line, its fields.

    >>> raw = b"GET /_ping HTTP/1.1\\r\\nConnection: Keep-Alive, Upgrade\\r\\n\\r\\n"
    >>> head = read_head(io.BytesIO(raw), request=True)
    >>> head.method, head.target, head.version, head.has_token("connection", "upgrade")
    ('GET', '/_ping', 'HTTP/1.1', True)
    """

    def __init__(self, raw: bytes, first: list[bytes], headers: list[tuple[str, str]]):
        self.raw, self.first, self.headers = raw, first, headers

    def get(self, name: str, default: str = "") -> str:
        """The first field called ``name`` (any case), else ``default``."""
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), default)

    def has(self, name: str) -> bool:
        name = name.lower()
        return any(k.lower() == name for k, _ in self.headers)

    def has_token(self, name: str, token: str) -> bool:
        """True if the comma-separated field ``name`` lists ``token`` (any case)."""
        return token in [t.strip().lower() for t in self.get(name).split(",")]

    @property
    def chunked(self) -> bool:
        return self.has_token("transfer-encoding", "chunked")

    def length(self) -> int | None:
        """The Content-Length, None without one; Malformed if it is not a number."""
        value = self.get("content-length")
        if not value:
            return None
        if not value.strip().isdigit():
            raise Malformed(f"Content-Length {value!r} is not a number")
        return int(value)

    @property
    def method(self) -> str:
        return self.first[0].decode("latin-1")

    @property
    def target(self) -> str:
        return self.first[1].decode("latin-1")

    @property
    def version(self) -> str:
        """The protocol of a request (``HTTP/1.1``) or of a response."""
        word = self.first[0] if self.first[0].startswith(b"HTTP/") else self.first[2]
        return word.decode("latin-1")

    @property
    def status(self) -> int:
        return int(self.first[1])

    @property
    def reason(self) -> str:
        return self.first[2].decode("latin-1").strip() if len(self.first) > 2 else ""

    def __repr__(self) -> str:
        return f"<Head {b' '.join(self.first).decode('latin-1')!r} {len(self.headers)} fields>"


def read_head(f: BinaryIO, request: bool) -> Head | None:
    """Read one head from a buffered stream; None on a clean end before any byte.

    Blank lines before a request line are skipped (RFC 9112 2.2); Incomplete if the stream
    ends inside the head, Malformed if it is not HTTP/1.x or longer than HEAD_LIMIT.
    """
    lines: list[bytes] = []
    total = 0
    while True:
        line = f.readline(HEAD_LIMIT + 1)
        if not line:
            if lines:
                raise Incomplete("the bytes end inside a head")
            return None
        total += len(line)
        if total > HEAD_LIMIT:
            raise Malformed("head larger than 64 KiB")
        if not line.endswith(b"\n"):
            raise Incomplete("the bytes end inside a head")
        if line in (b"\r\n", b"\n"):
            if lines:
                break
            continue
        lines.append(line)
    return _parse(b"".join(lines) + b"\r\n", lines, request)


def parse_head(data: bytes, request: bool, at: int = 0) -> tuple[Head, int] | None:
    """The head that starts at offset ``at`` of ``data`` and the offset of its body.

    None if no byte of a head is there yet; Incomplete if the head is cut short.
    """
    f = io.BytesIO(data)
    f.seek(at)
    head = read_head(f, request)
    return None if head is None else (head, f.tell())


def parse_response(data: bytes) -> tuple[Head, bytes]:
    """The final head and the payload of a whole response held in memory.

    Interim answers (``100 Continue``) before it are passed over, a chunked body is
    de-chunked, any other body is everything after the head. Incomplete if the bytes end
    before the final head or before the end of a chunked body.

    >>> head, body = parse_response(b"HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n"
    ...                             b"2\\r\\nOK\\r\\n0\\r\\n\\r\\n")
    >>> head.status, body
    (200, b'OK')
    """
    head, at = None, 0
    while head is None or 100 <= head.status < 200 and head.status != 101:
        found = parse_head(data, request=False, at=at)
        if found is None:
            raise Incomplete("no final answer")
        head, at = found
    return head, (dechunk(data[at:]) if head.chunked else data[at:])


def _parse(raw: bytes, lines: list[bytes], request: bool) -> Head:
    first = lines[0].rstrip(b"\r\n").split(b" ", 2)
    if request:
        if len(first) != 3 or not _METHOD.match(first[0]) or not _VERSION.match(first[2]) \
                or first[1][:1] not in (b"/", b"h"):
            raise Malformed(f"not an HTTP/1.x request line: {lines[0][:80]!r}")
    elif len(first) < 2 or not first[0].startswith(b"HTTP/1.") or not first[1].isdigit():
        raise Malformed(f"not an HTTP response: {lines[0][:80]!r}")
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if not sep or not name or name != name.strip():
            raise Malformed(f"bad header line {line[:80]!r}")
        headers.append((name.decode("latin-1"), value.strip().decode("latin-1")))
    return Head(raw, first, headers)


def body_pieces(f: BinaryIO, head: Head) -> Iterator[tuple[bytes, bytes]]:
    """The framed body after ``head`` as it arrives: (bytes as sent, payload) per piece.

    Chunked bodies come a chunk at a time with their framing (the last piece is the
    zero chunk, trailers and blank line, payload ``b""``); Content-Length bodies in pieces
    of at most PIECE bytes; no framing means no body (a request's rule, RFC 9112 6.3).

    >>> list(body_pieces(io.BytesIO(b"abcdef"), Head(b"", [], [("Content-Length", "4")])))
    [(b'abcd', b'abcd')]
    """
    if head.chunked:
        yield from _chunks(f)
        return
    remaining = head.length() or 0
    while remaining:
        data = f.read1(min(PIECE, remaining))
        if not data:
            raise Incomplete("body cut short")
        remaining -= len(data)
        yield data, data


def _chunks(f: BinaryIO) -> Iterator[tuple[bytes, bytes]]:
    while True:
        line = _line(f, SIZE_LINE_LIMIT)
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise Malformed(f"bad chunk size line {line[:40]!r}") from None
        if size == 0:
            block = line
            while (trailer := _line(f, HEAD_LIMIT)) not in (b"\r\n", b"\n"):
                block += trailer  # trailer fields, then the blank line that ends the body
            yield block + trailer, b""
            return
        data = f.read(size)
        end = f.readline(8)
        if len(data) != size or not end.endswith(b"\n"):
            raise Incomplete("chunk cut short")
        yield line + data + end, data


def _line(f: BinaryIO, limit: int) -> bytes:
    line = f.readline(limit)
    if not line.endswith(b"\n"):
        raise Malformed("line too long") if len(line) == limit else Incomplete("body cut short")
    return line


def dechunk(data: bytes) -> bytes:
    """The payload of a whole chunked body held in memory; Incomplete if it is cut short."""
    return b"".join(payload for _, payload in _chunks(io.BytesIO(data)))


def chunked_end(data: bytes, at: int = 0) -> int | None:
    """The offset just past the chunked body that starts at ``at``; None if it is not all there.

    >>> chunked_end(b"HEAD2\\r\\nhi\\r\\n0\\r\\n\\r\\nNEXT", 4), chunked_end(b"2\\r\\nh")
    (16, None)
    """
    f = io.BytesIO(data)
    f.seek(at)
    try:
        for _ in _chunks(f):
            pass
    except Malformed:
        return None
    return f.tell()
