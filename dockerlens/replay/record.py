"""``python -m dockerlens record [NN ...]``: run notebooks against the real daemon, record them.

Each notebook runs top to bottom in a fresh kernel (nbclient, the cells nbval runs) whose
``DOCKER_HOST`` is a recording proxy in front of the real daemon, so every client of the
kernel (SDK, ``docker`` CLI, raw HTTP) is recorded. The kernel's own wiretap proxy chains
to the recording proxy exactly as, in replay, it chains to the replay server. A notebook
that fails keeps its previous recording; the command then exits non-zero.
"""
from __future__ import annotations


import datetime
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .format import Header, Recording, cells_hash, save
from ..show.course import LESSONS
from ..wire.proxy import Proxy
from .recorder import Recorder
from ..engine.connect import connect
from ..engine.environ import environment
from ..engine.facts import facts
from ..engine.scope import reset
from ..engine.connect import find_endpoint, socket_path

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "recordings"
LEARNER = "learner"  # recordings use one fixed learner, so names and label filters replay
CELL_TIMEOUT = 180


@dataclass
class RecordingResult:
    """What recording one notebook gave: where, how many exchanges, how long, or the error."""
    notebook: Path
    path: Path | None
    exchanges: int
    seconds: float
    error: str = ""

    def __repr__(self) -> str:
        if self.error:
            return f"FAILED {self.notebook.name} after {self.seconds:.1f} s: {self.error}"
        size = self.path.stat().st_size / 1024
        return (f"recorded {self.notebook.name}: {self.exchanges} exchanges, {size:.1f} KiB, "
                f"{self.seconds:.1f} s -> {self.path}")


def recording_path(notebook: Path, out: Path = RECORDINGS) -> Path:
    """recordings/NN-slug.jsonl.gz for a lesson; recordings/labs/NN-slug.jsonl.gz for a lab."""
    notebook = Path(notebook)
    if notebook.parent.parent.name == "labs":
        return out / "labs" / f"{notebook.parent.name}.jsonl.gz"
    return out / f"{notebook.stem}.jsonl.gz"


def targets(numbers: list[str] | None = None) -> list[tuple[str, Path]]:
    """(lesson number, notebook) of every lesson (and lab solution) to record, in course order."""
    found = []
    for lesson in LESSONS:
        if numbers and lesson.number not in numbers:
            continue
        found.append((lesson.number, lesson.notebook))
        solution = lesson.lab / "solution.ipynb"
        if solution.exists():
            found.append((lesson.number, solution))
    return found


def record_notebook(number: str, notebook: Path, daemon_socket: str, out: Path = RECORDINGS,
                    learner: str = LEARNER) -> RecordingResult:
    """Run one notebook through a recording proxy; write its recording (kept old on failure)."""

    day = datetime.datetime.now(datetime.timezone.utc).date()
    recorder = Recorder(f"{day:%a, %d %b %Y} 00:00:00 GMT")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="dockerlens-record-") as tmp:
        proxy = Proxy(os.path.join(tmp, "docker.sock"), daemon_socket,
                      on_bytes=recorder.on_bytes).start()
        try:
            with environment(DOCKER_HOST=proxy.url, DOCKERLENS_LEARNER=learner,
                              DOCKERLENS_MODE="live", DOCKERLENS_RECORDING="1"):
                execute(notebook)
        except Exception as err:  # report the notebook, keep going with the others
            return RecordingResult(notebook, None, 0, time.monotonic() - started, _last_line(err))
        finally:
            proxy.stop()
            _reset(learner)
    exchanges = recorder.exchanges()
    header = _header(number, notebook, day, learner, daemon_socket)
    path = save(Recording(header, exchanges), recording_path(notebook, out))
    return RecordingResult(notebook, path, len(exchanges), time.monotonic() - started)


def nbval_runs(cell: dict) -> bool:
    """Whether nbval executes this code cell (the course marks cells with tags, not comments)."""
    return "nbval-skip" not in cell.get("metadata", {}).get("tags", [])


def execute(notebook: Path) -> None:
    """Run the cells nbval runs (tag nbval-skip left out; tag raises-exception may raise)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code" and not nbval_runs(cell):
            continue
        cells.append(cell)
    nb.cells = cells
    NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(Path(notebook).parent)}}).execute()


def _header(number: str, notebook: Path, day, learner: str, daemon_socket: str) -> Header:
    import docker
    client = docker.DockerClient(base_url=f"unix://{daemon_socket}", version=None)
    try:
        engine = facts(client).describe()
        api = client.api.api_version
    finally:
        client.close()
    path = Path(notebook).resolve()
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return Header(lesson=number, notebook=str(shown),
                  cells_sha256=cells_hash(notebook), date=day.isoformat(),
                  engine=engine, api=api, sdk=docker.__version__,
                  learner=learner)


def _reset(learner: str) -> None:
    """Remove what the notebook left (a failed run may leave objects behind)."""
    with environment(DOCKERLENS_LEARNER=learner):
        reset(connect())


def _last_line(err: Exception) -> str:
    """The error's last line, and the daemon's own message when the cell printed one."""
    lines = [l.strip() for l in str(err).strip().splitlines() if l.strip()]
    said = [l for l in lines if "Error response from daemon" in l or l.startswith("APIError")]
    last = lines[-1] if lines else type(err).__name__
    return (last if not said or said[-1] == last else f"{last} (daemon: {said[-1]})")[:600]


def daemon_socket() -> str:
    """The Unix socket path of the real daemon (recording needs one; TCP is refused)."""
    url, _ = find_endpoint()
    try:
        return socket_path(url)
    except ValueError:
        raise SystemExit(f"recording needs a daemon on a Unix socket; {url} is not one. "
                         "Unset DOCKER_HOST or point it at unix:///path/docker.sock.") from None


def record(numbers: list[str] | None = None, out: Path = RECORDINGS, log=print) -> list[RecordingResult]:
    """Record every lesson (or those numbered); print one line per notebook."""
    if os.environ.get("DOCKERLENS_MODE") == "replay":
        raise SystemExit("DOCKERLENS_MODE=replay is set: recording needs the live daemon; unset it")
    socket_path = daemon_socket()
    results = []
    for number, notebook in targets(numbers):
        result = record_notebook(number, notebook, socket_path, out)
        log(repr(result))
        results.append(result)
    total = sum(p.stat().st_size for p in Path(out).rglob("*.jsonl.gz"))
    log(f"recordings in {out}: {total / 1024:.0f} KiB in total")
    return results
