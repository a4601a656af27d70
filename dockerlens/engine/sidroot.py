"""A cached Debian unstable (sid) root holding current engines: Docker Engine 28 and Podman 5.

Why: learners run current engines, Debian 12 ships Engine 20.10. Debian's archive is the one
source this machine may use, so the engines come from sid's packages, unpacked once into a
root that private engines (`dockerlens.engine.private`) pivot into. A second run reuses it.

``python -m dockerlens.engine.sidroot [--rebuild]`` prints the root's path and versions.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("DOCKERLENS_SID_ROOT", "/var/cache/dockerlens/sid"))
MIRROR = os.environ.get("DOCKERLENS_DEBIAN_MIRROR", "http://deb.debian.org/debian")
PACKAGES = ("docker.io", "containerd", "runc", "iptables", "nftables", "iproute2",
            "podman", "netavark", "aardvark-dns", "conmon", "crun", "catatonit",
            "ca-certificates", "procps")
# Client plugins for the host's docker CLI (engine/buildx.py copies them out). A list of their own,
# with a stamp of its own, so adding one installs it into a cached root in place: rebuilding would
# delete the files under engines that run from the root right now.
CLIENT_PACKAGES = ("docker-buildx",)
STAMP = ".dockerlens-ready"
CLIENT_STAMP = ".dockerlens-clients"
APT_CONF = 'Acquire::Check-Valid-Until "false";\nAPT::Install-Recommends "false";\n'
POLICY_RC = "#!/bin/sh\n# dockerlens: package scripts start no service in this root\nexit 101\n"
NEEDS = {"debootstrap": "debootstrap", "chroot": "coreutils", "mount": "mount"}


def say(line: str) -> None:
    """One progress line on stderr, so a Makefile run shows where provisioning is."""
    print(f"[sid-root] {line}", file=sys.stderr, flush=True)


def wanted(packages: tuple[str, ...] = PACKAGES) -> str:
    """A stamp's content: the package list and mirror, so changing either provisions again."""
    return hashlib.sha256(f"{MIRROR} {' '.join(packages)}".encode()).hexdigest()[:16] + "\n"


def _stamped(root: Path, stamp: str, packages: tuple[str, ...]) -> bool:
    path = root / stamp
    return path.is_file() and path.read_text() == wanted(packages)


def ready(root: Path = ROOT) -> bool:
    """True when ROOT was fully provisioned with today's engine and client package lists."""
    return _stamped(root, STAMP, PACKAGES) and _stamped(root, CLIENT_STAMP, CLIENT_PACKAGES)


def _streamed(cmd: list[str], log: Path, every: float = 5.0) -> None:
    """Run CMD with its output in LOG, echoing its latest line at most every EVERY seconds."""
    last, shown = "", 0.0
    with log.open("a") as out, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                                text=True, bufsize=1) as proc:
        for line in proc.stdout:
            out.write(line)
            last = line.strip() or last
            if time.monotonic() - shown >= every:
                say(f"  … {last[:110]}")
                shown = time.monotonic()
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd[:3])} … failed ({proc.returncode}); see {log} (last: {last})")


def _missing_tools() -> list[str]:
    return [pkg for tool, pkg in NEEDS.items() if shutil.which(tool) is None]


def _debootstrap(tmp: Path, log: Path) -> None:
    missing = _missing_tools()
    if missing and os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"installing {' '.join(missing)} on the host")
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True, stdout=subprocess.DEVNULL)
    elif missing:
        raise RuntimeError(f"provisioning needs {' '.join(missing)}: sudo apt-get install {' '.join(missing)}")
    say(f"debootstrap --variant=minbase sid {tmp} (a few minutes; log {log})")
    _streamed(["debootstrap", "--variant=minbase", "sid", str(tmp), MIRROR], log)


def _configure(tmp: Path) -> None:
    """apt that accepts sid's Release file though our clock is ahead, and no service starts."""
    (tmp / "etc/apt/apt.conf.d/99dockerlens").write_text(APT_CONF)
    policy = tmp / "usr/sbin/policy-rc.d"
    policy.write_text(POLICY_RC)
    policy.chmod(0o755)
    shutil.copyfile("/etc/resolv.conf", tmp / "etc/resolv.conf")


def _apt_in(tmp: Path, log: Path, packages: tuple[str, ...]) -> None:
    """apt-get update and install PACKAGES inside the root, with /proc mounted meanwhile."""
    proc = tmp / "proc"
    subprocess.run(["mount", "-t", "proc", "proc", str(proc)], check=True)
    try:
        env = {"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}
        say("apt-get update inside the root")
        _streamed(["chroot", str(tmp), "apt-get", "update", "-q"], log)
        say(f"apt-get install {' '.join(packages)}")
        _streamed(["env", "-i", *[f"{k}={v}" for k, v in env.items()],
                   "chroot", str(tmp), "apt-get", "install", "-y", "-q", *packages], log)
        subprocess.run(["chroot", str(tmp), "apt-get", "clean"], check=True)
    finally:
        subprocess.run(["umount", "-l", str(proc)], check=False)


def _add_clients(root: Path) -> None:
    """Install CLIENT_PACKAGES into a cached root in place (they only add files)."""
    log = root.with_name(root.name + ".log")
    say(f"adding {' '.join(CLIENT_PACKAGES)} to the cached {root}")
    _apt_in(root, log, CLIENT_PACKAGES)
    (root / CLIENT_STAMP).write_text(wanted(CLIENT_PACKAGES))


def provision(root: Path = ROOT, rebuild: bool = False) -> Path:
    """Build ROOT once (debootstrap + apt inside), or reuse it when already provisioned."""
    if _stamped(root, STAMP, PACKAGES) and not rebuild:
        if not _stamped(root, CLIENT_STAMP, CLIENT_PACKAGES):
            _add_clients(root)
        say(f"reusing {root} (cached; --rebuild to start over)")
        return root
    started = time.monotonic()
    tmp = root.with_name(root.name + ".building")
    log = root.with_name(root.name + ".log")
    root.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(tmp, ignore_errors=True)
    log.write_text("")
    _debootstrap(tmp, log)
    _configure(tmp)
    _apt_in(tmp, log, PACKAGES + CLIENT_PACKAGES)
    (tmp / STAMP).write_text(wanted(PACKAGES))
    (tmp / CLIENT_STAMP).write_text(wanted(CLIENT_PACKAGES))
    shutil.rmtree(root, ignore_errors=True)
    tmp.rename(root)
    say(f"ready: {root} in {time.monotonic() - started:.0f} s")
    return root


def versions(root: Path = ROOT) -> dict[str, str]:
    """Package versions inside ROOT, read from its dpkg status (no chroot needed)."""
    found, name = {}, None
    for line in (root / "var/lib/dpkg/status").read_text().splitlines():
        if line.startswith("Package: "):
            name = line.split(": ", 1)[1]
        elif line.startswith("Version: ") and name in PACKAGES + CLIENT_PACKAGES:
            found[name] = line.split(": ", 1)[1]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dockerlens.engine.sidroot", description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="provision from scratch even if cached")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("provisioning the sid root needs root (debootstrap, chroot, mount): run it with sudo", file=sys.stderr)
        return 1
    try:
        root = provision(rebuild=args.rebuild)
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"sid root not provisioned: {exc}", file=sys.stderr)
        return 1
    print(root)
    for name, version in sorted(versions(root).items()):
        print(f"  {name} {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
