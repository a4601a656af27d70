"""The whole course live and in replay mode: what a Binder learner waits for, next to a
learner with a daemon; plus the recordings' total size (what Binder clones).

Each notebook runs in a fresh kernel (nbclient, the cells nbval runs): live as learner
``bench-replay`` (reset after each notebook), then replayed with no daemon reachable.
"""
from __future__ import annotations

import time
from pathlib import Path

from . import Figure
from ..engine.environ import environment
from ..replay.record import execute
from ..show.course import LESSONS
from ..replay.record import _last_line, _reset
from ..replay.record import RECORDINGS

LEARNER = "bench-replay"
NO_DAEMON = {"DOCKER_HOST": "unix:///nonexistent/docker.sock", "DOCKERLENS_MODE": "replay"}


def _timed(notebook: Path, env: dict[str, str]) -> float:
    started = time.monotonic()
    with environment(**env):
        execute(notebook)
    return time.monotonic() - started


def _course(env: dict[str, str], live: bool) -> tuple[float, int, list[str]]:
    """Seconds for every lesson back to back, how many ran, and which failed."""
    total, ran, failed = 0.0, 0, []
    for lesson in LESSONS:
        try:
            total += _timed(lesson.notebook, env)
            ran += 1
        except Exception as err:  # one broken notebook must not hide the others
            failed.append(f"{lesson.number} ({_last_line(err)[:70]})")
        finally:
            if live:
                _reset(LEARNER)
    return total, ran, failed


def run() -> list[Figure]:
    live, n_live, bad_live = _course({"DOCKERLENS_LEARNER": LEARNER, "DOCKERLENS_MODE": "live"},
                                     live=True)
    replay, n_replay, bad_replay = _course({**NO_DAEMON, "DOCKERLENS_REPLAY_SPEED": "1"},
                                           live=False)
    fast, n_fast, bad_fast = _course({**NO_DAEMON, "DOCKERLENS_REPLAY_SPEED": "4"}, live=False)
    size = sum(p.stat().st_size for p in RECORDINGS.rglob("*.jsonl.gz")) / 1024
    count = len(list(RECORDINGS.rglob("*.jsonl.gz")))
    note = lambda n, bad: f"{n} notebooks, kernel starts included" + (
        f"; FAILED: {', '.join(bad)}" if bad else "")
    return [
        Figure("whole course, live daemon", live, "s", "", note(n_live, bad_live)),
        Figure("whole course, replay (no daemon)", replay, "s", "",
               note(n_replay, bad_replay) + "; recorded timing"),
        Figure("whole course, replay at 4x speed", fast, "s", "",
               note(n_fast, bad_fast) + "; DOCKERLENS_REPLAY_SPEED=4"),
        Figure("replay / live", replay / live if live else float("nan"), "x", "", "at 1x"),
        Figure("recordings, total size", size, "KiB", "", f"{count} files, gzip JSON lines"),
    ]
