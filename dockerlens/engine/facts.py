"""What the engine in use is and how it behaves, read from the daemon once, never assumed.

Learners run Docker Engine 20.10 to 29 (classic or containerd image store) and Podman's
Docker-compatible API. Lessons, labs, explanations and the doctor ask this module instead
of hard-coding Engine 20.10's answers: the family, versions, image store, builders,
network and DNS names, and the event vocabulary.

>>> f = EngineFacts.from_daemon({"Version": "28.5.2", "ApiVersion": "1.51", "Components": [
...     {"Name": "Engine", "Version": "28.5.2"}]}, {"Driver": "overlayfs", "DriverStatus":
...     [["driver-type", "io.containerd.snapshotter.v1"]], "SecurityOptions": ["name=seccomp"]})
>>> f.describe(), f.image_store, f.cli_builder, f.removed_action
('Docker Engine 28.5.2 · containerd image store', 'containerd', 'buildkit', 'destroy')
>>> r = EngineFacts.from_daemon({"Version": "20.10.24"}, {"CgroupDriver": "none", "CgroupVersion": "1",
...     "MemoryLimit": False, "SecurityOptions": ["name=rootless"]})
>>> r.cgroups, r.can_pause, r.memory_limit, r.rootless
(False, False, False, True)
>>> r.no_cgroups_reason()[:52]
'this daemon has no cgroups: it runs rootless on a cg'
>>> p = EngineFacts.from_daemon({"Version": "5.8.6", "ApiVersion": "1.44", "Components": [
...     {"Name": "Podman Engine", "Version": "5.8.6"}]}, {"Driver": "overlay"})
>>> p.describe(), p.default_network, p.removed_action, p.lifecycle_actions[-2:]
('Podman 5.8.6', 'podman', 'remove', ('cleanup', 'remove'))
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

from .rootless import is_rootless

DOCKER_LIFECYCLE = ("create", "start", "die", "destroy")
PODMAN_LIFECYCLE = ("create", "init", "start", "die", "cleanup", "remove")
DOCKER_DNS = "127.0.0.11"  # Docker's embedded DNS server on user-defined networks


@dataclass(frozen=True)
class EngineFacts:
    """The engine behind a client: who it is and which of its behaviours lessons depend on."""
    family: str            # "docker" | "podman"
    version: str
    api_version: str
    image_store: str       # "classic" | "containerd" | "containers-storage"
    storage_driver: str
    rootless: bool = False
    cgroup_driver: str = "cgroupfs"  # "cgroupfs" | "systemd" | "none" (rootless on a cgroup v1 host)
    cgroup_version: str = "1"        # "1" | "2"
    memory_limit: bool = True        # the kernel enforces mem_limit (else the daemon drops it, with a warning)
    warnings: tuple[str, ...] = ()   # the daemon's own warnings from GET /info

    @classmethod
    def from_daemon(cls, version: dict, info: dict) -> "EngineFacts":
        """Facts from the daemon's ``GET /version`` and ``GET /info`` answers."""
        names = {c.get("Name", "") for c in version.get("Components") or []}
        podman = any(n.startswith("Podman") for n in names)
        driver_status = dict((row[0], row[1]) for row in info.get("DriverStatus") or [] if len(row) == 2)
        if podman:
            store = "containers-storage"
        elif "snapshotter" in driver_status.get("driver-type", ""):
            store = "containerd"
        else:
            store = "classic"
        rootless = is_rootless(info)
        return cls("podman" if podman else "docker", version.get("Version", "?"),
                   version.get("ApiVersion", "?"), store, info.get("Driver", "?"), rootless,
                   info.get("CgroupDriver") or "cgroupfs", str(info.get("CgroupVersion") or "1").lstrip("v"),
                   info.get("MemoryLimit", True) is not False, tuple(info.get("Warnings") or ()))

    @property
    def cgroups(self) -> bool:
        """False when the daemon runs containers without cgroups (rootless Docker on a cgroup v1 host)."""
        return self.cgroup_driver != "none"

    @property
    def can_pause(self) -> bool:
        """``pause()`` needs the cgroup freezer: a daemon without cgroups refuses it."""
        return self.cgroups

    def no_cgroups_reason(self) -> str:
        """One sentence for a learner on why limits and pause do not work here ('' when they do)."""
        if self.cgroups and self.memory_limit:
            return ""
        why = (f"it runs rootless on a cgroup v{self.cgroup_version} host, and only cgroup v2 lets an "
               "unprivileged daemon manage cgroups" if self.rootless and not self.cgroups
               else "the kernel or the daemon reports no memory-limit support")
        return (f"this daemon has no cgroups: {why}; so it cannot freeze (pause) a container, list its "
                "processes (top) nor enforce memory or CPU limits" if not self.cgroups
                else f"this daemon cannot enforce a memory limit: {why}")

    @property
    def name(self) -> str:
        return "Podman" if self.family == "podman" else "Docker Engine"

    @property
    def major(self) -> int:
        found = re.match(r"(\d+)", self.version)
        return int(found.group(1)) if found else 0

    @property
    def sdk_builder(self) -> str:
        """The builder behind ``client.images.build()`` (the SDK's ``POST /build`` without BuildKit)."""
        return "buildah" if self.family == "podman" else "classic"

    @property
    def cli_builder(self) -> str:
        """The builder behind ``docker build``: BuildKit by default since Engine 23."""
        if self.family == "podman":
            return "buildah"
        return "buildkit" if self.major >= 23 else "classic"

    @property
    def default_network(self) -> str:
        return "podman" if self.family == "podman" else "bridge"

    @property
    def removed_action(self) -> str:
        """The event ``Action`` when a container is removed."""
        return "remove" if self.family == "podman" else "destroy"

    @property
    def lifecycle_actions(self) -> tuple[str, ...]:
        """The container events of create → start → exit → remove, in order."""
        return PODMAN_LIFECYCLE if self.family == "podman" else DOCKER_LIFECYCLE

    def user_network_dns(self, network_attrs: dict | None = None) -> str:
        """The DNS server containers on a user-defined network ask: Docker's embedded one, or
        on Podman the network's gateway (aardvark-dns)."""
        if self.family != "podman":
            return DOCKER_DNS
        for config in ((network_attrs or {}).get("IPAM") or {}).get("Config") or []:
            if config.get("Gateway"):
                return config["Gateway"]
        return "the network's gateway"

    def describe(self) -> str:
        """One line for the setup line and the doctor."""
        text = f"{self.name} {self.version}"
        if self.family == "docker":
            text += f" · {self.image_store} image store"
        return text


