"""What the daemon asked the registry: one row per /v2/ request, named after the spec's endpoints.

The relay fills a :class:`Log`; ``with reg.tap() as rtap:`` keeps the rows of one block and
renders them as a table (text in a terminal, HTML in a notebook).
"""
from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass, field
from typing import Callable

_BLOB = re.compile(r"^/v2/(?P<repo>.+)/blobs/(?P<ref>sha256:[0-9a-f]+)$")
_UPLOAD = re.compile(r"^/v2/(?P<repo>.+)/blobs/uploads/(?P<ref>[^/]*)$")
_MANIFEST = re.compile(r"^/v2/(?P<repo>.+)/manifests/(?P<ref>[^/]+)$")
_TAGS = re.compile(r"^/v2/(?P<repo>.+)/tags/list$")


def kind(method: str, path: str, query: str = "") -> str:
    """The registry API endpoint a request hit, e.g. ``BlobExists``, ``ManifestPut``.

    >>> kind("HEAD", "/v2/alice/app/blobs/sha256:ab12")
    'BlobExists'
    >>> kind("POST", "/v2/alice/app/blobs/uploads/", "mount=sha256:ab12&from=alice/base")
    'BlobMount'
    >>> kind("PUT", "/v2/alice/app/manifests/1.0")
    'ManifestPut'
    """
    if path in ("/v2", "/v2/"):
        return "VersionCheck"
    if path == "/v2/_catalog":
        return "Catalog"
    if _TAGS.match(path):
        return "TagsList"
    if _UPLOAD.match(path):
        if method == "POST":
            return "BlobMount" if "mount=" in query else "BlobUploadStart"
        return {"PATCH": "BlobUploadChunk", "PUT": "BlobUploadFinish",
                "DELETE": "BlobUploadCancel"}.get(method, "BlobUploadStatus")
    if _BLOB.match(path):
        return {"HEAD": "BlobExists", "GET": "BlobGet", "DELETE": "BlobDelete"}.get(method, "Blob")
    if _MANIFEST.match(path):
        return {"HEAD": "ManifestExists", "GET": "ManifestGet", "PUT": "ManifestPut",
                "DELETE": "ManifestDelete"}.get(method, "Manifest")
    return "unknown"


def repository(path: str) -> str:
    """The repository a /v2/ path names ('' for the version check and the catalog)."""
    for pattern in (_BLOB, _UPLOAD, _MANIFEST, _TAGS):
        found = pattern.match(path)
        if found:
            return found.group("repo")
    return ""


@dataclass(eq=False)
class Request:
    """One request that reached the registry through the relay, and its answer."""
    seq: int
    registry: str      # the relay's address, 127.0.0.1:PORT
    client: str        # "dockerd" for the daemon, "http" for anything else (this notebook)
    method: str
    path: str
    query: str
    kind: str
    auth: str = ""     # the Authorization scheme sent ("Basic", "Bearer"), never the secret
    status: int | None = None
    sent: int = 0      # request bytes (head and body)
    received: int = 0  # response bytes
    seconds: float | None = None

    @property
    def repository(self) -> str:
        return repository(self.path)

    def row(self) -> str:
        status = self.status if self.status is not None else "…"
        target = self.path + (f"?{self.query}" if self.query else "")
        target = target if len(target) <= 70 else target[:69] + "…"
        return (f"{self.seq:>4} {self.client:<7} {self.method:<6} {target:<70} {status!s:>4} "
                f"{self.kind:<16} {self.auth}").rstrip()

    def __repr__(self) -> str:
        return f"<registry request {self.row().strip()}>"


class Log:
    """Every request the relay saw, in order; thread-safe, with subscribers (the live panel)."""

    def __init__(self):
        self.items: list[Request] = []
        self._lock = threading.Lock()
        self._subscribers: list[Callable[[Request], None]] = []

    def add(self, req: Request) -> None:
        """Number REQ (in arrival order) and keep it."""
        with self._lock:
            req.seq = len(self.items) + 1
            self.items.append(req)
        self.tell(req)

    def tell(self, req: Request) -> None:
        for fn in list(self._subscribers):
            try:
                fn(req)
            except Exception:  # a listener must never break the relay
                pass

    def subscribe(self, fn: Callable[[Request], None]) -> None:
        with self._lock:
            if fn not in self._subscribers:
                self._subscribers.append(fn)

    def unsubscribe(self, fn: Callable[[Request], None]) -> None:
        with self._lock:
            if fn in self._subscribers:
                self._subscribers.remove(fn)

    def since(self, seq: int, until: int | None = None) -> list[Request]:
        with self._lock:
            return [r for r in self.items if r.seq > seq and (until is None or r.seq <= until)]

    def last_seq(self) -> int:
        with self._lock:
            return self.items[-1].seq if self.items else 0


@dataclass
class Requests:
    """Registry requests as a table; ``kinds()`` and ``by()`` are what self-checks read."""
    items: list[Request] = field(default_factory=list)
    title: str = "registry requests"

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __getitem__(self, i):
        return self.items[i]

    def by(self, client: str = "dockerd") -> "Requests":
        """Only the requests one client sent (``dockerd``: the daemon's own)."""
        return Requests([r for r in self.items if r.client == client], f"{self.title} · {client}")

    def kinds(self) -> list[str]:
        return [r.kind for r in self.items]

    def __repr__(self) -> str:
        head = f"{'#':>4} {'client':<7} {'method':<6} {'path':<70} {'code':>4} {'endpoint':<16} auth"
        return "\n".join([f"{self.title}: {len(self)}", head, *(r.row() for r in self.items)])

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{r.seq}</td><td><b>{html.escape(r.client)}</b></td>"
            f"<td><code>{r.method} {html.escape(r.path)}</code>"
            + (f'<span style="color:#6e7781">?{html.escape(r.query[:60])}</span>' if r.query else "")
            + f'</td><td style="color:{"#cf222e" if (r.status or 0) >= 400 else "#1a7f37"}">'
            f"<b>{r.status if r.status is not None else '…'}</b></td><td>{r.kind}</td>"
            f"<td>{html.escape(r.auth)}</td></tr>" for r in self.items)
        return (f'<div style="font-size:85%"><b>{html.escape(self.title)} · {len(self)}</b>'
                "<table><thead><tr><th>#</th><th>client</th><th>request</th><th>status</th>"
                f"<th>endpoint</th><th>auth</th></tr></thead><tbody>{rows}</tbody></table></div>")


class Tap:
    """``with reg.tap() as rtap:``: the registry requests made while the block ran."""

    def __init__(self, log: Log, title: str = "registry requests", registry: str | None = None):
        self.log, self.title, self.registry = log, title, registry
        self._first, self._last = log.last_seq(), None

    def __enter__(self) -> "Tap":
        self._first, self._last = self.log.last_seq(), None
        return self

    def __exit__(self, *exc) -> None:
        self._last = self.log.last_seq()

    @property
    def requests(self) -> Requests:
        found = self.log.since(self._first, self._last)
        return Requests([r for r in found if self.registry in (None, r.registry)], self.title)

    def __getattr__(self, name):  # rtap.by("dockerd"), rtap.kinds(), len(rtap) ...
        return getattr(self.requests, name)

    def __len__(self) -> int:
        return len(self.requests)

    def __iter__(self):
        return iter(self.requests)

    def __repr__(self) -> str:
        return repr(self.requests)

    def _repr_html_(self) -> str:
        return self.requests._repr_html_()
