"""The registry's HTTP API read by hand: one request with http.client, shown as it went.

The distribution API is plain HTTP too: ``GET /v2/<repo>/manifests/<tag>`` answers the
manifest (its digest in ``Docker-Content-Digest``), ``GET /v2/<repo>/blobs/<digest>`` a
layer or the config. An Accept header chooses the manifest format.
"""
from __future__ import annotations

import base64
import html
import http.client
import json
from dataclasses import dataclass, field

AGENT = "dockerlens-raw-http/1"
MANIFEST_TYPES = ", ".join([
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
])


@dataclass
class Answer:
    """One request to the registry and its answer (the body kept whole, shown shortened)."""
    method: str
    url: str
    request_headers: dict[str, str]
    status: int
    reason: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self):
        return json.loads(self.body)

    @property
    def digest(self) -> str:
        """The registry's ``Docker-Content-Digest`` for this object ('' if it sent none)."""
        return self.header("Docker-Content-Digest")

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), "")

    def text(self, limit: int = 1500) -> str:
        sent = "\n".join([f"{self.method} {self.url} HTTP/1.1",
                          *(f"{k}: {_redact(k, v)}" for k, v in self.request_headers.items())])
        head = "\n".join([f"HTTP/1.1 {self.status} {self.reason}",
                          *(f"{k}: {v}" for k, v in self.headers.items())])
        body = self.body.decode("utf-8", "replace")
        if len(body) > limit:
            body = body[:limit] + f"\n… ({len(self.body) - limit} more bytes)"
        return f"{sent}\n\n{head}\n\n{body}"

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        return ('<pre style="background:#f6f8fa;white-space:pre-wrap;word-break:break-all;'
                f'font-size:85%">{html.escape(self.text())}</pre>')


def _redact(name: str, value: str) -> str:
    return value.split(" ")[0] + " •••" if name.lower() == "authorization" else value


def basic(user: str, password: str) -> str:
    """The ``Authorization`` value for HTTP basic authentication."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def request(port: int, method: str, path: str, headers: dict[str, str] | None = None,
            timeout: float = 10.0) -> Answer:
    """Send one request to 127.0.0.1:PORT and read the whole answer."""
    sent = {"Host": f"127.0.0.1:{port}", "User-Agent": AGENT, **(headers or {})}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, headers=sent)
        answer = conn.getresponse()
        body = answer.read()
        return Answer(method, path, sent, answer.status, answer.reason, dict(answer.getheaders()), body)
    finally:
        conn.close()
