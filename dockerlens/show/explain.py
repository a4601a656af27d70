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
from ..wire.operations import operation, strip_version
from ..wire.unanswered import NOT_RECORDED, REPEATED, NotAnswered, from_error

# What a failed call means, keyed on meaning: (key, statuses or None for any, regex on the
# daemon's message, operations or None for any, what it means, the fix). Podman answers a
# name conflict with 500 and words its errors its own way, so the message decides, not the
# status alone. In a fix, {name} is the object the call was about, {lesson} this lesson,
# {suffix} the name without the learner's `lens-<learner>-` prefix.
MEANINGS: list[tuple[str, set[int] | None, str, set[str] | None, str, str]] = [
    ("port-in-use", None, r"port is already allocated|address already in use", None,
     "Port already allocated: another container (or a process on the host) already publishes "
     "that host port.",
     "Stop it, pick another host port, or let Docker choose one with `ports={'80/tcp': None}`."),
    ("name-in-use", {409, 500}, r"is already in use|name is already in use", None,
     "Name already in use: a container called `{name}` exists, probably left over from an "
     "earlier run of this cell. Names are unique per daemon.",
     "{name_fix}"),
    ("remove-running", {409, 500}, r"cannot remove a running container|cannot remove container "
                                   r".*(running|paused)|stop the container before", None,
     "Container still running: the daemon removes a running container only when forced.",
     "Stop it first (`{var}.stop(timeout=1)`, then `{var}.remove()`), or force it: "
     "`{var}.remove(force=True)`."),
    ("not-running", {409, 500}, r"is not running|is paused|is restarting|container state improper",
     None,
     "Container not running: exec, pause, kill, attach and top need a running container.",
     "Start it with `{var}.start()`; `{var}.reload(); {var}.status` shows its state now "
     "(model objects cache their attributes)."),
    ("offline-pull", None, r"pull access denied|dial tcp|lookup .* (no such host|server misbehaving)|"
                           r"connection refused|i/o timeout|TLS handshake|Get \"?https?://",
     {"ImageCreate"},
     "Image not found while offline: the image is not on this daemon, so the client asked the "
     "daemon to pull it, and no registry is reachable. The course never pulls.",
     "Use a course image (`lens.image('base')`) or build one (`python -m dockerlens images`)."),
    ("no-image", {404, 500}, r"no such image|image .* not found|image not known|not found",
     {"ImageInspect", "ImageDelete", "ImageHistory", "ImageTag", "ContainerCreate", "ImageCreate"},
     "No such image: this daemon has no container image called `{name}`.",
     "Check the spelling and the tag (`client.images.list()`); the course's images are "
     "`lens.image('base')` and `lens.image('web')`."),
    ("no-container", {404, 500}, r"no such container|no container with name or id", None,
     "No such container: the daemon has no container called `{name}`. It was removed "
     "(by `remove=True`, `auto_remove`, `lens.reset()`), its name is misspelt, or the cell "
     "that makes it has not run yet.",
     "{missing_fix}"),
    ("no-exec", {404, 500}, r"no such exec", None,
     "No such exec instance: exec IDs live only as long as their container.",
     "Run `exec_run` again on a running container."),
]

ANY_4XX = ("The daemon refused the request (4xx); its message says what was wrong with it.", "")
ANY_5XX = ("The daemon failed to do what was asked (5xx); its message says why.", "")


def meaning(status: int | None, message: str, operation: str = "unknown") -> tuple[str, str, str]:
    """(key, what it means, fix template) for a failed call; a general pair by status class."""
    for key, statuses, pattern, ops, means, fix in MEANINGS:
        if (statuses is None or status in statuses) and (ops is None or operation in ops) \
                and re.search(pattern, message or "", re.IGNORECASE):
            return key, means, fix
    if status and status >= 500:
        return "5xx", *ANY_5XX
    if status and status >= 400:
        return "4xx", *ANY_4XX
    return "", "", ""


def note_for(status: int | None, message: str, operation: str = "unknown") -> str:
    """The teaching note for a failed call (its meaning, with no object named)."""
    return _fill(meaning(status, message, operation)[1], Subject())


