"""Private scratch directories for the course's sockets and certificates, swept when stale.

Why: a kernel that is killed (nbval shuts kernels down hard, a learner's "Restart" may too)
never runs its ``atexit`` clean-up, so its wiretap socket or TLS certificates would stay in
/tmp forever: a CI run left over a thousand. Each directory's name carries the pid of the
process that made it; making a new one first removes those of processes that are gone.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

_OWNED = re.compile(r"^dockerlens-(?P<kind>[a-z]+)-(?P<pid>\d+)-")


def private_dir(kind: str) -> str:
    """A new directory /tmp/dockerlens-KIND-PID-xxxx, mode 0700, after sweeping dead ones."""
    sweep(kind)
    directory = tempfile.mkdtemp(prefix=f"dockerlens-{kind}-{os.getpid()}-")
    os.chmod(directory, 0o700)
    return directory


def sweep(kind: str, root: str | None = None) -> list[str]:
    """Remove KIND directories whose making process no longer runs; return what was removed.

    Another user's directories are left alone (we can neither test nor remove them safely).
    """
    removed = []
    for path in Path(root or tempfile.gettempdir()).glob(f"dockerlens-{kind}-*"):
        owned = _OWNED.match(path.name)
        if not owned or owned["kind"] != kind or _alive(int(owned["pid"])):
            continue
        try:
            if path.stat().st_uid != os.geteuid():
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(str(path))
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True
