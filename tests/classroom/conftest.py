"""One real class for the whole tier: `classroom up` with two learners, their servers started.

Root only (accounts, a hub as root). Accounts are named after the test learner
(``DOCKERLENS_LEARNER``), the hub listens on ``DOCKERLENS_CLASSROOM_PORT`` (default 18000).
Whatever happens, the session ends with ``classroom down``.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import LEARNER

PREFIX = re.sub(r"[^a-z0-9]", "", LEARNER.lower())[:12] or "dltest"
PORT = int(os.environ.get("DOCKERLENS_CLASSROOM_PORT", "18000"))
ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/classroom/" in str(item.fspath):
            item.add_marker(pytest.mark.classroom)
            if os.geteuid() != 0:
                item.add_marker(pytest.mark.skip(reason="the classroom makes Unix accounts: run as root"))


def classroom_cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """``python -m dockerlens classroom ARGS`` as a user would type it; fails with its output."""
    done = subprocess.run([sys.executable, "-m", "dockerlens", "classroom", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"classroom {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="session")
def classroom():
    """The class: config, the output `up` printed, both learners' servers running."""
    from dockerlens.classroom import hubapi
    from dockerlens.classroom.config import ClassConfig
    try:
        up = classroom_cli("up", "--learners", "2", "--prefix", PREFIX, "--port", str(PORT))
        cfg = ClassConfig.load()
        for name in cfg.learner_names:
            hubapi.start_server(cfg, name)
        yield {"cfg": cfg, "up": up.stdout}
    finally:
        subprocess.run([sys.executable, "-m", "dockerlens", "classroom", "down"], cwd=ROOT,
                       capture_output=True, timeout=300)


@pytest.fixture(scope="session")
def cfg(classroom):
    return classroom["cfg"]


def as_learner(cfg, user: str, code: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    """Run Python CODE as USER with their server's environment (what their notebook's kernel sees)."""
    from dockerlens.classroom.hubapi import server_env
    full = {**server_env(cfg, user), **env}
    return subprocess.run(["/usr/sbin/runuser", "-u", user, "--", cfg.learner_python, "-c", code],
                          env=full, cwd="/tmp", capture_output=True, text=True, timeout=timeout)
