"""The check framework: a lab is numbered tasks; a check inspects the daemon and says why not.

A task's check function receives a :class:`~dockerlens.labs.context.Context` and either
returns (pass) or raises :class:`Fail` with the specific reason. :class:`Pending` marks a
state that may still arrive (a server starting, a container still running): the task is
retried until it passes or its time bound ``within`` runs out.
"""
from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass, field
from typing import Callable

from ..engine import scope
from .board import report as report_to_board
from .outcomes import Fail, Pending
from .progress import Progress
from ..render import BAD, GOOD, code_html, left_aligned
from .context import Context, caller_variables
from .. import replay

HINT_AFTER = 2      # the second failure of a task shows hint level 1 (the concept), the next level 2 ...
LESSON_AFTER = 3    # ... from the third failure on, with a pointer to the lesson section
RETRY_EVERY = 0.25  # seconds between attempts of a Pending check

SLUGS = {"01": "containers-vs-vms", "02": "docker-engine", "03": "architecture",
         "04": "images", "05": "containers", "06": "networks", "07": "volumes",
         "08": "events", "09": "registries", "10": "security"}


def heading_anchor(heading: str) -> str:
    """The id JupyterLab 4 gives a Markdown heading: its text, spaces as ``-`` (rendermime's
    createHeaderId), so ``lesson.ipynb#Restart-policies`` opens the lesson at that section.

    >>> heading_anchor("`Mounts` in inspect")
    'Mounts-in-inspect'
    """
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # [text](link) renders as text
    text = re.sub(r"[`*]", "", text)
    return text.strip().replace(" ", "-")


@dataclass
class Task:
    """One numbered task of a lab: what to do, how it is checked, and help when it keeps failing."""
    number: int
    title: str
    run: Callable
    hints: tuple[str, ...]  # escalating: the concept, then the API or CLI name, then a code sketch
    section: str
    within: float = 0.0  # seconds a Pending check is retried for
    goal: str = ""       # what must be true and why it matters (never the call to make)

    def hint(self, failures: int) -> tuple[int, str]:
        """The hint level (1-based, 0 for none) and text shown after FAILURES failures in a row."""
        if failures < HINT_AFTER or not self.hints:
            return 0, ""
        level = min(failures - HINT_AFTER + 1, len(self.hints))
        return level, self.hints[level - 1]

    def attempt(self, ctx) -> str | None:
        """None when the task passes, else the reason it fails (retrying Pending states)."""
        deadline = time.monotonic() + self.within
        while True:
            try:
                self.run(ctx)
                return None
            except Pending as why:
                if time.monotonic() >= deadline:
                    return str(why)
                time.sleep(RETRY_EVERY)
            except Fail as why:
                return str(why)
            except Exception as err:  # the daemon, not the learner: say so, no traceback
                if not _daemon_error(err):
                    raise
                return f"the daemon could not answer the check ({_daemon_error(err)}): is it running?"


def _daemon_error(err: Exception) -> str:
    """A one-line description if ERR came from talking to the daemon, else ''."""
    import docker.errors
    import requests
    if isinstance(err, docker.errors.APIError):
        return f"HTTP {err.status_code}: {err.explanation or err}"
    if isinstance(err, (requests.exceptions.RequestException, ConnectionError)):
        return f"{type(err).__name__}: {str(err)[:160]}"
    return ""


@dataclass
class CheckResult:
    """The outcome of one check: pass, or fail with a reason (plus a hint, then the lesson)."""
    lab: str
    task: int
    title: str
    passed: bool
    reason: str = ""
    hint: str = ""
    hint_level: int = 0
    hint_levels: int = 0
    lesson: str = ""  # "see lesson NN, section ..." text
    link: str = ""    # relative link to the lesson notebook
    seconds: float = 0.0

    @property
    def key(self) -> str:
        return f"{self.lab}.{self.task}"

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        if self.passed:
            return f"✓ {self.key} {self.title}: passed"
        lines = [f"✗ {self.key} {self.title}: {self.reason}"]
        if self.hint:
            lines.append(f"  hint {self.hint_level}/{self.hint_levels}: {self.hint}")
        if self.lesson:
            lines.append(f"  {self.lesson} ({self.link})")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour, mark = (GOOD, "✓") if self.passed else (BAD, "✗")
        body = "passed" if self.passed else code_html(self.reason)
        parts = [f'<div style="border-left:4px solid {colour};padding:4px 8px;margin:2px 0">'
                 f'<b style="color:{colour}">{mark} {self.key}</b> {code_html(self.title)}: {body}']
        if self.hint:
            parts.append(f"<div><b>hint {self.hint_level}/{self.hint_levels}:</b> "
                         f"{code_html(self.hint)}</div>")
        if self.lesson:
            parts.append(f'<div><a href="{html.escape(self.link)}">{html.escape(self.lesson)}</a></div>')
        return "".join(parts) + "</div>"


