"""One request and its response as the wiretap records it, and which client sent it.

Its own module so that the proxy (which fills exchanges in), the transcript (which keeps
them) and the explanations (which read them) all depend on it and not on each other.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

RAW_AGENT = "dockerlens-raw-http/1"
INTERNAL_AGENT = "dockerlens-internal"


def classify(user_agent: str) -> str:
    """Which client sent a request: ``sdk``, ``cli``, ``internal`` or ``http``, from User-Agent."""
    if user_agent.startswith("docker-sdk-python"):
        return "sdk"
    if user_agent.startswith("Docker-Client"):
        return "cli"
    if user_agent.startswith(INTERNAL_AGENT):
        return "internal"
    return "http"


@dataclass(eq=False)
class Exchange:
    """One request and its response, filled in as the bytes pass through the proxy."""
    client: str
    method: str
    path: str
    query: str
    operation: str
    seq: int = 0
    time: float = field(default_factory=time.time)
    status: int | None = None
    reason: str = ""
    duration_to_headers: float | None = None
    duration_total: float | None = None
    request_bytes: int = 0
    response_bytes: int = 0
    streaming: bool = False
    upgraded: bool = False
    request_preview: str = ""
    response_preview: str = ""
    error: str | None = None
    user_agent: str = ""
    transport: str = "unix"  # "tcp" when the course's TLS endpoint relayed it (wiretap.tcp_side)
    conn_id: int = 0
    done: bool = False
    _started: float = 0.0

    @property
    def target(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")

    @property
    def message(self) -> str:
        """The daemon's ``message`` for a failed call ('' if none)."""
        try:
            return json.loads(self.response_preview).get("message", "")
        except (ValueError, AttributeError):
            return ""

    def pretty(self, which: str = "response", limit: int = 1200) -> str:
        """A body preview, pretty-printed when it is whole JSON, truncated to ``limit``."""
        text = self.request_preview if which == "request" else self.response_preview
        try:
            text = json.dumps(json.loads(text), indent=2)
        except ValueError:
            pass
        return text if len(text) <= limit else text[:limit] + " …"

    def row(self) -> str:
        status = self.status if self.status is not None else "…"
        ms = f"{self.duration_to_headers * 1000:.1f}" if self.duration_to_headers else "-"
        flags = ("upgraded" if self.upgraded else "streaming" if self.streaming else "")
        flags += " via tcp" if self.transport == "tcp" else ""
        return (f"{self.seq:>4} {self.client:<4} {self.method:<6} {_cut(self.target, 58):<58} "
                f"{status!s:>4} {self.operation:<22} {ms:>7} ms {flags}").rstrip()

    def __repr__(self) -> str:
        return f"<Exchange {self.row().strip()}>"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
