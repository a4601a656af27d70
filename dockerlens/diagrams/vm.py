"""Containers vs virtual machines: the two stacks side by side (lesson 01)."""
from __future__ import annotations

from dataclasses import dataclass

import graphviz

from . import theme
from .base import Diagram

COLOUR = {"app": "#e7f5ff", "engine": "#ffe8cc", "kernel": "#d3f9d8", "hw": "#e9ecef",
          "guest": "#f3f0ff", "hyper": "#fff3bf"}
ENGINE = ("container engine\n(dockerd · containerd\n· runc) starts and\nmanages the apps;\n"
          "not in their\nsystem-call path")
# box widths in inches: narrow enough that both stacks side by side fit a notebook's output area
# (~968 px at 1400×1000 with the file browser open) with 10 pt text still ≥ 11 px
BOX, WIDE = "1.5", "3.4"
ENGINE_BOX = "2.15"  # its longest line, with room: the browser's font runs wider than dot's estimate


@dataclass
class VmVsContainers(Diagram):
    """Two stacks: apps share the host kernel (containers) vs each boots its own (VMs).

    The container engine stands beside the apps, not under them: a containerised process makes
    its system calls straight to the host kernel, while a VM's guest kernel runs on a hypervisor.
    """
    kernel: str = ""

    marker = "dockerlens-vm-vs-containers"

    def __repr__(self) -> str:
        return ("<VmVsContainers: containers are host processes on one shared kernel, the engine "
                "beside them; each VM boots its own kernel on a hypervisor>")

    def build(self) -> graphviz.Digraph:
        dot = theme.digraph(self.marker, rankdir="TB", newrank="true")
        kernel = f"\n{self.kernel}" if self.kernel else ""
        with dot.subgraph(name="cluster_containers") as sub:
            sub.attr(label="containers (the OS is virtualised: namespaces + cgroups)", style="rounded",
                     color=theme.INK, fontcolor=theme.INK)
            apps = self._row(sub, "containers_app", [("app", "app A + libraries\n(host processes)"),
                                                     ("app", "app B + libraries\n(host processes)"),
                                                     ("engine", ENGINE)])
            core = self._row(sub, "containers_kernel", [
                ("kernel", f"host OS kernel, shared: namespaces + cgroups{kernel}")])
            hw = self._row(sub, "containers_hw", [("hw", "hardware")])
            for app in apps[:2]:
                sub.edge(app, core[0], label="system calls", color=theme.INK)
            sub.edge(apps[2], core[0], label="system calls", color=theme.INK)
            sub.edge(apps[2], apps[1], label="creates", style="dashed", constraint="false")
            sub.edge(core[0], hw[0], style="invis")
        self._stack(dot, "vms", "virtual machines (the hardware is virtualised)", [
            [("app", "app A + libraries"), ("app", "app B + libraries")],
            [("guest", "guest OS A\n(own kernel)"), ("guest", "guest OS B\n(own kernel)")],
            [("hyper", "hypervisor")],
            [("kernel", "host OS (or bare metal)")],
            [("hw", "hardware")]])
        return dot

    @staticmethod
    def _row(graph, prefix: str, boxes: list[tuple[str, str]]) -> list[str]:
        """One rank of boxes, kept left to right in the given order."""
        ids = [f"{prefix}_{i}" for i in range(len(boxes))]
        with graph.subgraph() as row:
            row.attr(rank="same")
            for nid, (layer, text) in zip(ids, boxes):
                width = WIDE if len(boxes) == 1 else ENGINE_BOX if layer == "engine" else BOX
                row.node(nid, text, fillcolor=COLOUR[layer], width=width, shape="box", style="filled")
            for a, b in zip(ids, ids[1:]):
                row.edge(a, b, style="invis")  # keeps A left of B
        return ids

    def _stack(self, dot, key: str, title: str, rows: list[list[tuple[str, str]]]) -> None:
        with dot.subgraph(name=f"cluster_{key}") as sub:
            sub.attr(label=title, style="rounded", color=theme.INK, fontcolor=theme.INK)
            previous: list[str] = []
            for depth, boxes in enumerate(rows):
                ids = self._row(sub, f"{key}_{depth}", boxes)
                for a in previous:
                    for b in ids:
                        if len(previous) == 1 or len(ids) == 1 or a[-1] == b[-1]:
                            sub.edge(a, b, style="invis")
                previous = ids
