"""Run one notebook under nbval in a subprocess and report what it executed and how long."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from dockerlens.replay.record import nbval_runs

from tests.tiers import ROOT, TIMINGS

SANITIZE = Path(__file__).with_name("sanitize.cfg")


@dataclass
class NotebookRun:
    path: Path
    returncode: int
    passed: int
    expected: int
    seconds: float
    output: str


def code_cells(path: Path) -> int:
    """Code cells nbval will run (cells marked NBVAL_SKIP are not run)."""
    cells = json.loads(path.read_text())["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code" and nbval_runs(c))


def run_notebook(path: Path, env: dict[str, str] | None = None, timeout: int = 300) -> NotebookRun:
    cmd = [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
           f"--nbval-sanitize-with={SANITIZE}", "--nbval-cell-timeout=180",
           "-p", "no:cacheprovider", "-q", "-o", "addopts=", "--rootdir", str(path.parent),
           str(path)]
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=path.parent, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    seconds = time.monotonic() - started
    TIMINGS[str(path.relative_to(ROOT))] = seconds
    found = re.search(r"(\d+) passed", proc.stdout)
    return NotebookRun(path, proc.returncode, int(found.group(1)) if found else 0,
                       code_cells(path), seconds, proc.stdout[-6000:] + proc.stderr[-2000:])


def assert_ran(run: NotebookRun) -> None:
    assert run.returncode == 0, f"{run.path.name} failed under nbval:\n{run.output}"
    assert run.passed == run.expected, (
        f"{run.path.name}: nbval ran {run.passed} cells but the notebook has {run.expected} "
        f"code cells; the harness is not executing what it should.\n{run.output}")
