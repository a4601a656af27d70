"""The one theme every course diagram uses: fonts, colours, rank direction, highlight."""
from __future__ import annotations

import functools

import graphviz
from .. import replay

FONT = "Helvetica"
HIGHLIGHT = "#d9480f"        # the path of the last request, the current state
MUTED = "#adb5bd"            # edges and nodes not involved right now
INK = "#212529"
OFFLINE = "#868e96"

# Fill colours by object kind and by container state.
KIND = {
    "client": "#e7f5ff", "transport": "#f1f3f5", "api": "#fff4e6", "daemon": "#ffe8cc",
    "runtime": "#f3f0ff", "image": "#e6fcf5", "network": "#e7f5ff", "volume": "#fff9db",
    "registry": "#f8f9fa", "container": "#ffffff",
}
STATE = {
    "created": "#dee2e6", "running": "#b2f2bb", "paused": "#ffec99",
    "restarting": "#ffc078", "exited": "#ffc9c9", "dead": "#ced4da", "removing": "#ced4da",
    "removed": "#f8f9fa",
}


def digraph(name: str, rankdir: str = "LR", **graph_attr: str) -> graphviz.Digraph:
    """A Digraph with the course's fonts, shapes and defaults applied."""
    _replay_caption(graph_attr)
    dot = graphviz.Digraph(name=name)
    dot.attr(id=name, rankdir=rankdir, fontname=FONT, fontsize="11", bgcolor="white", nodesep="0.25",
             ranksep="0.45", pad="0.15", **graph_attr)
    dot.attr("node", fontname=FONT, fontsize="10", shape="box", style="rounded,filled",
             fillcolor="white", color=INK, penwidth="1")
    dot.attr("edge", fontname=FONT, fontsize="10", color=MUTED, fontcolor=INK, arrowsize="0.7")
    return dot


def _replay_caption(graph_attr: dict) -> None:
    """In replay mode every picture says so: the banner joins (or becomes) the caption."""
    banner = replay.banner()
    caption = graph_attr.get("label", "")
    if not banner or caption.startswith("<"):
        return
    banner = banner.replace(" — ", "\n", 1)
    graph_attr["label"] = f"{caption}\n{banner}" if caption else banner
    graph_attr.setdefault("labelloc", "b")


def lit(on: bool) -> dict[str, str]:
    """Attributes of a node or an edge that is (or is not) on the highlighted path."""
    if on:
        return {"color": HIGHLIGHT, "penwidth": "2.5", "fontcolor": HIGHLIGHT}
    return {}


def svg(dot: graphviz.Digraph) -> str:
    """Render to SVG text with `dot` (no files written)."""
    return _rendered(dot.source, dot.engine)


@functools.lru_cache(maxsize=64)
def _rendered(source: str, engine: str) -> str:
    # A kernel draws the same picture again and again (a live panel's frame after a request that
    # changed nothing, a lifecycle step shown twice): one `dot` process per distinct source.
    return graphviz.pipe(engine, "svg", source.encode("utf-8")).decode("utf-8")
