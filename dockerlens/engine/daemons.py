"""How each family's daemon starts in its root: dockerd's flags, Podman's own configuration.

Why: a private engine must keep every path of its own (data, exec state, socket, storage,
networks, events) and run where this machine allows: no systemd (cgroupfs, events to a
file), no CAP_SYS_RESOURCE (ulimits at the current hard limits), a hybrid cgroup layout
(runc for Podman, crun refuses it). E is a `dockerlens.engine.private.Engine`.
"""
from __future__ import annotations

import json
import os
import resource
from pathlib import Path

PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def dockerd(e) -> list[str]:
    """dockerd with its own data root, exec root, pid file, socket, cgroup parent and daemon.json."""
    config = e.data_dir / "daemon.json"
    config.write_text(json.dumps(e.daemon_json, indent=2) + "\n")
    return ["dockerd", "--data-root", str(e.data_dir / "docker"), "--exec-root", str(e.run_dir / "exec"),
            "--pidfile", str(e.run_dir / "dockerd.pid"), "--host", e.docker_host,
            "--cgroup-parent", f"/{e.instance}", "--config-file", str(config)]


def _hard(limit: int) -> int:
    """The current hard limit: buildah raises NOFILE and NPROC to 1048576 by default, which
    fails ("setrlimit ... Operation not permitted") where CAP_SYS_RESOURCE is missing."""
    hard = resource.getrlimit(limit)[1]
    return 1048576 if hard == resource.RLIM_INFINITY else hard


def podman_runtime() -> str:
    """crun on a pure cgroup v2 host; runc elsewhere: crun refuses a hybrid v1/v2 layout
    ("cgroups in hybrid mode not supported"). DOCKERLENS_PODMAN_RUNTIME overrides."""
    pure_v2 = Path("/sys/fs/cgroup/cgroup.controllers").exists()
    return os.environ.get("DOCKERLENS_PODMAN_RUNTIME") or ("crun" if pure_v2 else "runc")


# Docker trusts plain HTTP to registries on 127.0.0.0/8 by default; Podman trusts a registry only
# where registries.conf says `insecure = true`. A location without a port matches every port
# (the course's registries take a free port per learner and lesson).
LOOPBACK_REGISTRIES = ("127.0.0.1", "localhost")


def registries_conf() -> str:
    """registries.conf of a private Podman: the course's loopback registries are plain HTTP."""
    entries = "".join(f'[[registry]]\nlocation = "{where}"\ninsecure = true\n\n'
                      for where in LOOPBACK_REGISTRIES)
    return ("# written by dockerlens.engine.daemons: plain HTTP to loopback registries, as "
            "Docker allows\n\n" + entries)


def podman_confs(e) -> dict[str, str]:
    """storage.conf, containers.conf and registries.conf of E's own, as the environment that selects them."""
    nofile, nproc = (_hard(resource.RLIMIT_NOFILE), _hard(resource.RLIMIT_NPROC))
    storage, containers = e.data_dir / "storage.conf", e.data_dir / "containers.conf"
    registries = e.data_dir / "registries.conf"
    registries.write_text(registries_conf())
    storage.write_text(f'[storage]\ndriver = "overlay"\ngraphroot = "{e.data_dir}/storage"\n'
                       f'runroot = "{e.run_dir}/storage"\n')
    containers.write_text(
        "[containers]\n"
        f'default_ulimits = ["nofile={nofile}:{nofile}", "nproc={nproc}:{nproc}"]\n'
        "[network]\n"
        f'network_config_dir = "{e.data_dir}/networks"\n'
        "[engine]\n"
        'cgroup_manager = "cgroupfs"\nevents_logger = "file"\n'
        f'events_logfile_path = "{e.data_dir}/events.log"\n'
        f'runtime = "{podman_runtime()}"\n'
        f'static_dir = "{e.data_dir}/libpod"\ntmp_dir = "{e.run_dir}/libpod"\n'
        f'volume_path = "{e.data_dir}/volumes"\n')
    return {"CONTAINERS_CONF": str(containers), "CONTAINERS_STORAGE_CONF": str(storage),
            "CONTAINERS_REGISTRIES_CONF": str(registries)}


def program(e) -> tuple[list[str], dict[str, str]]:
    """The command that runs E's daemon inside its root, and the whole environment it gets."""
    env = {"PATH": PATH, "HOME": "/root", "LANG": "C.UTF-8"}
    if e.family == "podman":
        env.update(podman_confs(e))
        return ["podman", "system", "service", "--time=0", e.docker_host], env
    return dockerd(e), env
