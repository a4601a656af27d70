"""The object graph: images → containers → networks and volumes, from live daemon state.

Containers are coloured by state; labels carry names, short IDs, published ports and
mounts. Built from a :class:`Snapshot`, so it never changes anything on the daemon.
"""
from __future__ import annotations

from dataclasses import dataclass

import graphviz

from . import theme
from .base import Diagram
from .ids import node_id, short
from .state import Snapshot, container_name, display_name, image_name, networks_of, ports
from ..session import client as session_client

DEFAULT_NETWORKS = {"bridge", "host", "none"}


@dataclass
class ObjectGraph(Diagram):
    """Images → containers → networks/volumes for one snapshot (``lens.objects()``)."""
    snapshot: Snapshot
    title: str = ""

    marker = "dockerlens-objects"

    def __repr__(self) -> str:
        s = self.snapshot
        states = ", ".join(f"{display_name(container_name(c), s.learner)} ({c.get('State')})"
                           for c in s.containers)
        return (f"<ObjectGraph {len(s.images)} images, {len(s.containers)} containers"
                f"{': ' + states if states else ''}; {len(s.networks)} networks, "
                f"{len(s.volumes)} volumes>")

    def build(self) -> graphviz.Digraph:
        s = self.snapshot
        dot = theme.digraph(self.marker, label=self.title or self._caption(), labelloc="b",
                            labeljust="l", fontcolor=theme.INK)
        for img in s.images:
            dot.node(node_id("image", img["Id"]), f"{image_name(img)}\n{short(img['Id'])}",
                     shape="component", fillcolor=theme.KIND["image"])
        for net in s.networks:
            self._network(dot, net["Name"], net.get("Driver", ""), ours=True)
        for vol in s.volumes:
            dot.node(node_id("volume", vol["Name"]), f"volume\n{display_name(vol['Name'], s.learner)}",
                     shape="cylinder", fillcolor=theme.KIND["volume"])
        known = {n["Name"] for n in s.networks}
        for ctr in s.containers:
            self._container(dot, ctr, known)
        return dot

    def _caption(self) -> str:
        s = self.snapshot
        who = f"learner {s.learner}" if s.learner else "all objects"
        return (f"objects of {who}: {len(s.containers)} containers, {len(s.images)} images, "
                f"{len(s.networks)} networks, {len(s.volumes)} volumes")

    def _network(self, dot, name: str, driver: str, ours: bool) -> None:
        label = f"network\n{display_name(name, self.snapshot.learner)}"
        dot.node(node_id("network", name), label + (f"\n({driver})" if driver else ""),
                 shape="hexagon", fillcolor=theme.KIND["network"],
                 style="filled" if ours else "dashed,filled")

    def _container(self, dot, ctr: dict, known: set[str]) -> None:
        name = container_name(ctr)
        state = ctr.get("State", "created")
        lines = [display_name(name, self.snapshot.learner), short(ctr["Id"]), _state_text(ctr)]
        lines += ports(ctr)
        cid = node_id("container", ctr["Id"])
        dot.node(cid, "\n".join(lines), fillcolor=theme.STATE.get(state, "white"))
        image_ids = {i["Id"] for i in self.snapshot.images}
        if ctr.get("ImageID") in image_ids:
            dot.edge(node_id("image", ctr["ImageID"]), cid)
        for net in networks_of(ctr):
            if net not in known:
                known.add(net)
                self._network(dot, net, "", ours=False)
            dot.edge(cid, node_id("network", net), arrowhead="none")
        for mount in ctr.get("Mounts") or []:
            self._mount(dot, cid, mount)

    def _mount(self, dot, cid: str, mount: dict) -> None:
        kind = mount.get("Type", "volume")
        if kind == "volume":
            target = node_id("volume", mount.get("Name", ""))
            if mount.get("Name") not in {v["Name"] for v in self.snapshot.volumes}:
                dot.node(target, f"volume\n{short(mount.get('Name', '?'))}", shape="cylinder",
                         fillcolor=theme.KIND["volume"], style="dashed,filled")
        else:
            source = mount.get("Source") or kind
            target = node_id(kind, f"{cid}{source}")
            dot.node(target, f"{kind}\n{source}", shape="note", fillcolor=theme.KIND["volume"])
        dot.edge(cid, target, label=mount.get("Destination", ""), arrowhead="none")


def _state_text(ctr: dict) -> str:
    """``exited (3)``: the state, with the exit code when the container has exited."""
    state = ctr.get("State", "created")
    status = ctr.get("Status", "")
    if state == "exited" and "(" in status:
        return f"exited ({status.split('(', 1)[1].split(')', 1)[0]})"
    return state


def objects(client=None, everything: bool = False, lesson: str | None = None) -> ObjectGraph:
    """The object graph of this learner's course objects now (``everything=True``: all)."""
    if client is None:
        client = session_client()
    return ObjectGraph(Snapshot.take(client, everything, lesson))
