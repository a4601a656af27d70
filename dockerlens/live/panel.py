"""``lens.watch()``: the architecture above the object graph, fitted to the output area, kept up to date.

A panel owns one event follower (daemon events → the object graph is stale), listens to
the wiretap (the latest exchange → the lit path), and one renderer thread that redraws a
single ``display_id`` SVG. Running the cell again stops the previous panel first.
"""
from __future__ import annotations

import threading
from typing import Callable

from .. import registry
from ..engine import scope
from ..diagrams.architecture import Architecture
from ..diagrams.compose import stacked
from ..diagrams.objectgraph import ObjectGraph
from ..diagrams.state import Snapshot
from . import direct
from .follower import FOLLOWING, EventFollower
from .renderer import INTERVAL, Renderer
from ..render import live_display, update
from ..engine.connect import connect

MARKER = "dockerlens-architecture"
EVENT_TYPES = {"type": ["container", "image", "network", "volume"]}
_PANELS: dict[str, "Panel"] = {}
_REGISTRY_LOCK = threading.Lock()


class Panel:
    """A live SVG: follower + renderer + wiretap subscription, stopped together by ``stop()``."""

    def __init__(self, key: str = "watch", everything: bool = False, objects: bool = True,
                 sink: Callable[[str], None] | None = None, base_url: str | None = None,
                 interval: float = INTERVAL):
        self.key, self.everything, self.show_objects = key, everything, objects
        self.base_url = base_url
        self.exchange = None
        self.registry_request = ""  # the daemon's latest /v2/ request during this exchange
        self.transport = "unix"
        self.snapshot = Snapshot(learner=scope.learner())
        self._stale = True
        self._client = None
        self._sink = sink
        self.handle = None
        self.follower = EventFollower(self._on_event, EVENT_TYPES, base_url,
                                      on_status=lambda _: self.renderer.poke(),
                                      name=f"dockerlens-events-{key}")
        self.renderer = Renderer(self.frame, self._deliver, interval, name=f"dockerlens-render-{key}")

    def __repr__(self) -> str:
        op = getattr(self.exchange, "operation", None) or "none"
        return (f"<Panel {self.key!r} {self.follower.status}: {self.follower.events} events, "
                f"{self.renderer.frames} frames, last request {op}>")

    @property
    def running(self) -> bool:
        return self.follower.alive or self.renderer.alive

    def start(self) -> "Panel":
        """Stop any panel with the same key, draw the first frame, then start the threads."""
        with _REGISTRY_LOCK:
            previous = _PANELS.pop(self.key, None)
            _PANELS[self.key] = self
        if previous is not None:
            previous.stop()
        self._client = direct.internal(connect(self.base_url or direct.daemon_url()))
        self.exchange = direct.latest()
        svg = self.frame()
        self.renderer.last_svg = svg
        self._open_display(svg)
        self.renderer.start()
        self.follower.start()
        direct.subscribe(self._on_exchange)
        registry.LOG.subscribe(self._on_registry)
        return self

    def stop(self) -> None:
        """Stop both threads (each within a second); the last frame stays in the notebook."""
        direct.unsubscribe(self._on_exchange)
        registry.LOG.unsubscribe(self._on_registry)
        self.follower.stop()
        self.renderer.stop()
        with _REGISTRY_LOCK:
            if _PANELS.get(self.key) is self:
                del _PANELS[self.key]
        if self._client is not None:
            self._client.close()

    def frame(self) -> str:
        """The current picture (runs on the renderer thread once started)."""
        if self._stale and self.show_objects:
            try:
                self.snapshot = Snapshot.take(self._client, self.everything)
                self._stale = False
            except Exception:
                pass  # the daemon is away; the follower says "reconnecting" in the caption
        svgs = [self.architecture().svg()]
        if self.show_objects:
            svgs.append(ObjectGraph(self.snapshot).svg())
        return stacked(svgs, MARKER)

    def architecture(self) -> Architecture:
        ex = self.exchange
        counts = {"containers": len(self.snapshot.containers), "images": len(self.snapshot.images),
                  "networks": len(self.snapshot.networks), "volumes": len(self.snapshot.volumes)}
        status = self.follower.status
        return Architecture(getattr(ex, "operation", None), getattr(ex, "client", "sdk") or "sdk",
                            self.transport,
                            counts if self.show_objects else {},
                            registry_online=registry.online(),
                            registry_request=self.registry_request,
                            status="" if status == FOLLOWING else f"events: {status}")

    def _on_event(self, event: dict) -> None:
        if self.everything or self._relevant(event):
            self._stale = True
            self.renderer.poke()

    def _relevant(self, event: dict) -> bool:
        attrs = (event.get("Actor") or {}).get("Attributes") or {}
        if attrs.get(scope.LEARNER) == scope.learner():
            return True
        actor = (event.get("Actor") or {}).get("ID", "")
        if attrs.get("name", "").startswith(scope.name("")) or actor.startswith(scope.name("")):
            return True  # networks by name; volumes carry only their name, as the actor ID
        ids = {c["Id"] for c in self.snapshot.containers}
        return attrs.get("container") in ids or (event.get("Actor") or {}).get("ID") in ids

    def _on_exchange(self, exchange) -> None:
        if getattr(exchange, "client", "") == "internal":
            return
        self.transport = transport_of(exchange)
        if exchange is not self.exchange:
            self.registry_request = ""  # a new request: the registry is lit again only if reached
        self.exchange = exchange
        self.renderer.poke()

    def _on_registry(self, request) -> None:
        """The relay saw the daemon's /v2/ request: light dockerd → registry, name the request."""
        if request.client == "dockerd" and request.method != "TLS":
            path = request.path if len(request.path) <= 48 else request.path[:47] + "…"
            self.registry_request = f"{request.method} {path}"
            self.renderer.poke()

    def _open_display(self, svg: str) -> None:
        if self._sink is not None:
            self._sink(svg)
            return
        self.handle = live_display("svg", svg)

    def _deliver(self, svg: str) -> None:
        if self._sink is not None:
            self._sink(svg)
        elif self.handle is not None:
            update(self.handle, "svg", svg)


def transport_of(exchange) -> str:
    """``tcp`` when the course's TLS endpoint relayed this request, else ``unix``."""
    return getattr(exchange, "transport", "unix")


def watch(everything: bool = False, objects: bool = True, key: str = "watch",
          sink: Callable[[str], None] | None = None) -> Panel:
    """Show the architecture and the object graph, updating while later cells run.

    Run it again and the previous panel stops first; ``panel.stop()`` (or ``lens.unwatch()``)
    ends it. Assign the result (``panel = lens.watch()``) so the cell shows only the picture.
    """
    return Panel(key, everything, objects, sink).start()


def unwatch() -> int:
    """Stop every live panel; return how many were running."""
    with _REGISTRY_LOCK:
        panels = list(_PANELS.values())
    for panel in panels:
        panel.stop()
    return len(panels)


def panels() -> dict[str, Panel]:
    """The live panels by key (at most one per key)."""
    return dict(_PANELS)
