"""Containers vs virtual machines: the two stacks side by side (lesson 01)."""
from __future__ import annotations

from dataclasses import dataclass

import graphviz

from . import theme
from .base import Diagram



@dataclass
class VmVsContainers(Diagram):
    """Two stacks: apps share the host kernel (containers) vs each boots its own (VMs)."""
    kernel: str = ""

    marker = "dockerlens-vm-vs-containers"

    def __repr__(self) -> str:
        return "<VmVsContainers: containers share the host kernel; each VM boots its own>"

    def build(self) -> graphviz.Digraph:
        dot = theme.digraph(self.marker, rankdir="TB", newrank="true")
        kernel = f"\n{self.kernel}" if self.kernel else ""
        self._stack(dot, "containers", [
            ("app", "app A + libraries", "app B + libraries"),
            ("engine", "container engine (dockerd · containerd · runc)",),
            ("kernel", f"host OS kernel, shared: namespaces + cgroups{kernel}",),
            ("hw", "hardware",)])
        self._stack(dot, "vms", [
            ("app", "app A + libraries", "app B + libraries"),
            ("guest", "guest OS A (own kernel)", "guest OS B (own kernel)"),
            ("hyper", "hypervisor",),
            ("kernel", "host OS (or bare metal)",),
            ("hw", "hardware",)])
        return dot

    def _stack(self, dot, key: str, layers: list[tuple[str, ...]]) -> None:
        title = {"containers": "containers", "vms": "virtual machines"}[key]
        colour = {"app": "#e7f5ff", "engine": "#ffe8cc", "kernel": "#d3f9d8", "hw": "#e9ecef",
                  "guest": "#f3f0ff", "hyper": "#fff3bf"}
        with dot.subgraph(name=f"cluster_{key}") as sub:
            sub.attr(label=title, style="rounded", color=theme.INK, fontcolor=theme.INK)
            previous: list[str] = []
            for depth, (layer, *boxes) in enumerate(layers):
                ids = [f"{key}_{layer}_{i}" for i in range(len(boxes))]
                with sub.subgraph() as row:
                    row.attr(rank="same")
                    for nid, text in zip(ids, boxes):
                        width = "4.2" if len(boxes) == 1 else "2"
                        row.node(nid, text, fillcolor=colour[layer], width=width, shape="box",
                                 style="filled")
                    for a, b in zip(ids, ids[1:]):
                        row.edge(a, b, style="invis")  # keeps A left of B
                for a in previous:
                    for b in ids:
                        if len(previous) == 1 or len(ids) == 1 or a[-1] == b[-1]:
                            sub.edge(a, b, style="invis")
                previous = ids
