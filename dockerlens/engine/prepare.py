"""What `make lab` and `make test` run first: dot, a daemon that answers, the course images
(and for `make test`, the CLI's buildx plugin: lesson 04 shows BuildKit).

It sits above both the installers (``system``) and the image builder (``images``), so neither
needs the other.
"""
from __future__ import annotations

import subprocess

from . import buildx
from .connect import connect
from .images import build_all
from .system import ensure_daemon, ensure_dot

REPLAY_NOTE = ("\nNo Docker daemon: JupyterLab starts anyway and every notebook REPLAYS a real "
               "session recorded from a live daemon (nothing runs; lab checks need a live daemon)."
               "\nFor the live course, start Docker (see above) and run `make lab` again.\n")


def prepare(replay_ok: bool = False) -> None:
    """Everything `make lab` and `make test` need before Jupyter or pytest starts.

    With ``replay_ok`` (``make lab``) a missing daemon is not fatal: the notebooks replay.
    """
    ensure_dot()
    try:
        ensure_daemon()
    except SystemExit as err:
        if not replay_ok:
            raise
        print(f"{err}\n{REPLAY_NOTE}", flush=True)
        return
    build_all(connect(), log=print)
    if not replay_ok:
        _buildx()


def _buildx() -> None:
    """The buildx plugin when we may install it; without it lesson 04 shows the classic builder."""
    try:
        buildx.ensure(log=print)
    except (OSError, RuntimeError, subprocess.CalledProcessError) as err:
        print(f"docker buildx plugin not installed ({err}); lesson 04 then shows the classic builder")
