"""Real local Unix accounts for a class, each with its own subordinate ID range for rootless Docker.

JupyterHub's default PAMAuthenticator then logs them in with their password, and its
LocalProcessSpawner runs each JupyterLab as that user: the kernel holds no root and no
docker group, so the only daemon a learner can reach is the rootless one we start for them.
"""
from __future__ import annotations

import os
import pwd
import secrets
import signal
import subprocess
import time
from pathlib import Path

COMMENT = "dockerlens classroom"  # GECOS of every account we make: `down` finds strays by it
SUBID_COUNT = 65536
SUBID_FLOOR = 1_000_000           # above what useradd hands out by default (100000 + n*65536)
SUBID_FILES = (Path("/etc/subuid"), Path("/etc/subgid"))
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/O, 1/l/i on a login card


def new_password() -> str:
    """A class password: 12 characters that read unambiguously off a printed card."""
    return "".join(secrets.choice(ALPHABET) for _ in range(12))


def free_subid_start(taken: list[tuple[int, int]]) -> int:
    """The first 65536-aligned start above SUBID_FLOOR that overlaps no (start, count) range.

    >>> free_subid_start([(100000, 65536), (1000000, 65536)])
    1114112
    """
    end = max([SUBID_FLOOR] + [s + n for s, n in taken])
    return -(-end // SUBID_COUNT) * SUBID_COUNT


def subid_ranges() -> list[tuple[int, int]]:
    """Every (start, count) in /etc/subuid and /etc/subgid."""
    found = []
    for path in SUBID_FILES:
        for line in path.read_text().splitlines() if path.exists() else []:
            parts = line.split(":")
            if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
                found.append((int(parts[1]), int(parts[2])))
    return found


def create(name: str, password: str) -> dict:
    """Make the account NAME (home, password, a subordinate ID range of its own); return its facts."""
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "--comment", COMMENT,
                    "-K", "HOME_MODE=0700",  # Debian's default 0755 would show a learner's work to all
                    "-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0", name], check=True)
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
    start = free_subid_start(subid_ranges())
    span = f"{start}-{start + SUBID_COUNT - 1}"
    subprocess.run(["usermod", "--add-subuids", span, "--add-subgids", span, name], check=True)
    return {"uid": pwd.getpwnam(name).pw_uid, "subids": span}


def ours() -> list[str]:
    """Names of every account a classroom made (by their comment), even after a lost class.json."""
    return [p.pw_name for p in pwd.getpwall() if p.pw_gecos == COMMENT]


def pids_of(*uids: int | range) -> list[int]:
    """Processes running as any of UIDS (read from /proc, so no process is matched by name)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                uid = entry.stat().st_uid
            except OSError:
                continue
            if any(uid == u if isinstance(u, int) else uid in u for u in uids):
                found.append(int(entry.name))
    return found


def subids_of(name: str) -> range:
    """NAME's subordinate UID range from /etc/subuid (empty when it has none)."""
    path = SUBID_FILES[0]
    for line in path.read_text().splitlines() if path.exists() else []:
        who, start, count = (line.split(":") + ["", ""])[:3]
        if who == name and start.isdigit() and count.isdigit():
            return range(int(start), int(start) + int(count))
    return range(0)


def stop_processes(*uids: int | range, grace: float = 5.0) -> None:
    """SIGTERM every process of UIDS, then SIGKILL what is left after GRACE seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids_of(*uids):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while pids_of(*uids) and time.monotonic() < deadline:
            time.sleep(0.1)


def remove(name: str) -> None:
    """Stop NAME's processes and delete the account with its home, mail and subordinate IDs."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    stop_processes(uid, subids_of(name))
    subprocess.run(["userdel", "--remove", name], stderr=subprocess.DEVNULL)
    for path in SUBID_FILES:  # userdel drops these too; a stray line would block the next class
        lines = path.read_text().splitlines() if path.exists() else []
        kept = [line for line in lines if not line.startswith(f"{name}:")]
        if kept != lines:
            path.write_text("".join(f"{line}\n" for line in kept))
