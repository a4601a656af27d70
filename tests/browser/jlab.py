"""A JupyterLab server on 127.0.0.1 and a notebook page driven in Chromium, as a learner would.

`JupyterServer` starts ``jupyter lab`` (the .venv's Python, so its kernel imports the installed
dockerlens) on a free port with a random token over a temporary copy of the course.
`NotebookPage` opens a notebook, runs every cell through the menu, waits until the kernel is
idle, and reports what ran, what raised, and what the browser's console said.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.tiers import ROOT
from dockerlens.show.contents import OPTION as CONTENTS_OPTION
from dockerlens.show.failures import EXPLAINED  # the error line under an explanation box

OUTPUT = ROOT / "test-output"
SCREENSHOTS = OUTPUT / "screenshots"
COURSE_DIRS = ["notebooks", "labs", "images"]

# User settings for the test server only (the learner's own settings are never read):
# render every cell (no virtual scrolling, so off-screen outputs exist in the DOM), and no
# news/update notifications popping over the notebook.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_course(dest: Path) -> Path:
    """A throwaway copy of the course folders, so running notebooks never touches the repo."""
    for name in COURSE_DIRS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return dest


@dataclass
class JupyterServer:
    """``jupyter lab`` on 127.0.0.1 with a token, serving ROOT_DIR, its log in test-output."""
    root_dir: Path
    home: Path
    learner: str
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    proc: subprocess.Popen | None = None
    env: dict[str, str] = field(default_factory=dict)  # extra environment (its kernels inherit it)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return OUTPUT / ("jupyterlab.log" if not self.env else "jupyterlab-" +
                         "-".join(f"{v}" for v in self.env.values()).lower() + ".log")

    def start(self, seconds: float = 60) -> None:
        settings = self.home / "settings"
        for rel, value in SETTINGS.items():
            path = settings / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        env = {**os.environ, **self.env, "DOCKERLENS_LEARNER": self.learner,
               "JUPYTERLAB_SETTINGS_DIR": str(settings),
               "JUPYTERLAB_WORKSPACES_DIR": str(self.home / "workspaces"),
               "JUPYTER_RUNTIME_DIR": str(self.home / "runtime"),
               # lab progress of the test learner stays out of the real ~/.dockerlens
               "DOCKERLENS_PROGRESS": str(self.home / "progress" / "progress.json")}
        cmd = [sys.executable, "-m", "jupyter", "lab", "--ip=127.0.0.1", f"--port={self.port}",
               "--no-browser", f"--ServerApp.token={self.token}",
               f"--ServerApp.root_dir={self.root_dir}", "--ServerApp.port_retries=0",
               CONTENTS_OPTION]  # as `make lab` serves the notebooks
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        OUTPUT.mkdir(exist_ok=True)
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=env, cwd=self.root_dir)
        self._wait_ready(seconds)

    def _wait_ready(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                self.api("status")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer /api/status within {seconds:.0f} s; "
                           f"the end of its log ({self.log}):\n{tail}")

    def api(self, path: str, method: str = "GET"):
        """Call the server's REST API (JSON answer, or None for an empty one)."""
        req = urllib.request.Request(f"{self.base}/api/{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def url(self, relpath: str, workspace: str = "default") -> str:
        """A notebook in a workspace of its own: no tab of an earlier test is restored."""
        return f"{self.base}/lab/workspaces/{workspace}/tree/{relpath}?token={self.token}"

    def kernel_state(self, relpath: str) -> str | None:
        """The execution state of the kernel of the notebook at RELPATH (None: no session yet)."""
        for session in self.api("sessions"):
            if session.get("path") == relpath and session.get("kernel"):
                return session["kernel"].get("execution_state")
        return None

    def kernel_pythons(self) -> list[str]:
        """The Python executables of this server's running kernels (read from /proc)."""
        runtime, found = str(self.home / "runtime"), []
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                argv = (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
            except OSError:
                continue
            if "ipykernel_launcher" in argv and any(a.startswith(runtime) for a in argv):
                found.append(argv[0])
        return found

    def shutdown_sessions(self) -> None:
        """Stop every kernel, so the next notebook starts on a quiet machine."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@dataclass
class RunResult:
    """What Run All Cells did: code cells, how many got an execution count, and the errors
    shown: IPython's tracebacks and the course's explanation boxes (each with its error line)."""
    code_cells: int
    executed: int
    errors: list[str]
    seconds: float

    def __repr__(self) -> str:
        head = (f"{self.executed}/{self.code_cells} code cells executed in {self.seconds:.1f} s, "
                f"{len(self.errors)} error(s) shown")
        return "\n\n".join([head, *self.errors])


TRACEBACK = "Traceback (most recent call last)"
PROMPT_DONE = re.compile(r"^\[\d+\]:$")


class NotebookPage:
    """One notebook open in JupyterLab in a Chromium page, driven through the UI."""

    def __init__(self, page, server: JupyterServer, relpath: str):
        self.page, self.server, self.relpath = page, server, relpath
        self.console: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.console.append(
            f"console.error: {msg.text} ({msg.location.get('url', '')})"))
        page.on("pageerror", lambda err: self.console.append(f"pageerror: {err}"))
        self.failed_requests: list[str] = []  # diagnostics for a failure message, not a failure
        page.on("requestfailed", lambda req: self.failed_requests.append(
            f"{req.method} {req.url.split('?')[0]}: {req.failure}"))

    @property
    def name(self) -> str:
        return Path(self.relpath).stem if "labs/" not in self.relpath else \
            Path(self.relpath).parent.name + "-lab"

    @property
    def notebook(self):
        return self.page.locator(".jp-NotebookPanel:visible .jp-Notebook")

    def open(self, seconds: float = 60) -> "NotebookPage":
        """Open the notebook and wait until its cells are shown and its kernel is idle."""
        self.page.goto(self.server.url(self.relpath, f"{self.name}-{secrets.token_hex(3)}"))
        self.notebook.locator(".jp-Cell").first.wait_for(state="visible", timeout=seconds * 1000)
        self._wait(lambda: self.server.kernel_state(self.relpath) == "idle", seconds,
                   "the notebook's kernel to start and be idle")
        return self

    def run_all(self, seconds: float = 180) -> RunResult:
        """Run → Run All Cells, as a learner does; wait until no cell is queued or running."""
        return self._run_menu("Run All Cells", seconds)

    def run_from(self, contains: str, seconds: float = 180, nth: int | None = None) -> RunResult:
        """Select the cell containing CONTAINS, then Run → Run Selected Cell and All Below."""
        self.cell(contains, nth).locator(".jp-InputArea-prompt").click()  # selects, command mode
        return self._run_menu("Run Selected Cell and All Below", seconds)

    def run_above(self, contains: str, seconds: float = 180, nth: int | None = None) -> RunResult:
        """Select the cell containing CONTAINS, then Run → Run All Above Selected Cell."""
        self.cell(contains, nth).locator(".jp-InputArea-prompt").click()
        return self._run_menu("Run All Above Selected Cell", seconds)

    def start_cell(self, contains: str, nth: int | None = None) -> None:
        """Shift+Enter in a cell without waiting for it (a long cell, to interrupt)."""
        self.cell(contains, nth).locator(".jp-InputArea-editor").click()
        self.page.keyboard.press("Shift+Enter")
        self._wait(lambda: self.server.kernel_state(self.relpath) == "busy", 30, "the cell to start")

    def _run_menu(self, item: str, seconds: float) -> RunResult:
        started, before = time.monotonic(), self._prompts()
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()
        self._wait(lambda: self._prompts() != before, 30, f"{item!r} to queue a cell")
        self._wait(lambda: self._running() == 0 and
                   self.server.kernel_state(self.relpath) == "idle", seconds,
                   "every cell to finish (no [*] prompt, kernel idle)", settle=2)
        return self.result(time.monotonic() - started, before)

    def _prompts(self) -> list[str]:
        return [p.strip() for p in self.notebook.locator(
            ".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()]

    def _running(self) -> int:
        return sum(1 for p in self._prompts() if "*" in p)

    def result(self, seconds: float = 0.0, before: list[str] | None = None) -> RunResult:
        """The notebook now; the errors only of cells this run executed (their prompt changed from
        BEFORE), so an earlier, deliberate mistake still on the page is not counted."""
        prompts = self._prompts()
        errors = []
        for i, cell in enumerate(self.notebook.locator(".jp-CodeCell").all()):
            if before is not None and i < len(before) and i < len(prompts) and prompts[i] == before[i]:
                continue
            texts = cell.locator(".jp-OutputArea-output").all_inner_texts()
            errors += [f"{texts[j - 1]}\n{t}" if EXPLAINED in t and j else t
                       for j, t in enumerate(texts) if TRACEBACK in t or EXPLAINED in t]
        return RunResult(len(prompts), sum(1 for p in prompts if PROMPT_DONE.match(p)), errors, seconds)

    def cell(self, contains: str, nth: int | None = None):
        """The code cell whose source contains CONTAINS (exactly one, or the NTH of several)."""
        cells = self.notebook.locator(".jp-CodeCell").filter(
            has=self.page.locator(".jp-InputArea-editor", has_text=contains))
        count = cells.count()
        if nth is not None:
            assert count > nth, f"{count} code cells contain {contains!r} in {self.relpath}"
            return cells.nth(nth)
        assert count == 1, f"{count} code cells contain {contains!r} in {self.relpath}"
        return cells.first

    def type_into(self, cell, code: str) -> None:
        """Replace CELL's source with CODE, as typed (no bracket auto-closing in between)."""
        cell.locator(".jp-InputArea-editor").click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.insert_text(code)

    def add_cell_below(self, contains: str, code: str, nth: int | None = None) -> None:
        """Insert a code cell below the cell containing CONTAINS and type CODE into it."""
        self.cell(contains, nth).locator(".jp-InputArea-prompt").click()  # command mode
        self.page.keyboard.press("b")
        cell = self.notebook.locator(".jp-CodeCell.jp-mod-selected").first
        cell.locator(".jp-InputArea-editor").click()
        self.page.keyboard.insert_text(code)

    def index_of(self, contains: str, nth: int = 0) -> int:
        """The position among the code cells of the NTH code cell containing CONTAINS."""
        sources = self.notebook.locator(".jp-CodeCell .jp-InputArea-editor").all_inner_texts()
        return [i for i, text in enumerate(sources) if contains in text][nth]

    def delete_cell(self, contains: str, nth: int | None = None) -> None:
        """Select the cell containing CONTAINS and delete it (d, d in command mode)."""
        self.cell(contains, nth).locator(".jp-InputArea-prompt").click()
        self.page.keyboard.press("d")
        self.page.keyboard.press("d")
        self.page.wait_for_timeout(300)

    def menu(self, top: str, item: str) -> None:
        """Click TOP in the menu bar, then ITEM (e.g. Kernel → Interrupt Kernel)."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}…?$")).click()

    def restart_kernel(self, seconds: float = 60) -> None:
        """Kernel → Restart Kernel and Clear Outputs of All Cells…, confirm, wait until idle."""
        self.menu("Kernel", "Restart Kernel and Clear Outputs of All Cells")
        self.page.locator(".jp-Dialog-button.jp-mod-accept").click()
        self.page.wait_for_timeout(1000)
        self._wait(lambda: self.server.kernel_state(self.relpath) == "idle", seconds,
                   "the restarted kernel to be idle", settle=2)

    def run_cell(self, contains: str, seconds: float = 60, nth: int | None = None) -> None:
        """Run one code cell (click into it, Shift+Enter) and wait for its new execution count."""
        cell = self.cell(contains, nth)
        before = cell.locator(".jp-InputArea-prompt").inner_text().strip()
        cell.locator(".jp-InputArea-editor").click()
        self.page.keyboard.press("Shift+Enter")
        prompt = cell.locator(".jp-InputArea-prompt")
        self._wait(lambda: PROMPT_DONE.match(prompt.inner_text().strip()) is not None
                   and prompt.inner_text().strip() != before
                   and self.server.kernel_state(self.relpath) == "idle", seconds,
                   f"the cell {contains!r} to run again", settle=2)

    def outputs(self, contains: str):
        """The output area of the code cell whose source contains CONTAINS."""
        return self.cell(contains).locator(".jp-OutputArea")

    def screenshot(self, name: str, locator=None) -> Path:
        """Save a viewport screenshot (scrolled to LOCATOR if given) under test-output/."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        if locator is not None:
            locator.scroll_into_view_if_needed()
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def _wait(self, ready, seconds: float, what: str, settle: int = 1) -> None:
        """Poll READY until it holds SETTLE times in a row (a kernel flickers idle/busy)."""
        deadline, streak = time.monotonic() + seconds, 0
        while time.monotonic() < deadline:
            streak = streak + 1 if ready() else 0
            if streak >= settle:
                return
            self.page.wait_for_timeout(300)
        raise AssertionError(f"{self.relpath}: gave up after {seconds:.0f} s waiting for {what}; "
                             f"prompts {self._prompts()}")
