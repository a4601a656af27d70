"""Failed calls explained, and the wiretap's HTML: the request, the daemon's answer, a note.

A learner's ``APIError`` is a teaching moment, not a traceback: ``lens.explain(err)`` finds
the failed request in the wiretap transcript (same method, path and status), shows it with
the daemon's own message, and adds a note for the mistakes everyone makes first.
"""
from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from ..wire.wiretap import TRANSCRIPT, subscribe, unsubscribe
from ..wire.exchange import Exchange
from ..render import BAD, CLI, GOOD, MUTED, NEUTRAL, SDK, WARN, code_html, left_aligned, live_display, update
from ..wire.operations import operation

# (status or None for any, regex on the daemon's message, operations or None, note)
NOTES: list[tuple[int | None, str, set[str] | None, str]] = [
    (None, r"port is already allocated|address already in use", None,
     "Port already allocated: another container (or a process on the host) already publishes "
     "that host port. Stop it, pick another host port, or let Docker choose one with "
     "`ports={'80/tcp': None}`."),
    (409, r"is already in use", None,
     "Name already in use: a container with this name exists, probably left over from an "
     "earlier run. Names are unique per daemon. Remove it "
     "(`client.containers.get(name).remove(force=True)`) or run `lens.reset()`."),
    (409, r"is not running|is paused|is restarting", None,
     "Container not running: exec, pause, kill, attach and top need a running container. "
     "Start it with `ctr.start()`; `ctr.reload(); ctr.status` shows its state now "
     "(model objects cache their attributes)."),
    (None, r"pull access denied|dial tcp|lookup .* (no such host|server misbehaving)|"
           r"connection refused|i/o timeout|TLS handshake|Get \"?https?://", {"ImageCreate"},
     "Image not found while offline: the image is not on this daemon, so the client asked the "
     "daemon to pull it, and no registry is reachable. The course never pulls: use a course "
     "image (`lens.image('base')`) or build one (`python -m dockerlens images`)."),
    (404, r"[Nn]o such image|image .* not found|not found", {"ImageInspect", "ImageDelete",
                                                            "ImageHistory", "ImageTag",
                                                            "ContainerCreate", "ImageCreate"},
     "No such image: this daemon has no container image by that name and tag. Check the "
     "spelling and the tag (`client.images.list()`); the course's images are "
     "`lens.image('base')` and `lens.image('web')`."),
    (404, r"[Nn]o such container", None,
     "No such container: the daemon has no container with this name or ID. It was removed "
     "(by `remove=True`, `auto_remove`, or cleanup) or never created; "
     "`client.containers.list(all=True)` shows what exists."),
    (404, r"[Nn]o such exec", None,
     "No such exec instance: exec IDs live only as long as their container."),
]


def note_for(status: int | None, message: str, operation: str = "unknown") -> str:
    """The teaching note for a failed call, or a general one naming the status class."""
    for want, pattern, ops, note in NOTES:
        if (want is None or want == status) and (ops is None or operation in ops) \
                and re.search(pattern, message or ""):
            return note
    if status and status >= 500:
        return ("The daemon failed to do what was asked (5xx); its message says why. "
                "It is not a mistake in how the request was written.")
    if status and status >= 400:
        return "The daemon refused the request (4xx); its message says what was wrong with it."
    return ""


@dataclass
class Explanation:
    """A failed call: which request, what the daemon said, and what it means."""
    operation: str
    method: str
    target: str
    status: int | None
    reason: str
    message: str
    note: str
    exchange: Exchange | None = None

    def __repr__(self) -> str:
        who = f" by {self.exchange.client} (#{self.exchange.seq})" if self.exchange else ""
        return (f"{self.method} {self.target}{who}\n"
                f"  operation: {self.operation}\n"
                f"  answer:    {self.status} {self.reason}\n"
                f"  daemon:    {self.message}\n"
                f"  note:      {self.note}")

    def _repr_html_(self) -> str:
        seq = f" · exchange #{self.exchange.seq} ({self.exchange.client})" if self.exchange else ""
        return (
            f'<div style="border-left:4px solid {BAD};padding:4px 10px;font-size:90%">'
            f'<div><b style="color:{BAD}">{self.status} {html.escape(self.reason)}</b> · '
            f'<code>{html.escape(self.method)} {html.escape(self.target)}</code> · '
            f'operation <b>{html.escape(self.operation)}</b>{seq}</div>'
            f'<div>daemon says: <code>{html.escape(self.message)}</code></div>'
            f'<div style="margin-top:4px"><b>note:</b> {code_html(self.note)}</div></div>')


