"""HTTP by hand over the daemon's UNIX socket, with nothing but the standard library.

The lesson's proof that the Docker Engine API is plain HTTP: ``raw("GET", "/_ping")``
writes the request bytes itself, reads every byte of the answer, and shows both exactly
as they crossed the socket. It goes through ``DOCKER_HOST`` (the wiretap proxy after
``setup()``), sends the User-Agent ``dockerlens-raw-http/1`` and is therefore listed as
client ``http`` in the transcript.
"""
from __future__ import annotations

import html
import json
import os
import socket
from dataclasses import dataclass
from urllib.parse import urlparse

from ..engine.connect import find_endpoint
from ..engine.connect import socket_path as unix_path
from ..render import CODE_BACKGROUND
from .exchange import RAW_AGENT
from .http import Incomplete, parse_response


@dataclass
class RawResponse:
    """The request as sent and the response exactly as received (body de-chunked in ``body``)."""
    request: bytes
    raw: bytes
    status: int
    reason: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    def text(self, limit: int = 1500) -> str:
        """Request and response as they crossed the socket (long bodies shortened)."""
        answer = self.raw.decode("utf-8", "replace")
        if len(answer) > limit:
            answer = answer[:limit] + f"\n… ({len(self.raw) - limit} more bytes)"
        return f"{self.request.decode('utf-8', 'replace')}{answer}"

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        sent = html.escape(self.request.decode("utf-8", "replace"))
        got = html.escape(self.text()[len(self.request.decode("utf-8", "replace")):])
        pre = f'<pre style="background:{CODE_BACKGROUND};white-space:pre-wrap;word-break:break-all">'
        return (f'<div style="font-size:85%"><b>sent</b>{pre}{sent}</pre>'
                f'<b>received</b>{pre}{got}</pre></div>')


def socket_path(endpoint: str | None = None) -> str:
    """The UNIX socket path of ``endpoint`` (default ``DOCKER_HOST``, else the default socket)."""
    endpoint = endpoint or os.environ.get("DOCKER_HOST") or find_endpoint()[0]
    try:
        return unix_path(endpoint)
    except ValueError:
        raise ValueError(f"raw HTTP here speaks over a UNIX socket; {endpoint} is not one") from None


def raw(method: str, path: str, body: dict | bytes | None = None, endpoint: str | None = None,
        timeout: float = 30.0, headers: dict[str, str] | None = None) -> RawResponse:
    """Send one HTTP/1.1 request over the UNIX socket and return what came back, byte for byte.

    ``headers`` adds or replaces request fields (``{"Content-Type": "application/x-tar"}``).
    With a daemon, ``raw("GET", "/_ping").body`` is ``b'OK'``.
    """
    data = json.dumps(body).encode() if isinstance(body, dict) else (body or b"")
    fields = {"Host": "docker", "User-Agent": RAW_AGENT, "Connection": "close"}
    if data or method in ("POST", "PUT"):
        fields |= {"Content-Type": "application/json", "Content-Length": str(len(data))}
    fields |= headers or {}
    lines = [f"{method} {path} HTTP/1.1"] + [f"{name}: {value}" for name, value in fields.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode() + data
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(socket_path(endpoint))
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the daemon answered and closed before it took the whole body: read its answer
        received = _receive(sock)
    return _parse(request, received, method)


def _receive(sock: socket.socket) -> bytes:
    """Every byte until the daemon closes (a reset after its answer ends it too)."""
    received = bytearray()
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return bytes(received)


def _parse(request: bytes, received: bytes, method: str) -> RawResponse:
    try:
        head, body = parse_response(received)
    except Incomplete:
        raise ConnectionError(f"the daemon's answer to {method} ended after {len(received)} "
                              "bytes, before it was complete: is the daemon (dockerd) running?"
                              ) from None
    return RawResponse(request, received, head.status, head.reason, dict(head.headers), body)
