"""The container lifecycle as a state machine, the operations on its edges."""
from __future__ import annotations

from dataclasses import dataclass

import graphviz

from . import theme
from .base import Diagram
from .state import display_name

STATES = ("created", "running", "paused", "restarting", "exited", "removed")

# (from, to, operation) — what the SDK / CLI call does to a container's state.
TRANSITIONS = (
    ("created", "running", "start"),
    ("running", "paused", "pause"),
    ("paused", "running", "unpause"),
    ("running", "exited", "stop / kill /\nprocess exits"),
    ("running", "restarting", "restart policy\nor restart"),
    ("restarting", "running", ""),
    ("exited", "running", "start / restart"),
    ("created", "removed", "remove"),
    ("exited", "removed", "remove"),
    ("running", "removed", "remove(force=True)"),
)


@dataclass
class Lifecycle(Diagram):
    """The state machine with ``state`` (a container's current state) highlighted.

    >>> Lifecycle("running").state
    'running'
    """
    state: str | None = None
    name: str = ""
    operation: str = ""

    marker = "dockerlens-lifecycle"

    def __post_init__(self) -> None:
        if self.state is not None and self.state not in STATES:
            self.state = {"dead": "exited", "removing": "removed"}.get(self.state, self.state)

    @classmethod
    def of(cls, container, operation: str = "") -> "Lifecycle":
        """The lifecycle of an SDK container, its state read fresh from the daemon."""
        import docker.errors
        try:
            container.reload()
            state = container.status
        except docker.errors.NotFound:
            state = "removed"
        return cls(state, display_name(container.name), operation)

    def __repr__(self) -> str:
        return f"<Lifecycle {self.name or 'container'}: {self.state or 'no state'}>"

    def build(self) -> graphviz.Digraph:
        who = f"{self.name}: " if self.name else ""
        caption = f"{who}{self.state or '?'}" + (f" after {self.operation}" if self.operation else "")
        dot = theme.digraph(self.marker, label=caption, labelloc="b", fontcolor=theme.HIGHLIGHT)
        dot.node("start", "", shape="point", width="0.15", color=theme.INK)
        for state in STATES:
            on = state == self.state
            dot.node(f"state_{state}", state, shape="ellipse" if state != "removed" else "doublecircle",
                     fillcolor=theme.STATE[state], **{**theme.lit(on), **({"penwidth": "3.5"} if on else {})})
        dot.edge("start", "state_created", label="create")
        for a, b, op in TRANSITIONS:
            hot = bool(self.operation) and b == self.state and self.operation in op
            dot.edge(f"state_{a}", f"state_{b}", label=op, **theme.lit(hot))
        return dot
