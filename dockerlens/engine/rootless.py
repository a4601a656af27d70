"""Is this daemon rootless? One answer for the setup line, the doctor and the classroom's tests.

No imports from the rest of the course; the classroom uses it too.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

PRIVATE = "rootless, private to you"


def is_rootless(info: dict) -> bool:
    """True when the daemon's ``GET /info`` lists the security option ``name=rootless``.

    >>> is_rootless({"SecurityOptions": ["name=seccomp,profile=default", "name=rootless"]})
    True
    >>> is_rootless({"SecurityOptions": ["name=seccomp,profile=default"]})
    False
    """
    return any("name=rootless" in option.split(",")
               for option in info.get("SecurityOptions") or [])


def without_cgroups(info: dict) -> str:
    """What a daemon without cgroups cannot do ('' when it has them): rootless on a cgroup v1 host.

    >>> without_cgroups({"CgroupDriver": "none", "CgroupVersion": "1"})[:24]
    'no cgroups (rootless on '
    >>> without_cgroups({"CgroupDriver": "systemd", "CgroupVersion": "2"})
    ''
    """
    if info.get("CgroupDriver") != "none":
        return ""
    return (f"no cgroups (rootless on cgroup v{info.get('CgroupVersion', '?')}): containers cannot be "
            "paused and memory/CPU limits are ignored")


def daemon_history() -> list[tuple[str, str, str, str]]:
    """The doctor's rows (check, status, value, fix) on a classroom learner's private daemon.

    Read from the record the classroom keeps for this learner (``DOCKERLENS_CLASSROOM_DAEMON``);
    outside a classroom there is none and no row.
    """
    path = os.environ.get("DOCKERLENS_CLASSROOM_DAEMON")
    if not path:
        return []
    try:
        state = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return [("private daemon", "warn", "the classroom keeps no record of it",
                 "ask your instructor to run `python -m dockerlens classroom status`")]
    since = _clock(state.get("started"))
    if not state.get("last_death"):
        return [("private daemon", "ok", f"running since {since}, never stopped", "")]
    restarts = state.get("deaths", 1)
    return [("private daemon", "warn",
             f"it stopped at {_clock(state['last_death'])} (exit {state.get('last_exit')}); the classroom "
             f"restarted it ({restarts} restart(s)), running again since {since}",
             "your images, volumes and stopped containers are kept; start the containers you need again")]


def _clock(when) -> str:
    return time.strftime("%H:%M:%S", time.localtime(when)) if when else "?"
