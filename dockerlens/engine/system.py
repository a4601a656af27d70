"""Install and start what the course needs on a machine we may change (root on Debian/Ubuntu).

Anywhere else (Docker Desktop, a non-root user) nothing is installed: the course uses the
daemon that answers, or stops with DaemonUnavailable's message.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from .connect import DaemonUnavailable, find_endpoint, probe

DOCKERD_LOG = Path("/var/log/dockerlens-dockerd.log")
DOCKERD_PID = Path("/var/run/dockerlens-dockerd.pid")
DEFAULT_SOCKET = "/var/run/docker.sock"


def can_install() -> bool:
    """True when we are root on a machine with apt: the only case where we install anything."""
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def apt_install(*packages: str) -> None:
    """Install Debian packages that are missing (``apt-get update`` once if needed)."""
    missing = [p for p in packages if not _installed(p)]
    if not missing:
        return
    print(f"installing {' '.join(missing)} with apt-get", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing]
    if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL, check=True)
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)


def _installed(package: str) -> bool:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                         capture_output=True, text=True)
    return out.stdout.endswith("installed") and "not-installed" not in out.stdout


def ensure_dot() -> str:
    """The path of graphviz's ``dot``, installing Debian's graphviz when we may."""
    if not shutil.which("dot") and can_install():
        apt_install("graphviz")
    path = shutil.which("dot")
    if not path:
        raise SystemExit("graphviz's `dot` is missing: install graphviz "
                         "(`sudo apt-get install graphviz`, `brew install graphviz`, "
                         "or `conda install -c conda-forge graphviz`)")
    return path


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_MISSING = (
    "the browser tests need Chromium (DOCKERLENS_CHROMIUM, else /usr/bin/chromium) "
    "and it is missing: "
    "install it with `sudo apt-get install chromium` (then run `make test` again), "
    "or point DOCKERLENS_CHROMIUM at another Chromium/Chrome binary")


def chromium_path() -> str | None:
    """The Chromium the browser tests drive: ``DOCKERLENS_CHROMIUM`` or Debian's, if present."""
    path = os.environ.get("DOCKERLENS_CHROMIUM") or CHROMIUM
    return path if os.access(path, os.X_OK) else None


def ensure_chromium() -> str | None:
    """Chromium for the browser tests, installing Debian's ``chromium`` when we may (root+apt)."""
    if chromium_path() is None and can_install():
        apt_install("chromium")
    return chromium_path()


def start_dockerd(socket_path: str, pidfile: Path, log: Path, *extra: str) -> subprocess.Popen:
    """Start a dockerd in the background, detached from us, with its own log and pid file."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        return subprocess.Popen(
            ["dockerd", "--host", f"unix://{socket_path}", "--pidfile", str(pidfile), *extra],
            stdout=out, stderr=out, stdin=subprocess.DEVNULL, start_new_session=True)


def wait_for_ping(url: str, seconds: float = 60, proc: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if probe(url, timeout=1)[0] is None:
            return True
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.2)
    return False


def _drop_stale_pidfile(pidfile: Path) -> None:
    """A dockerd killed without cleanup leaves its pid file; dockerd refuses to start while the
    pid in it belongs to any live process (pids are reused), so remove it unless it is dockerd."""
    try:
        pid = int(pidfile.read_text().strip())
        alive = Path(f"/proc/{pid}/comm").read_text().strip()
    except (OSError, ValueError):
        alive = ""
    if pidfile.exists() and alive != "dockerd":
        pidfile.unlink()


def ensure_daemon() -> str:
    """The URL of a daemon that answers; on root+apt, install and start docker.io if needed."""
    try:
        url, source = find_endpoint()
        print(f"daemon: {url} ({source}) answers", flush=True)
        return url
    except DaemonUnavailable as err:
        if not can_install() or os.environ.get("DOCKER_HOST"):
            raise SystemExit(str(err)) from None
    apt_install("docker.io")
    _drop_stale_pidfile(DOCKERD_PID)
    print(f"starting dockerd (log {DOCKERD_LOG}, pid file {DOCKERD_PID})", flush=True)
    proc = start_dockerd(DEFAULT_SOCKET, DOCKERD_PID, DOCKERD_LOG)
    url = f"unix://{DEFAULT_SOCKET}"
    if not wait_for_ping(url, 60, proc):
        tail = DOCKERD_LOG.read_text(errors="replace").splitlines()[-15:]
        raise SystemExit("dockerd did not answer /_ping within 60 s; the end of its log:\n"
                         + "\n".join(tail))
    print(f"daemon: {url} answers (dockerd pid {proc.pid})", flush=True)
    return url