@dataclass
class Subject:
    """The object a failed call was about, and the lesson it happened in, for the fix."""
    name: str = ""
    lesson: str = ""
    learner: str = ""

    @property
    def suffix(self) -> str:
        prefix = f"lens-{self.learner}-"
        return self.name[len(prefix):] if self.learner and self.name.startswith(prefix) else ""

    @property
    def var(self) -> str:
        """The variable the learner's cell binds (read from the cell), else one named after it."""
        return _CELL["variable"] or (self.suffix if self.suffix.isidentifier() else "ctr")

    def name_fix(self) -> str:
        if not self.suffix:
            return ("Remove or rename that container, or choose another name: the course never "
                    "touches objects it did not make.")
        again = f'`lens.reset("{self.lesson}")` removes lesson {self.lesson}\'s objects, then run ' \
                "this cell again" if self.lesson else "`lens.reset()` removes it"
        return (f'To go on with the one you made before: `{self.var} = lens.find("{self.suffix}")`. '
                f"To start this section afresh: {again}.")

    def missing_fix(self) -> str:
        if self.suffix:
            return (f"Check the name, or run the cell that creates `{self.suffix}` first; "
                    f"`lens.objects(client)` shows what this lesson has now.")
        return ("Check the name (`client.containers.list(all=True)` shows what exists); the "
                "course names its objects with `lens.name(\"...\")`.")


def _fill(template: str, subject: Subject) -> str:
    if not template:
        return ""
    values = {"name": subject.name or "?", "lesson": subject.lesson or "NN",
              "suffix": subject.suffix or subject.name, "var": subject.var,
              "name_fix": subject.name_fix() if "{name_fix}" in template else "",
              "missing_fix": subject.missing_fix() if "{missing_fix}" in template else ""}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


_NAMED = [r'name "/?([^"]+)" is already in use', r'container name "/?([^"]+)"',
          r"no such container: ([^\s\"]+)", r'no container with name or id "([^"]+)"',
          r"no such image: ([^\s\"]+)", r"running container ([0-9a-f]{12,64})",
          r"cannot remove container ([0-9a-f]{12,64})", r"container ([0-9a-f]{12,64}) is not running"]


def subject_of(message: str, target: str) -> Subject:
    """The object a failed call named (from the daemon's words, else the request path)."""
    name = ""
    for pattern in _NAMED:
        found = re.search(pattern, message or "", re.IGNORECASE)
        if found:
            name = found.group(1)
            break
    if not name:
        url = urlparse(target or "")
        query = dict(p.split("=", 1) for p in url.query.split("&") if "=" in p)
        parts = unquote(strip_version(url.path)[0]).strip("/").split("/")  # containers/{name}/...
        name = unquote(query.get("name", "")) or (parts[1] if len(parts) > 1 else "")
        name = "" if name in ("json", "create", "") else name
    return Subject(name, _lesson(), _learner())


def _lesson() -> str:
    from ..engine.scope import current_lesson
    lesson = current_lesson()
    return "" if lesson == "none" else lesson


def _learner() -> str:
    from ..engine.scope import learner
    try:
        return learner()
    except ValueError:
        return ""


