"""What a learner waits for: each notebook and the whole course (live), `make lab`'s
preparation on a second run, and the size of each course image.

Notebooks run with nbclient in a fresh kernel of this Python (as nbval does), as learner
``bench-course``, whose course objects are reset after each notebook.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from . import Figure
from ..engine.connect import connect
from ..engine.scope import acting_as, reset
from ..show.course import LESSONS
from ..engine import images

ROOT = Path(__file__).resolve().parents[2]
LEARNER = "bench-course"
PREPARE_RUNS = int(os.environ.get("DOCKERLENS_BENCH_PREPARE_RUNS", "3"))
# One pass of the whole course takes over a minute on 2 cores: 3 passes give real medians;
# DOCKERLENS_BENCH_COURSE_RUNS=1 for a quick look.
COURSE_RUNS = int(os.environ.get("DOCKERLENS_BENCH_COURSE_RUNS", "3"))


@contextmanager
def _as_learner(name: str):
    """Run kernels (they inherit the environment) as learner NAME, then clean up after it."""
    with acting_as(name):
        try:
            yield
        finally:
            reset(connect())


def time_notebook(path: Path, timeout: int = 180) -> float:
    """Seconds to execute PATH top to bottom in a new kernel (kernel start included)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    started = time.monotonic()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.monotonic() - started


def notebook_figures(runs: int = COURSE_RUNS) -> list[Figure]:
    """One figure per lesson notebook, then the whole course run back to back (RUNS times)."""

    times: dict[str, list[float]] = {l.notebook.stem: [] for l in LESSONS}
    failed: dict[str, str] = {}
    with _as_learner(LEARNER):
        for _ in range(runs):
            for lesson in LESSONS:
                stem = lesson.notebook.stem
                if stem in failed:
                    continue
                try:
                    times[stem].append(time_notebook(lesson.notebook))
                except Exception as err:  # one broken notebook must not hide the others
                    last = str(err).strip().splitlines()[-1:] or [type(err).__name__]
                    failed[stem] = last[0][:80]
    figures = [Figure(f"notebook {stem} (live)", statistics.median(ts) if ts else float("nan"),
                      "s", "< 60 s", f"FAILED: {failed[stem]}" if stem in failed
                      else f"nbclient, kernel start included, median of {runs}")
               for stem, ts in times.items()]
    ok = [ts for stem, ts in times.items() if stem not in failed]
    totals = [sum(ts[i] for ts in ok) for i in range(runs)] if ok else [float("nan")]
    note = f"{len(ok)} notebooks back to back, median of {runs}"
    if failed:
        note += f"; failed, not counted: {', '.join(failed)}"
    return [*figures, Figure("whole course (live)", statistics.median(totals), "s", "", note)]


def prepare_figure(runs: int = PREPARE_RUNS) -> Figure:
    """`make lab`'s preparation when everything is already prepared (median of RUNS)."""
    make = shutil.which("make")
    if make:
        cmd, what = [make, "-s", "-C", str(ROOT), "prepare"], "make prepare"
    else:
        cmd, what = [sys.executable, "-m", "dockerlens", "prepare"], "python -m dockerlens prepare"
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    times = []
    for _ in range(runs):
        started = time.monotonic()
        subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.monotonic() - started)
    return Figure("prepare, second run", statistics.median(times), "s", "≤ 10 s",
                  f"`{what}`, median of {runs}")


def image_figures() -> list[Figure]:
    """The size of each course image, as the daemon reports it."""

    client = connect()
    return [Figure(f"image {images.tag(name)}", client.images.get(images.tag(name)).attrs["Size"]
                   / 1e6, "MB", "", "FROM scratch + static busybox") for name in images.ORDER]


def run() -> list[Figure]:
    """Preparation first (it builds the images the notebooks need), then images, notebooks."""
    return [prepare_figure(), *image_figures(), *notebook_figures()]
