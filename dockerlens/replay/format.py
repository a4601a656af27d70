"""The recording file: one gzip JSON-lines file per notebook, deterministic enough to diff.

Line 1 is the header (format, lesson, notebook, the notebook's code-cell hash, date,
Docker Engine / API / SDK versions, learner). Every further line is one exchange, in the
order the daemon received the requests::

    {"seq": 3, "conn": 1, "t": 812, "method": "GET", "target": "/v1.41/version",
     "request": {"headers": {...}, "body": "..."},
     "status": 200, "response": [[0, "HTTP/1.1 200 OK\\r\\n..."], [3, "...body..."]],
     "upgraded": false, "open": false, "close": false, "cut": false}

``t`` is milliseconds since the recording started; each response segment is
``[milliseconds after the request was complete, bytes]`` exactly as the daemon sent
them (chunked framing and hijacked stream frames included), stored as text decoded with
``surrogateescape`` so that any byte sequence round-trips exactly. ``open``: a stream the
client left while the daemon was still sending (replayed: kept open until the client
closes); ``cut``: the client hung up before the whole body arrived (kept as the client got
it; whole answers are preferred); ``close``: the daemon closed after this answer. Keys are
sorted, the gzip header carries no time stamp, and the response ``Date`` header is
replaced by the recording date: the only wall-clock time in the file.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

FORMAT = "dockerlens-recording/1"
TIME_PARAMS = ("since", "until")
READS = ("GET", "HEAD")
_VERSION = re.compile(r"^/v\d+\.\d+(?=/)")


def to_text(data: bytes) -> str:
    """Bytes as a JSON-safe string that :func:`to_bytes` turns back into the same bytes."""
    return data.decode("utf-8", "surrogateescape")


def to_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def normalise(method: str, target: str) -> tuple[str, str]:
    """The matching key: method, path without ``/v1.xx``, sorted query, time params masked.

    >>> normalise("GET", "/v1.41/events?until=1700000001&since=1700000000&filters=%7B%7D")
    ('GET', '/events?filters=%7B%7D&since=%2A&until=%2A')
    """
    parts = urlsplit(target)
    path = _VERSION.sub("", parts.path)
    query = sorted((k, "*" if k in TIME_PARAMS else v)
                   for k, v in parse_qsl(parts.query, keep_blank_values=True))
    return method.upper(), path + ("?" + urlencode(query) if query else "")


def cells_hash(notebook: Path) -> str:
    """sha256 of a notebook's code cells' source: a recording is current only if it matches."""
    cells = json.loads(Path(notebook).read_text())["cells"]
    sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
               for c in cells if c["cell_type"] == "code"]
    return hashlib.sha256("\n\x00\n".join(sources).encode()).hexdigest()


@dataclass
class Header:
    """Where and when a recording was made, and from which notebook version."""
    lesson: str
    notebook: str
    cells_sha256: str
    date: str
    engine: str
    api: str
    sdk: str
    learner: str
    exchanges: int = 0
    format: str = FORMAT


@dataclass
class RecordedExchange:
    """One request and the daemon's answer, bytes and timing as they went over the wire."""
    seq: int
    conn: int
    t: int
    method: str
    target: str
    status: int
    response: list[list] = field(default_factory=list)
    request: dict = field(default_factory=dict)
    upgraded: bool = False
    open: bool = False
    close: bool = False
    cut: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return normalise(self.method, self.target)

    @property
    def reads(self) -> bool:
        """True for GET/HEAD: answers that may be repeated when asked again."""
        return self.method.upper() in READS

    def response_bytes(self) -> bytes:
        return b"".join(to_bytes(data) for _, data in self.response)

    def body(self) -> bytes:
        """The response body bytes after the head (chunked framing included)."""
        return self.response_bytes().split(b"\r\n\r\n", 1)[1]


@dataclass
class Recording:
    header: Header
    exchanges: list[RecordedExchange]

    def __repr__(self) -> str:
        h = self.header
        return (f"<Recording lesson {h.lesson}: {len(self.exchanges)} exchanges, recorded {h.date} "
                f"from {h.engine} (API {h.api})>")


def dumps(recording: Recording) -> bytes:
    """The gzip bytes of a recording: same recording, same bytes."""
    recording.header.exchanges = len(recording.exchanges)
    lines = [asdict(recording.header)] + [asdict(e) for e in recording.exchanges]
    text = "".join(json.dumps(line, sort_keys=True, separators=(",", ":")) + "\n" for line in lines)
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="", compresslevel=9) as gz:
        gz.write(text.encode())
    return out.getvalue()


def save(recording: Recording, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(dumps(recording))
    return path


def load(path: Path) -> Recording:
    """Read a recording file; a file of another format is refused with the fix."""
    with gzip.open(path, "rt") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    if not rows or rows[0].get("format") != FORMAT:
        raise ValueError(f"{path} is not a {FORMAT} file: record it again with `make record`")
    return Recording(Header(**rows[0]), [RecordedExchange(**row) for row in rows[1:]])
