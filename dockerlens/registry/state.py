"""Where the course's registries live on disk, and how reset finds and ends them.

A registry is a host process, not a Docker object, so it cannot carry Docker labels: its
folder carries them instead. Each registry the course starts gets a private folder under
``ROOT`` holding its configuration, storage, log and ``registry.json`` (learner, lesson,
pid, ports). Reset reads these files, never process names: it ends only a process whose
command line names that folder's configuration.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(tempfile.gettempdir()) / "dockerlens-registries"


@dataclass
class Record:
    """What the course wrote down about one registry it started."""
    learner: str
    lesson: str
    name: str
    folder: str
    pid: int
    port: int        # the registry's own port (127.0.0.1)
    relay_port: int  # the relay in front of it: the address the daemon pushes to

    @property
    def config(self) -> str:
        return str(Path(self.folder) / "config.yml")

    def save(self) -> None:
        (Path(self.folder) / "registry.json").write_text(json.dumps(asdict(self), indent=1))


def folder_for(learner: str, lesson: str, name: str) -> Path:
    """A fresh private folder (mode 0700) for one registry of one learner's lesson."""
    ROOT.mkdir(mode=0o755, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{learner}-{lesson}-{name}-", dir=ROOT))
    os.chmod(folder, 0o700)
    return folder


def records(learner: str, lesson: str | None = None) -> list[Record]:
    """The registries this learner's course started (of one lesson if given)."""
    found = []
    for path in sorted(ROOT.glob("*/registry.json")) if ROOT.exists() else []:
        try:
            rec = Record(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            continue
        if rec.learner == learner and (lesson is None or rec.lesson == str(lesson)):
            found.append(rec)
    return found


def alive(rec: Record) -> bool:
    """True if the process REC names is still the registry that uses REC's configuration."""
    try:
        cmdline = Path(f"/proc/{rec.pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return rec.config.encode() in cmdline


def end(rec: Record, grace: float = 3.0) -> None:
    """Stop the registry process (TERM, then KILL) and delete its folder and storage."""
    if alive(rec):
        os.kill(rec.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while alive(rec) and time.monotonic() < deadline:
            _reap(rec.pid)
            time.sleep(0.05)
        if alive(rec):
            os.kill(rec.pid, signal.SIGKILL)
        _reap(rec.pid)
    shutil.rmtree(rec.folder, ignore_errors=True)


def _reap(pid: int) -> None:
    """Collect our own child's exit status so it does not linger as a zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def end_all(learner: str, lesson: str | None = None) -> list[str]:
    """Stop every registry of this learner (and lesson); return their names and addresses."""
    ended = []
    for rec in records(learner, lesson):
        end(rec)
        ended.append(f"{rec.name} (127.0.0.1:{rec.relay_port})")
    return ended