_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def facts(client) -> EngineFacts:
    """The facts of CLIENT's daemon, read once per client (two requests, then cached)."""
    found = _CACHE.get(client)
    if found is None:
        found = EngineFacts.from_daemon(client.version(), client.info())
        _CACHE[client] = found
    return found


_DEFAULT_REGISTRY = re.compile(r"^(docker\.io|index\.docker\.io|registry-1\.docker\.io)/")


def normalise_ref(ref: str) -> str:
    """An image reference as Docker prints it: Podman's ``docker.io/library/x:1`` is ``x:1``.

    >>> normalise_ref("docker.io/library/busybox:1"), normalise_ref("localhost/dockerlens/base:1")
    ('busybox:1', 'dockerlens/base:1')
    >>> normalise_ref("dockerlens/base"), normalise_ref("127.0.0.1:5000/x:2")
    ('dockerlens/base:latest', '127.0.0.1:5000/x:2')
    """
    ref = _DEFAULT_REGISTRY.sub("", ref)
    ref = ref[len("localhost/"):] if ref.startswith("localhost/") else ref  # Podman's local images
    ref = ref[len("library/"):] if ref.startswith("library/") else ref
    last = ref.rsplit("/", 1)[-1]
    if "@" not in ref and ":" not in last:
        ref += ":latest"
    return ref


def same_ref(a: str, b: str) -> bool:
    """True when two references name the same image on any engine.

    >>> same_ref("docker.io/library/busybox:latest", "busybox")
    True
    """
    return normalise_ref(a) == normalise_ref(b)
