"""Network and mount namespaces for a private engine: enter, pivot into a root, find, clear.

Why: a current engine from a sid root must run beside the host's daemon without sharing its
bridges, iptables rules, /run or root filesystem. `chroot` is not enough (builds fail with
`remount /`, and `runc exec` lands in the host's root), so the sid root becomes the root
mount (pivot_root). `ip netns exec` remounts /sys without the cgroup mounts: enter with
`nsenter --net` instead.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import time
from pathlib import Path

NETNS_DIR = Path("/run/netns")


def netns_path(ns: str) -> Path:
    return NETNS_DIR / ns


def ensure_netns(ns: str) -> None:
    """Create network namespace NS (once) with `lo` up, so 127.0.0.1 works inside it."""
    if not netns_path(ns).exists():
        subprocess.run(["ip", "netns", "add", ns], check=True)
    subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)


def delete_netns(ns: str) -> None:
    if netns_path(ns).exists():
        subprocess.run(["ip", "netns", "delete", ns], check=False)


def enter_net(ns: str) -> list[str]:
    """The command prefix that runs a program in network namespace NS (and nothing else)."""
    return ["nsenter", f"--net={netns_path(ns)}", "--"]


def pivot_script(root: Path, binds: list[Path], program: list[str], env: dict[str, str]) -> str:
    """Shell run under `unshare --mount`: make ROOT the root mount, bind BINDS, exec PROGRAM.

    /run is a fresh tmpfs (the engine's shims, netns files and locks stay its own), then each
    of BINDS (host paths) appears at the same path inside; /tmp is always one of them.
    """
    r = shlex.quote(str(root))
    lines = ["set -e", f"mount --bind {r} {r}", f"mount -t proc proc {r}/proc",
             f"mount -t sysfs sysfs {r}/sys", f"mount --rbind /sys/fs/cgroup {r}/sys/fs/cgroup",
             f"mount --rbind /dev {r}/dev", f"mount -t tmpfs -o mode=755 tmpfs {r}/run"]
    for path in binds:
        inside = shlex.quote(f"{root}{path}")
        lines += [f"mkdir -p {inside}", f"mount --bind {shlex.quote(str(path))} {inside}"]
    lines += [f"mkdir -p {r}/.oldroot", f"cd {r}", "pivot_root . .oldroot", "cd /",
              "umount -l /.oldroot",
              "exec env -i " + " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
              + " " + " ".join(shlex.quote(a) for a in program)]
    return "\n".join(lines)


def launch(ns: str, script: str, log: Path) -> subprocess.Popen:
    """Start SCRIPT in netns NS and a new private mount namespace, detached, output to LOG."""
    cmd = [*enter_net(ns), "unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script]
    with open(log, "ab") as out:
        return subprocess.Popen(cmd, stdout=out, stderr=out, stdin=subprocess.DEVNULL,
                                start_new_session=True)


def ns_inode(pid: int, kind: str) -> int | None:
    """The inode of PID's namespace of KIND ('net', 'mnt'), or None when PID is gone."""
    try:
        return os.stat(f"/proc/{pid}/ns/{kind}").st_ino
    except OSError:
        return None


def pids_in(net: int | None = None, mnt: int | None = None) -> list[int]:
    """Every process whose network namespace is NET or whose mount namespace is MNT."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        pid = int(entry.name)
        if (net and ns_inode(pid, "net") == net) or (mnt and ns_inode(pid, "mnt") == mnt):
            found.append(pid)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def terminate(pids: list[int], grace: float) -> list[int]:
    """SIGTERM PIDS, wait up to GRACE seconds, SIGKILL what is left; return the killed ones."""
    for pid in pids:
        _signal(pid, 15)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.2)
    stubborn = [p for p in pids if alive(p)]
    for pid in stubborn:
        _signal(pid, 9)
    return stubborn


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def remove_cgroups(relative: list[str]) -> list[str]:
    """Remove the empty cgroup directories at each RELATIVE path under every hierarchy."""
    removed, base = [], Path("/sys/fs/cgroup")
    for rel in relative:
        for top in [base / rel, *base.glob(f"*/{rel}")]:
            if not top.is_dir():
                continue
            for sub in sorted((p for p in top.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
                _rmdir(sub)
            if _rmdir(top):
                removed.append(str(top))
    return removed


def _rmdir(path: Path) -> bool:
    try:
        path.rmdir()
        return True
    except OSError:
        return False