@dataclass
class Explanation:
    """A failed call: what was asked, what the daemon answered, what it means, the fix."""
    operation: str
    method: str
    target: str
    status: int | None
    reason: str
    message: str
    note: str
    exchange: Exchange | None = None
    fix: str = ""
    title: str = ""          # for errors that are no daemon answer (replay, no daemon, ...)
    traceback: str = ""      # the full traceback, shown collapsed by the exception handler

    @property
    def asked(self) -> str:
        return f"{self.method} {self.target}".strip()

    def __repr__(self) -> str:
        who = f" by {self.exchange.client} (#{self.exchange.seq})" if self.exchange else ""
        lines = [self.title] if self.title else []
        if self.method:
            lines += [f"{self.asked}{who}", f"  operation: {self.operation}",
                      f"  answer:    {self.status} {self.reason}", f"  daemon:    {self.message}"]
        elif self.message:
            lines.append(f"  {self.message}")
        lines.append(f"  note:      {self.note}")
        if self.fix:
            lines.append(f"  fix:       {self.fix}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        row = '<div style="margin-top:3px"><b>{}</b> {}</div>'
        seq = f" · exchange #{self.exchange.seq} ({self.exchange.client})" if self.exchange else ""
        head = (f'<b style="color:{BAD}">{self.status} {html.escape(self.reason)}</b> · operation '
                f'<b>{html.escape(self.operation)}</b>{seq}') if self.method else \
            f'<b style="color:{BAD}">{html.escape(self.title)}</b>'
        parts = [f"<div>{head}</div>"]
        if self.method:
            parts.append(row.format("you asked:", f"<code>{html.escape(self.asked)}</code> "
                                    f"({html.escape(self.operation)})"))
            parts.append(row.format("daemon answered:", f"{self.status} {html.escape(self.reason)}"
                                    f" · <code>{html.escape(self.message)}</code>"))
        elif self.message:
            parts.append(row.format("what happened:", code_html(self.message)))
        parts.append(row.format("what it means:" if self.method else "note:", code_html(self.note)))
        if self.fix:
            parts.append(row.format("fix:", code_html(self.fix)))
        if self.traceback:
            parts.append(f'<details style="margin-top:4px"><summary style="color:{MUTED}">full '
                         f'traceback</summary><pre style="font-size:85%;white-space:pre-wrap">'
                         f'{html.escape(self.traceback)}</pre></details>')
        return (f'<div class="dockerlens-explanation" style="border-left:4px solid {BAD};'
                f'padding:4px 10px;font-size:90%">{"".join(parts)}</div>')


def explain(err) -> Explanation:
    """Explain a ``docker.errors.APIError`` (or an ``Exchange``) that the daemon answered with."""
    if isinstance(err, Exchange):
        return _from_exchange(err)
    missed = from_error(err)
    if missed is not None:
        return replay_miss(missed)
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
    target = url.path + (f"?{url.query}" if url.query else "")
    return _explained(op, method, target, response.status_code, response.reason or "", message)


def _from_exchange(ex: Exchange, message: str | None = None) -> Explanation:
    message = ex.message or message or ex.error or ""
    return _explained(ex.operation, ex.method, ex.target, ex.status, ex.reason, message, ex)


def _explained(op: str, method: str, target: str, status: int | None, reason: str, message: str,
               exchange: Exchange | None = None) -> Explanation:
    if status == 501 and "REPLAYING" in (message or ""):  # a wiretap row of a replay's answer
        return replay_miss(_miss_from_message(method, target, message))
    _, means, fix = meaning(status, message, op)
    subject = subject_of(message, target)
    return Explanation(op, method, target, status, reason, message, _fill(means, subject), exchange,
                       _fill(fix, subject))


def _miss_from_message(method: str, target: str, message: str) -> NotAnswered:
    """A replay's 501 read back from its message alone (a wiretap row keeps no headers)."""
    kind = REPEATED if "answered already" in message else NOT_RECORDED
    has = re.search(r"the recording has (.+?)\. Run the cells", message)
    recorded = has.group(1).split(" or ") if has and kind == NOT_RECORDED else []
    return NotAnswered(kind, " ".join(normalise_target(method, target)), recorded, message)


def normalise_target(method: str, target: str) -> tuple[str, str]:
    """Method and target without the ``/v1.xx`` prefix, as the recording names requests."""
    return method.upper(), re.sub(r"^/v\d+\.\d+(?=/)", "", target)


LIVE = "open the course with a live daemon (make lab / dev container)"


def replay_miss(missed: NotAnswered) -> Explanation:
    """The one box for a request a replay could not answer: what happened and how to go on."""
    if missed.kind == REPEATED:
        return Explanation(
            "replay", "", "", 501, "", "",
            f"`{missed.request}` changes something, and the recording has that change once: the "
            "daemon did it when this cell first ran. Answering again as if it happened again "
            "would not be true (a real daemon might answer 409, or make a second object).",
            fix=f"Kernel → Restart Kernel and Run All Cells replays the lesson from the top; or {LIVE}.",
            title=f"This cell ran before: {missed.request or 'its request'} was answered already")
    has = f"the recording has {' or '.join(f'`{r}`' for r in missed.recorded)}" \
        if missed.recorded else "the recording has no request like it"
    return Explanation(
        "replay", "", "", 501, "", "",
        f"This request was not recorded: {has}. A replay can only answer what the recorded "
        "daemon was asked; an edited cell asks something else.",
        fix=f"Run the cells unchanged (Edit → Undo, or Restart Kernel and Run All Cells), or {LIVE}.",
        title=f"Not in the recording: {missed.request or 'this request'}")


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


# Errors that are no daemon answer: (exception class name, title, note, fix).
COURSE_ERRORS: dict[str, tuple[str, str, str]] = {
    "DaemonUnavailable": (
        "No Docker daemon answered",
        "The course talks to a real Docker daemon, and none answered at the places it looked.",
        "`lens.doctor()` checks each step and names the fix; `make prepare` starts the machine's "
        "daemon; without one, the course replays recordings (`DOCKERLENS_MODE=replay`)."),
    "NotOurs": (
        "Not a course object",
        "The course changes and removes only objects that carry its labels, so it never "
        "touches your own containers, images, networks or volumes.",
        "Use this lesson's objects (`lens.find(\"...\")`, `lens.objects(client)`), or the SDK "
        "directly if the object is yours."),
    "NotFoundAgain": (
        "Not there (yet)",
        "`lens.find()` looks for this learner's course objects by name; none has that name now.",
        "Run the section's cells from its start, or Kernel → Restart Kernel and Run All Cells."),
    "Interrupted": (
        "Interrupted",
        "Kernel → Interrupt stopped the cell, and the cell removed what it had made so far.",
        "Run the cell again when you are ready: it starts from nothing."),
    "KeyboardInterrupt": (
        "Interrupted",
        "Kernel → Interrupt stopped the cell where it was; what it made before stays.",
        "Run the cell again, or the lesson's first cell (`lens.reset(...)`) to start clean."),
    "ContainerError": (
        "The container's command failed",
        "`containers.run()` without `detach=True` waits for the container, and its command exited "
        "with a non-zero status: the daemon did its part, the program inside failed (above: its "
        "exit status and what it wrote to stderr).",
        "Fix the command, or run it with `detach=True` and read `ctr.wait()` and `ctr.logs()`."),
    "BuildError": (
        "The image build failed",
        "A step of the Dockerfile failed while the daemon built the image; the message names it.",
        "Fix that step (the build log shows its output), then build again: the steps before it "
        "come from the build cache."),
    "StaleRecording": (
        "This notebook changed after its recording",
        "A replay answers only the requests that were recorded.",
        "Run the cells unchanged, or open the course with a live daemon (make lab / dev container)."),
    "NoRecording": (
        "No recording of this lesson",
        "Without a daemon the course replays recordings, and this lesson has none.",
        "Open the course with a live daemon (make lab / dev container)."),
}


_CELL = {"variable": ""}
_CALLED = re.compile(r"\b([A-Za-z_]\w*)\.(?:remove|start|stop|restart|pause|unpause|kill|exec_run|"
                     r"reload|wait|logs|attach|top)\(")
_ASSIGNED = re.compile(r"^\s*([A-Za-z_]\w*)\s*=\s*(?!=)", re.MULTILINE)


def explain_exception(exc: BaseException, traceback: str = "", cell: str = "") -> Explanation | None:
    """The explanation box for any error a learner's cell can raise, or None (not ours to explain).

    CELL is the failing cell's source: its first assignment names the variable in the fix."""
    found = _CALLED.search(cell or "") or _ASSIGNED.search(cell or "")
    _CELL["variable"] = found.group(1) if found else ""
    try:
        why = _explain_any(exc)
    finally:
        _CELL["variable"] = ""
    if why is not None:
        why.traceback = traceback
    return why


def _explain_any(exc: BaseException) -> Explanation | None:
    missed = from_error(exc)
    if missed is not None:
        return replay_miss(missed)
    if getattr(exc, "response", None) is not None and type(exc).__module__.startswith("docker"):
        try:
            return explain(exc)
        except (TypeError, AttributeError):
            pass
    for cls in type(exc).__mro__:
        if cls.__name__ in COURSE_ERRORS:
            title, note, fix = COURSE_ERRORS[cls.__name__]
            return Explanation("", "", "", None, "", str(exc), note, None, fix, title)
    if type(exc).__module__.startswith("docker"):
        return Explanation("", "", "", None, "", str(exc),
                           "The Docker SDK could not get an answer from the daemon.",
                           None, "`lens.doctor()` checks the daemon and the route to it.",
                           f"Docker SDK error: {type(exc).__name__}")
    return None
