"""Find Debian's ``docker-registry`` (the reference registry server), installing it when we may.

The package's own service is never started: the course runs its registry on 127.0.0.1 with
a configuration of its own. When root installs it on a machine that has no
``/usr/sbin/policy-rc.d``, one that refuses service starts is put there for the install only.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = "docker-registry"
CANDIDATES = ("docker-registry", "registry")  # Debian's name, then the upstream binary's
POLICY = Path("/usr/sbin/policy-rc.d")


class RegistryUnavailable(RuntimeError):
    """No registry server can be found or installed here; the message says how to get one."""


def binary() -> str | None:
    """The path of a registry server binary on this machine, if any."""
    for name in CANDIDATES:
        found = shutil.which(name) or (f"/usr/bin/{name}" if os.access(f"/usr/bin/{name}", os.X_OK) else None)
        if found:
            return found
    return None


def can_install() -> bool:
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def ensure(log=None) -> str:
    """The registry binary, installing Debian's package (with progress lines) when root on apt."""
    found = binary()
    if found:
        return found
    if not can_install():
        raise RegistryUnavailable(
            "this lesson runs a real registry server on 127.0.0.1 and none is installed: "
            "install Debian's `docker-registry` (`sudo apt-get install docker-registry`), or put "
            "the upstream `registry` binary (github.com/distribution/distribution) on your PATH")
    _apt_install(log or (lambda line: print(line, file=sys.stderr, flush=True)))
    found = binary()
    if not found:
        raise RegistryUnavailable("apt-get installed docker-registry but its binary is not on PATH")
    return found


def _apt_install(log) -> None:
    log(f"installing {PACKAGE} with apt-get (about 5 MB; its own service is not started)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", PACKAGE]
    placed = _refuse_service_starts()
    try:
        if _run(cmd, env, log) != 0:
            log("apt-get update, then again")
            _run(["apt-get", "update", "-q"], env, log)
            if _run(cmd, env, log) != 0:
                raise RegistryUnavailable(f"`{' '.join(cmd)}` failed: see the lines above")
    finally:
        if placed:
            POLICY.unlink(missing_ok=True)


def _run(cmd: list[str], env: dict, log) -> int:
    """Run CMD, passing each line of its output to LOG as it comes (the progress)."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    for line in proc.stdout:
        if line.strip():
            log("  " + line.rstrip())
    return proc.wait()


def _refuse_service_starts() -> bool:
    """Write a policy-rc.d that refuses service starts, if none exists; True if we wrote it."""
    if POLICY.exists():
        return False
    POLICY.write_text("#!/bin/sh\n# dockerlens: installing docker-registry without starting its service\nexit 101\n")
    POLICY.chmod(0o755)
    return True