def explain(err) -> Explanation:
    """Explain a ``docker.errors.APIError`` (or an ``Exchange``) that the daemon answered with."""
    if isinstance(err, Exchange):
        return _from_exchange(err)
    response = getattr(err, "response", None)
    if response is None:
        raise TypeError(f"lens.explain() needs a docker.errors.APIError, got {type(err).__name__}"
                        f": {err}")
    url = urlparse(response.url)
    method = response.request.method if response.request is not None else "?"
    found = TRANSCRIPT.find(method, url.path, response.status_code) or \
        TRANSCRIPT.find(method, unquote(url.path), response.status_code)
    if found is not None:
        return _from_exchange(found, getattr(err, "explanation", None))
    op = operation(method, url.path)
    message = str(getattr(err, "explanation", "") or "")
    return Explanation(op, method, url.path + (f"?{url.query}" if url.query else ""),
                       response.status_code, response.reason or "", message,
                       note_for(response.status_code, message, op))


def _from_exchange(ex: Exchange, message: str | None = None) -> Explanation:
    message = ex.message or message or ex.error or ""
    return Explanation(ex.operation, ex.method, ex.target, ex.status, ex.reason, message,
                       note_for(ex.status, message, ex.operation), ex)


COLOURS = {"sdk": SDK, "cli": CLI, "http": WARN}


def table_html(exchanges: list[Exchange], title: str = "wiretap") -> str:
    """The wiretap table: one row per exchange, failures explained beneath their row."""
    rows = []
    for ex in exchanges:
        colour = COLOURS.get(ex.client, NEUTRAL)
        via = ' <small title="relayed by the TLS endpoint">· tcp</small>' if ex.transport == "tcp" else ""
        status = "…" if ex.status is None else str(ex.status)
        bad = ex.status is not None and ex.status >= 400 or ex.error
        ms = f"{ex.duration_to_headers * 1000:.1f}" if ex.duration_to_headers else ""
        flags = "⇅ upgraded" if ex.upgraded else ("≋ streaming" if ex.streaming else "")
        query = f'<span style="color:{MUTED}">?{html.escape(_short(ex.query, 60))}</span>' \
            if ex.query else ""
        body = ""
        if ex.request_preview or ex.response_preview:
            body = (f'<details><summary style="color:{MUTED}">bodies</summary>'
                    + (f"<pre>→ {html.escape(ex.pretty('request', 600))}</pre>"
                       if ex.request_preview else "")
                    + (f"<pre>← {html.escape(ex.pretty('response', 600))}</pre>"
                       if ex.response_preview else "") + "</details>")
        rows.append(
            f'<tr><td>{ex.seq}</td><td style="color:{colour}"><b>{ex.client}</b>{via}</td>'
            f'<td><code>{ex.method} {html.escape(_short(ex.path, 70))}</code>{query}{body}</td>'
            f'<td style="color:{BAD if bad else GOOD}"><b>{status}</b></td>'
            f'<td>{html.escape(ex.operation)}</td><td style="text-align:right">{ms}</td>'
            f'<td>{flags}</td></tr>')
        if bad:
            rows.append(f'<tr><td></td><td colspan="6">{_from_exchange(ex)._repr_html_()}</td></tr>')
    return left_aligned(f'<div style="font-size:85%"><b>{html.escape(title)}</b>'
            '<table><thead><tr><th>#</th><th>client</th><th>request</th><th>status</th>'
            '<th>operation</th><th>ms to head</th><th></th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


class LivePanel:
    """The last exchanges, redrawn while a cell runs: one render thread updates one display."""
    ROWS = 12

    def __init__(self, tap):
        self.tap, self.handle = tap, None
        self._dirty, self._stop = threading.Event(), threading.Event()
        self.handle = live_display("html", self._html())
        subscribe(self._mark)
        self._thread = threading.Thread(target=self._run, name="dockerlens-wiretap-panel",
                                        daemon=True)
        self._thread.start()

    def _mark(self, _exchange) -> None:
        self._dirty.set()

    def _html(self) -> str:
        exchanges = self.tap.exchanges
        return table_html(exchanges[-self.ROWS:], title=f"wiretap (live) · {len(exchanges)} "
                                                         "exchange(s), latest last")

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._dirty.wait(0.2) and not self._stop.is_set():
                self._dirty.clear()
                self._render()
                self._stop.wait(0.2)  # coalesce bursts

    def _render(self) -> None:
        if self.handle is not None:
            try:
                update(self.handle, "html", self._html())
            except Exception:  # the kernel is shutting down: nothing left to update
                pass

    def close(self) -> None:
        unsubscribe(self._mark)
        self._stop.set()
        self._thread.join(1.0)
        self._render()
