"""``with lens.diff():`` — what a cell changed on the daemon, as ``+``/``~``/``-`` lines."""
from __future__ import annotations

import html
from dataclasses import dataclass, field

from ..render import BAD, GOOD, WARN
from ..diagrams.state import Snapshot, container_name, display_name, image_name, networks_of
from ..engine.scope import LEARNER
from ..render import show
from . import direct

COLOURS = {"+": GOOD, "~": WARN, "-": BAD}


@dataclass(frozen=True)
class Change:
    """One line of a state diff: ``+`` created, ``~`` changed, ``-`` removed."""
    sign: str
    text: str

    def __str__(self) -> str:
        return f"{self.sign} {self.text}"


def changes(before: Snapshot, after: Snapshot) -> list[Change]:
    """Every difference between two snapshots, containers first."""
    who = after.learner or before.learner
    out = _containers(before.containers, after.containers, who)
    for kind, key, label in (("network", "Name", None), ("volume", "Name", None),
                             ("image", "Id", image_name)):
        old = {o[key]: o for o in getattr(before, kind + "s") if _owned(o, who)}
        new = {o[key]: o for o in getattr(after, kind + "s") if _owned(o, who)}
        show = label or (lambda o: display_name(o["Name"], who))
        out += [Change("+", f"{kind} {show(new[k])}") for k in new if k not in old]
        out += [Change("-", f"{kind} {show(old[k])}") for k in old if k not in new]
    return out


def _owned(obj: dict, who: str) -> bool:
    """Images shared by every learner (the course images) are not this learner's change."""
    return not who or (obj.get("Labels") or {}).get(LEARNER) == who


def _containers(before: list[dict], after: list[dict], who: str) -> list[Change]:
    old = {c["Id"]: c for c in before}
    new = {c["Id"]: c for c in after}
    out = []
    for cid, ctr in new.items():
        name = display_name(container_name(ctr), who)
        if cid not in old:
            out.append(Change("+", f"container {name} ({ctr.get('State')})"))
            continue
        was = old[cid]
        if was.get("State") != ctr.get("State"):
            out.append(Change("~", f"{name}: {was.get('State')} → {ctr.get('State')}"))
        nets_before, nets_after = set(networks_of(was)), set(networks_of(ctr))
        out += [Change("~", f"{name}: connected to {display_name(n, who)}")
                for n in sorted(nets_after - nets_before)]
        out += [Change("~", f"{name}: disconnected from {display_name(n, who)}")
                for n in sorted(nets_before - nets_after)]
    out += [Change("-", f"container {display_name(container_name(c), who)}")
            for cid, c in old.items() if cid not in new]
    return out


@dataclass
class StateDiff:
    """Snapshot on enter, snapshot on exit, the changes shown when the block ends."""
    everything: bool = False
    show: bool = True
    before: Snapshot | None = None
    after: Snapshot | None = None
    changes: list[Change] = field(default_factory=list)

    def __enter__(self) -> "StateDiff":
        self.before = self._take()
        return self

    def __exit__(self, *exc) -> None:
        self.after = self._take()
        self.changes = changes(self.before, self.after)
        if self.show and exc[0] is None:
            show(self)

    def _take(self) -> Snapshot:
        client = direct.client()
        try:
            return Snapshot.take(client, self.everything)
        finally:
            client.close()

    @property
    def lines(self) -> list[str]:
        return [str(c) for c in self.changes]

    def __contains__(self, line: str) -> bool:
        return line in self.lines

    def __repr__(self) -> str:
        return "\n".join(self.lines) if self.changes else "no change to course objects"

    def _repr_html_(self) -> str:
        if not self.changes:
            return "<pre>no change to course objects</pre>"
        rows = "".join(f'<span style="color:{COLOURS[c.sign]}">{html.escape(str(c))}</span>\n'
                       for c in self.changes)
        return f'<pre class="dockerlens-diff">{rows}</pre>'


def diff(everything: bool = False, show: bool = True) -> StateDiff:
    """``with lens.diff():`` shows what the block created, changed and removed."""
    return StateDiff(everything, show)
