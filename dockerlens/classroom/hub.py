"""The hub process: started in the background as root with its own log, found again by its pid file."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from .config import STATE, ClassConfig
from .hubconfig import write_config_file

LOG = STATE / "jupyterhub.log"
PIDFILE = STATE / "jupyterhub.pid"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def start(cfg: ClassConfig) -> subprocess.Popen:
    """Start ``jupyterhub`` (which starts its proxy and the board service) in a session of its own."""
    config = write_config_file()
    bin_dir = Path(cfg.python).parent
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
    env.pop("DOCKER_HOST", None)
    with open(LOG, "ab") as out:
        return subprocess.Popen([str(bin_dir / "jupyterhub"), "-f", str(config)], cwd=STATE, env=env,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)


def api_up(cfg: ClassConfig) -> bool:
    """True when the hub answers through its proxy (``/hub/api`` gives its version)."""
    try:
        with _OPENER.open(f"{cfg.url}/hub/api", timeout=2) as answer:
            return "version" in json.loads(answer.read())
    except (OSError, ValueError):
        return False


def wait(cfg: ClassConfig, proc: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not api_up(cfg):
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = LOG.read_text(errors="replace").splitlines()[-15:]
            raise RuntimeError(f"JupyterHub did not answer on {cfg.url} (log {LOG}):\n" + "\n".join(tail))
        time.sleep(0.3)


def pid() -> int | None:
    """The running hub's pid from its pid file, if that process still lives."""
    try:
        found = int(PIDFILE.read_text().strip())
        os.kill(found, 0)
        return found
    except (OSError, ValueError):
        return None


def stop(seconds: float = 60) -> None:
    """SIGTERM the hub: it stops every learner server (and so their daemons), the board and its proxy."""
    found = pid()
    if found is None:
        return
    os.kill(found, signal.SIGTERM)
    deadline = time.monotonic() + seconds
    while pid() == found and time.monotonic() < deadline and _alive(found):
        time.sleep(0.2)
    if _alive(found):
        os.killpg(found, signal.SIGKILL)


def _alive(found: int) -> bool:
    try:
        os.kill(found, 0)
        return Path(f"/proc/{found}").exists() and "Z" not in _state(found)
    except OSError:
        return False


def _state(found: int) -> str:
    try:
        return Path(f"/proc/{found}/stat").read_text().split(") ")[1][:1]
    except (OSError, IndexError):
        return ""
