"""The docker CLI's buildx plugin, which `docker build` hands BuildKit builds to.

Why: lesson 04 shows BuildKit on the wire, and Debian 12 has no docker-buildx package. Debian
unstable does: the cached sid root (`sidroot.CLIENT_PACKAGES`) holds it, and `prepare` (root)
copies its binary where the docker CLI looks for plugins. Elsewhere nothing is installed: the
lesson says the plugin is missing and shows the classic builder instead.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from . import sidroot

PLUGIN_DIR = Path(os.environ.get("DOCKERLENS_CLI_PLUGINS", "/usr/local/lib/docker/cli-plugins"))
IN_SID_ROOT = "usr/libexec/docker/cli-plugins/docker-buildx"
MISSING = ("the docker CLI has no buildx plugin, so `docker build` uses the deprecated classic "
           "builder: install Docker's docker-buildx-plugin (or Debian's docker-buildx, from "
           "trixie on), or run `sudo make prepare` here")


def version() -> str | None:
    """`docker buildx version`'s line, or None when there is no CLI or no plugin."""
    if shutil.which("docker") is None:
        return None
    try:
        out = subprocess.run(["docker", "buildx", "version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 and out.stdout.startswith("github.com") else None


def ensure(log=print) -> str | None:
    """The plugin's version, copying it from the sid root (provisioned if needed) when root."""
    found = version()
    if found or shutil.which("docker") is None:
        return found
    if os.geteuid() != 0:
        log(MISSING)
        return None
    root = sidroot.provision()
    PLUGIN_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / IN_SID_ROOT, PLUGIN_DIR / "docker-buildx")
    found = version()
    log(f"docker buildx plugin installed in {PLUGIN_DIR} from the sid root: {found}")
    return found
