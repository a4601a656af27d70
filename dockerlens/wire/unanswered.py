"""A request a replay could not answer: the header that marks its 501, and what it carries.

The replay server answers such a request with ``501`` and a JSON body whose ``dockerlens``
part says why (``kind``: ``repeated-write`` — a change the recording made once, asked
again; ``not-recorded`` — a request the recording does not have) and what the recording
has instead. The SDK turns that answer into an ``APIError``, raw HTTP into
:class:`NotAnswered`; ``show.explain`` reads either into one explanation box.
"""
from __future__ import annotations

import json

HEADER = "X-Dockerlens-Replay"
REPEATED = "repeated-write"
NOT_RECORDED = "not-recorded"


class NotAnswered(RuntimeError):
    """A replay could not answer a request; ``kind``, ``request``, ``recorded`` say why."""

    def __init__(self, kind: str, request: str, recorded: list[str], message: str):
        super().__init__(message)
        self.kind, self.request, self.recorded, self.message = kind, request, recorded, message


def body(kind: str, request: str, recorded: list[str], message: str) -> bytes:
    """The JSON body of a replay's 501: the daemon-style ``message`` plus the details."""
    return json.dumps({"message": message, "dockerlens": {
        "kind": kind, "request": request, "recorded": recorded}}).encode()


def parse(status: int, headers, data: bytes) -> NotAnswered | None:
    """The NotAnswered a replay's answer carries, or None for any other answer."""
    if status != 501 or not _header(headers):
        return None
    try:
        doc = json.loads(data or b"{}")
    except ValueError:
        doc = {}
    info = doc.get("dockerlens") or {}
    return NotAnswered(info.get("kind") or _header(headers), info.get("request", ""),
                       list(info.get("recorded") or []), doc.get("message", ""))


def from_error(err) -> NotAnswered | None:
    """The NotAnswered behind a ``docker.errors.APIError`` from a replay, if it is one."""
    if isinstance(err, NotAnswered):
        return err
    response = getattr(err, "response", None)
    if response is None:
        return None
    return parse(response.status_code, response.headers, response.content)


def _header(headers) -> str:
    return next((v for k, v in dict(headers or {}).items() if k.lower() == HEADER.lower()), "")