class CheckReport(list):
    """The results of ``lab.check_all()``: passed only if every task passed."""

    @property
    def passed(self) -> bool:
        return bool(self) and all(r.passed for r in self)

    def __repr__(self) -> str:
        done = sum(r.passed for r in self)
        return "\n".join([f"{done}/{len(self)} tasks passed"] + [repr(r) for r in self])

    def _repr_html_(self) -> str:
        done = sum(r.passed for r in self)
        return f"<div><b>{done}/{len(self)} tasks passed</b></div>" + "".join(
            r._repr_html_() for r in self)


@dataclass
class Lab:
    """A lab: numbered tasks checked against the daemon's state, with this learner's progress."""
    number: str
    title: str
    tasks: dict[int, Task] = field(default_factory=dict)
    goal: str = ""
    _prepare: Callable | None = None

    @property
    def slug(self) -> str:
        return f"{self.number}-{SLUGS[self.number]}"

    @property
    def lesson_link(self) -> str:
        return f"../../notebooks/{self.slug}.ipynb"

    def task(self, number: int, title: str, *, hints, section: str, within: float = 0.0,
             goal: str = ""):
        """Decorator registering a check function as task NUMBER (HINTS: concept, API, sketch)."""
        hints = (hints,) if isinstance(hints, str) else tuple(hints)

        def register(fn: Callable) -> Callable:
            self.tasks[number] = Task(number, title, fn, hints, section, within, goal)
            return fn
        return register

    def preparation(self, fn: Callable) -> Callable:
        """Decorator registering the function that sets up this lab's investigation objects."""
        self._prepare = fn
        return fn

    def prepare(self, client=None):
        """Create (afresh) the labelled objects the investigation tasks ask about; returns a briefing."""
        from ..session import client as session_client
        from .case import Briefing
        if self._prepare is None:
            return Briefing(self.number, [])
        if replay.active():
            return Briefing(self.number, [replay.LAB_NEEDS_LIVE])
        made = self._prepare(client or session_client())
        if not isinstance(made, (list, tuple)):
            return made  # a briefing of the lab's own that renders itself (lab 09's registries)
        lines, values = made if isinstance(made, tuple) else (made, {})
        return Briefing(self.number, lines, values)

    def check(self, number: int, *, variables: dict | None = None, client=None) -> CheckResult:
        """Check task NUMBER against the daemon and the caller's variables; a learner's mistake never raises."""
        number = int(number) if str(number).isdigit() else number
        if number not in self.tasks:
            raise KeyError(f"lab {self.number} has tasks {sorted(self.tasks)}, not {number}")
        variables = caller_variables() if variables is None else variables
        ctx = Context(self.number, variables, client)
        return self._run(self.tasks[number], ctx)

    def check_all(self, *, variables: dict | None = None, client=None) -> CheckReport:
        """Check every task in order."""
        variables = caller_variables() if variables is None else variables
        ctx = Context(self.number, variables, client)
        return CheckReport(self._run(t, ctx) for t in self.tasks.values())

    def _run(self, task: Task, ctx) -> CheckResult:
        if replay.active():  # a recording cannot show what the learner just did
            return CheckResult(self.number, task.number, task.title, False, replay.LAB_NEEDS_LIVE)
        started = time.monotonic()
        reason = task.attempt(ctx)
        result = CheckResult(self.number, task.number, task.title, reason is None, reason or "",
                        seconds=time.monotonic() - started)
        failures = Progress.load().record(result)
        if not result.passed:
            result.hint_level, result.hint = task.hint(failures)
            result.hint_levels = len(task.hints)
        if not result.passed and failures >= LESSON_AFTER:
            result.lesson = f"see lesson {self.number}, section “{task.section}”"
            result.link = f"{self.lesson_link}#{heading_anchor(task.section)}"
        report_to_board(result)  # a classroom's board, if there is one (never waits, never fails)
        return result

    def __repr__(self) -> str:
        done = Progress.load().passed_at
        lines = [f"lab {self.slug}: {self.title} (learner {scope.learner()})"]
        for t in self.tasks.values():
            when = done(f"{self.number}.{t.number}")
            lines.append(f"  {'✓' if when else '·'} {t.number}. {t.title}"
                         + (f"  (passed {when})" if when else ""))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        done = Progress.load().passed_at
        when = {n: done(f"{self.number}.{n}") for n in self.tasks}
        rows = "".join(
            f"<tr><td>{t.number}</td><td>{code_html(t.title)}</td>"
            f"<td>{'✓ ' + when[t.number] if when[t.number] else ''}</td></tr>"
            for t in self.tasks.values())
        return left_aligned(f"<div><b>lab {html.escape(self.slug)}</b>: {html.escape(self.title)} · learner "
                f"<b>{html.escape(scope.learner())}</b></div><table><thead><tr><th>#</th>"
                f"<th>task</th><th>passed</th></tr></thead><tbody>{rows}</tbody></table>")
