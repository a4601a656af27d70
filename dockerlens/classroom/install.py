"""What a classroom needs on this machine, installed when missing (root with apt), each step said."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .daemon import ROOTLESS_SH

DEBIAN = ("docker.io", "rootlesskit", "slirp4netns", "uidmap", "busybox-static")
PYTHON = ("jupyterhub",)  # the `classroom` extra of pyproject.toml
TUN = Path("/dev/net/tun")


class NotReady(SystemExit):
    """The classroom cannot start here; the message says what is missing and how to get it."""


def require_root() -> None:
    if os.geteuid() != 0:
        raise NotReady("the classroom makes Unix accounts and starts a hub as root: "
                       "run it with sudo (e.g. `sudo .venv/bin/python -m dockerlens classroom up`)")


def ensure_all(say=print) -> None:
    """Debian packages, the hub's Python package, configurable-http-proxy, and a usable /dev/net/tun."""
    from ..engine import system
    if system.can_install():
        system.apt_install(*DEBIAN)
    if not Path(ROOTLESS_SH).exists() or not shutil.which("rootlesskit"):
        raise NotReady(f"rootless Docker is missing: `apt-get install {' '.join(DEBIAN)}`")
    _ensure_python(say)
    _ensure_proxy(say, system)
    _ensure_tun(say)


def _ensure_python(say) -> None:
    missing = [p for p in PYTHON if importlib.util.find_spec(p) is None]
    if missing:
        say(f"installing {' '.join(missing)} into {sys.prefix} with pip (the `classroom` extra)")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing], check=True)


def _ensure_proxy(say, system) -> None:
    if shutil.which("configurable-http-proxy"):
        return
    if not shutil.which("npm") and system.can_install():
        system.apt_install("npm")
    if not shutil.which("npm"):
        raise NotReady("JupyterHub's proxy needs npm: `apt-get install npm`, then "
                       "`npm install -g configurable-http-proxy`")
    say("installing configurable-http-proxy with npm (JupyterHub's proxy)")
    subprocess.run(["npm", "install", "-g", "--silent", "configurable-http-proxy"], check=True,
                   stdout=subprocess.DEVNULL)


def _ensure_tun(say) -> None:
    """slirp4netns opens /dev/net/tun as the learner: it needs the usual mode 0666."""
    if not TUN.exists():
        raise NotReady("/dev/net/tun is missing: rootless Docker's network (slirp4netns) needs it "
                       "(`modprobe tun`, or give the container --device /dev/net/tun)")
    if TUN.stat().st_mode & 0o777 != 0o666:
        say("/dev/net/tun: setting mode 0666 (Debian's default) so slirp4netns can open it as a learner")
        TUN.chmod(0o666)


LEARNER_VENV = Path("/opt/dockerlens-classroom/venv")  # an install, kept between classes like npm's proxy
SYSTEM_PYTHON = Path("/usr/bin/python3")


def open_to_all(path: Path, bits: int = 0o001) -> bool:
    """True when any user may reach PATH (every directory above it searchable) and has BITS on it."""
    real = path.resolve()
    return real.stat().st_mode & bits == bits and all(p.stat().st_mode & 0o001 for p in real.parents)


def learner_python(course: Path, say=print) -> str:
    """A Python every learner account may run, with the course and jupyterhub-singleuser installed.

    The hub's own interpreter when it is open to all; else (e.g. a pyenv under /root) a venv
    of Debian's python3 in /opt with the course checkout installed editable (its images/ and
    notebooks stay where the package expects them, and code changes reach learners at once).
    """
    if not open_to_all(course / "pyproject.toml", 0o004):
        raise NotReady(f"learner accounts cannot read the course at {course}: "
                       "put the checkout where every user may read it (e.g. /opt or /srv)")
    if open_to_all(Path(sys.executable)):
        return sys.executable
    python = LEARNER_VENV / "bin" / "python"
    stamp = LEARNER_VENV / "course.path"
    if not python.exists():
        say(f"making a Python for learners at {LEARNER_VENV} ({sys.executable} is not open to them)")
        subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", str(LEARNER_VENV)], check=True)
    if not stamp.exists() or stamp.read_text() != str(course):
        say(f"installing the course ({course}) and jupyterhub-singleuser into {LEARNER_VENV}")
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-e", str(course), *PYTHON],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stamp.write_text(str(course))
    return str(python)
