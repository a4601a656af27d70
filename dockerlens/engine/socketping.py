"""`/_ping` and `/version` over a Unix socket with the standard library only.

Why: starting an engine must wait until it answers, and the matrix reports what it tested,
before (and without) any Docker SDK client or negotiation.
"""
from __future__ import annotations

import http.client
import json
import socket


class UnixConnection(http.client.HTTPConnection):
    """An HTTP connection to a daemon's Unix socket."""

    def __init__(self, path: str, timeout: float = 3.0):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def get(path: str, url: str, timeout: float = 3.0) -> tuple[int, bytes]:
    """GET URL from the daemon at socket PATH: (status, body); OSError when nothing answers."""
    conn = UnixConnection(path, timeout)
    try:
        conn.request("GET", url)
        reply = conn.getresponse()
        return reply.status, reply.read()
    finally:
        conn.close()


def pings(path: str) -> bool:
    """True when the daemon at socket PATH answers `GET /_ping` with 200."""
    try:
        return get(path, "/_ping")[0] == 200
    except (OSError, http.client.HTTPException):
        return False


def version(path: str) -> dict:
    """The daemon's `GET /version` document."""
    status, body = get(path, "/version")
    if status != 200:
        raise OSError(f"GET /version answered {status}: {body[:200]!r}")
    return json.loads(body)


def describe(doc: dict) -> str:
    """One line: product, version, API version.

    >>> describe({"Version": "5.8.6", "ApiVersion": "1.44", "Components": [{"Name": "Podman Engine"}]})
    'Podman 5.8.6 (API 1.44)'
    >>> describe({"Version": "28.5.2", "ApiVersion": "1.51", "Components": [{"Name": "Engine"}]})
    'Docker Engine 28.5.2 (API 1.51)'
    """
    names = [c.get("Name", "") for c in doc.get("Components") or []]
    product = "Podman" if any("Podman" in n for n in names) else "Docker Engine"
    return f"{product} {doc.get('Version', '?')} (API {doc.get('ApiVersion', '?')})"
