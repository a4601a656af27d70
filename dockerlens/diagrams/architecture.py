"""The Docker Engine's architecture, with the path of the most recent request lit up.

A request goes client → transport → REST API → dockerd and then, depending on its
operation, on to the objects it touches. ``ROUTES`` says which: one small table.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import graphviz

from . import theme
from .base import Diagram

CLIENTS = {"sdk": "Docker SDK\n(Python)", "cli": "docker CLI", "http": "raw HTTP"}
TRANSPORTS = {"unix": "UNIX socket", "tcp": "TCP 127.0.0.1\n(mutual TLS)"}
OBJECTS = {"containers": "containers", "images": "images", "networks": "networks",
           "volumes": "volumes"}
RUNTIME = ("containerd", "runc", "containers")

# Operation name (exact, else prefix) → what the request reaches after the REST API.
ROUTES: dict[str, tuple[str, ...]] = {
    "SystemPing": (),
    "SystemPingHead": (),
    "SystemVersion": ("dockerd",),
    "SystemInfo": ("dockerd",),
    "SystemEvents": ("dockerd",),
    "SystemDataUsage": ("dockerd", "images", "containers", "volumes"),
    "ContainerStart": ("dockerd", *RUNTIME),
    "ContainerStop": ("dockerd", *RUNTIME),
    "ContainerKill": ("dockerd", *RUNTIME),
    "ContainerRestart": ("dockerd", *RUNTIME),
    "ContainerPause": ("dockerd", *RUNTIME),
    "ContainerUnpause": ("dockerd", *RUNTIME),
    "ContainerUpdate": ("dockerd", *RUNTIME),
    "ContainerTop": ("dockerd", *RUNTIME),
    "ContainerStats": ("dockerd", *RUNTIME),
    "ContainerAttach": ("dockerd", *RUNTIME),
    "ExecStart": ("dockerd", *RUNTIME),
    "ImageCreate": ("dockerd", "registry"),  # the daemon, not the image store, talks to registries
    "ImagePush": ("dockerd", "registry"),
    "ImageSearch": ("dockerd", "registry"),
    "SystemAuth": ("dockerd", "registry"),
    "Container": ("dockerd", "containers"),
    "Exec": ("dockerd", "containers"),
    "Image": ("dockerd", "images"),
    "Build": ("dockerd", "images"),
    "Network": ("dockerd", "networks"),
    "Volume": ("dockerd", "volumes"),
    "System": ("dockerd",),
}


def route(operation: str | None) -> tuple[str, ...]:
    """The nodes after the REST API that an operation reaches (exact name, else longest prefix)."""
    if not operation:
        return ()
    if operation in ROUTES:
        return ROUTES[operation]
    prefixes = [p for p in ROUTES if operation.startswith(p)]
    return ROUTES[max(prefixes, key=len)] if prefixes else ("dockerd",)


def lit_path(operation: str | None, client: str = "sdk", transport: str = "unix") -> list[str]:
    """The whole lit path of node IDs, from the client to the last object reached."""
    if not operation:
        return []
    return [f"client_{client}", f"transport_{transport}", "api", *route(operation)]


@dataclass
class Architecture(Diagram):
    """Client → transport → REST API → dockerd → containerd → runc → containers, live.

    >>> Architecture("ContainerCreate").path
    ['client_sdk', 'transport_unix', 'api', 'dockerd', 'containers']
    """
    operation: str | None = None
    client: str = "sdk"
    transport: str = "unix"
    counts: dict[str, int] = field(default_factory=dict)
    registry_online: bool = False
    registry_request: str = ""  # the daemon's latest /v2/ request seen by the course's relay
    status: str = ""

    marker = "dockerlens-architecture"

    @property
    def path(self) -> list[str]:
        return lit_path(self.operation, self.client, self.transport)

    @property
    def registry_lit(self) -> bool:
        """The relay saw the daemon talk to the registry: dockerd → registry is lit."""
        return bool(self.registry_request) or self.path[-2:] == ["dockerd", "registry"]

    @property
    def caption(self) -> str:
        if not self.operation:
            last = "last request: none yet"
        else:
            last = f"last request: {self.operation} ({self.client})"
        return f"{last} · {self.status}" if self.status else last

    def __repr__(self) -> str:
        return f"<Architecture {self.caption}; lit: {' → '.join(self.path) or 'nothing'}>"

    def build(self) -> graphviz.Digraph:
        on = set(self.path) | ({"dockerd", "registry"} if self.registry_request else set())
        dot = theme.digraph(self.marker, label=self.caption, labelloc="b", labeljust="l",
                            fontcolor=theme.HIGHLIGHT if self.operation else theme.INK)
        self._clients(dot, on)
        self._engine(dot, on)
        self._edges(dot, on)
        return dot

    def _node(self, dot, node: str, label: str, kind: str, on: set[str], **extra) -> None:
        dot.node(node, label, fillcolor=theme.KIND[kind], **{**extra, **theme.lit(node in on)})

    def _clients(self, dot, on: set[str]) -> None:
        with dot.subgraph(name="cluster_clients") as sub:
            sub.attr(label="clients", style="dashed", color=theme.MUTED, fontcolor=theme.INK)
            for key, label in CLIENTS.items():
                self._node(sub, f"client_{key}", label, "client", on)
        with dot.subgraph(name="cluster_transport") as sub:
            sub.attr(label="transport", style="dashed", color=theme.MUTED, fontcolor=theme.INK)
            for key, label in TRANSPORTS.items():
                self._node(sub, f"transport_{key}", label, "transport", on, shape="cds")

    def _engine(self, dot, on: set[str]) -> None:
        with dot.subgraph(name="cluster_engine") as sub:
            sub.attr(label="Docker Engine (host)", style="rounded", color=theme.INK, fontcolor=theme.INK)
            self._node(sub, "api", "REST API\n(HTTP)", "api", on)
            self._node(sub, "dockerd", "dockerd\n(daemon)", "daemon", on)
            self._node(sub, "containerd", "containerd", "runtime", on)
            self._node(sub, "runc", "runc", "runtime", on)
            for key, label in OBJECTS.items():
                count = self.counts.get(key)
                text = f"{label} ({count})" if count is not None else label
                self._node(sub, key, text, key.rstrip("s"), on, shape="folder")
        state = "course registry, 127.0.0.1" if self.registry_online else "offline"
        self._node(dot, "registry", f"registry\n({state})", "registry", on, shape="cylinder",
                   style="filled" if self.registry_online else "dashed,filled",
                   fontcolor=theme.INK if self.registry_online else theme.OFFLINE)

    def _edges(self, dot, on: set[str]) -> None:
        path = self.path
        pairs = set(zip(path, path[1:])) | ({("dockerd", "registry")} if self.registry_lit else set())
        edges = [(f"client_{c}", f"transport_{t}") for c in CLIENTS for t in TRANSPORTS]
        edges += [(f"transport_{t}", "api") for t in TRANSPORTS]
        edges += [("api", "dockerd"), ("dockerd", "containerd"), ("containerd", "runc"),
                  ("runc", "containers"), ("dockerd", "containers"), ("dockerd", "images"),
                  ("dockerd", "networks"), ("dockerd", "volumes"), ("dockerd", "registry")]
        for a, b in edges:
            lit = (a, b) in pairs
            extra = {"style": "dashed"} if b == "registry" and not lit else {}
            if lit and b == "registry" and self.registry_request:
                extra["label"] = self.registry_request
            elif lit and self.operation and b == path[-1]:
                extra["label"] = self.operation
            dot.edge(a, b, **{**extra, **theme.lit(lit)})
