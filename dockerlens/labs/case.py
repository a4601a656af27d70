"""Investigation cases: labelled objects a lab's setup prepares, and the briefing that shows them.

A case object carries the course labels plus ``dockerlens.case=<lab>``, so ``lab.prepare()`` can
remove the previous case before making a fresh one, and ``lens.reset(lab)`` removes it with the rest.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

from ..engine import scope
from ..render import code_html

CASE = "dockerlens.case"


def case_labels(lab: str, **extra: str) -> dict[str, str]:
    """Labels of a case object of LAB for this learner."""
    return scope.labels(lab, **{CASE: lab}, **extra)


def case_filters(lab: str) -> dict[str, list[str]]:
    found = scope.filters(lab)
    found["label"].append(f"{CASE}={lab}")
    return found


def clear(client, lab: str) -> None:
    """Remove this learner's earlier case objects of LAB (containers, networks, volumes, images)."""
    import docker.errors
    wanted = case_filters(lab)
    for ctr in client.containers.list(all=True, filters=wanted, ignore_removed=True):
        _quietly(lambda: scope.remove_now(ctr), docker.errors)
    for net in client.networks.list(filters=wanted):
        _quietly(net.remove, docker.errors)
    for vol in client.volumes.list(filters=wanted):
        _quietly(vol.remove, docker.errors)
    for img in sorted(client.images.list(all=True, filters=wanted),
                      key=lambda i: i.attrs.get("Created", ""), reverse=True):
        _quietly(lambda: client.images.remove(img.id, force=True), docker.errors)


def _quietly(action, errors) -> None:
    try:
        action()
    except errors.NotFound:
        pass


def question(obj) -> str:
    """The question a case object carries in its ``dockerlens.question`` label ('' if none)."""
    return scope.labels_of(obj).get("dockerlens.question", "")


@dataclass
class Briefing:
    """What ``lab.prepare()`` set up: one line per investigation, shown in the notebook."""
    lab: str
    lines: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)  # what the lines state, for code: ``case["port"]``

    def __getitem__(self, key: str):
        if key not in self.values:
            raise KeyError(f"this briefing holds {sorted(self.values) or 'no values'}, not {key!r}")
        return self.values[key]

    def __repr__(self) -> str:
        if not self.lines:
            return f"lab {self.lab}: nothing to prepare"
        return "\n".join([f"lab {self.lab}: prepared for your investigation"]
                         + [f"  · {line}" for line in self.lines])

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{code_html(line)}</li>" for line in self.lines)
        return (f"<div><b>lab {html.escape(self.lab)}</b>: prepared for your investigation"
                f"<ul>{items}</ul></div>")
