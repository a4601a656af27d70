"""What the board knows: per learner and lab task, attempts, the last reason, time on task, stuck."""
from __future__ import annotations

import html
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

STUCK_FAILURES = 3      # failed checks in a row on one task
STUCK_SECONDS = 600     # or this long on a task without passing it


@dataclass
class Cell:
    """One learner on one task: every check result they sent for it, summed up."""
    attempts: int = 0
    failures_in_row: int = 0
    passed: bool = False
    reason: str = ""            # the last failure's reason (kept after a later pass)
    first_at: float = 0.0       # first check of this task
    passed_at: float | None = None
    last_at: float = 0.0
    exchanges: list = field(default_factory=list)  # the wiretap's requests before the last failure

    def add(self, result: dict, now: float) -> None:
        self.attempts += 1
        self.first_at = self.first_at or now
        self.last_at = now
        if result.get("passed"):
            self.passed, self.failures_in_row = True, 0
            self.passed_at = self.passed_at or now
        else:
            self.passed = False
            self.failures_in_row += 1
            self.reason = str(result.get("reason", ""))[:500]
            self.exchanges = list(result.get("exchanges") or [])[-30:]

    def time_on_task(self, now: float) -> float:
        return (self.passed_at or now) - self.first_at

    def stuck(self, now: float) -> bool:
        """Three failed checks in a row, or ten minutes on the task without a pass."""
        return not self.passed and (self.failures_in_row >= STUCK_FAILURES
                                    or self.time_on_task(now) >= STUCK_SECONDS)

    def view(self, now: float) -> dict:
        return {"mark": "✓" if self.passed else "✗", "attempts": self.attempts,
                "reason": "" if self.passed else self.reason, "stuck": self.stuck(now),
                "seconds": round(self.time_on_task(now))}


@dataclass
class Board:
    """Learners × lab tasks. Saved as JSON after each result so a restarted board forgets nothing."""
    learners: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)    # "05.2" -> task title
    cells: dict[str, dict[str, Cell]] = field(default_factory=dict)  # learner -> key -> cell
    path: Path | None = None

    def add(self, learner: str, result: dict, now: float | None = None) -> Cell:
        key = f"{result['lab']}.{result['task']}"
        self.titles.setdefault(key, str(result.get("title", "")))
        if learner not in self.learners:
            self.learners.append(learner)
        cell = self.cells.setdefault(learner, {}).setdefault(key, Cell())
        cell.add(result, time.time() if now is None else now)
        self.save()
        return cell

    def keys(self) -> list[str]:
        """Task columns, in lab then task order (only tasks someone has checked)."""
        return sorted(self.titles, key=lambda k: tuple(int(p) for p in k.split(".")))

    def grid(self, now: float | None = None) -> dict:
        """The board's JSON: columns, and one row per learner of cell views (None: not tried)."""
        now = time.time() if now is None else now
        rows = [{"learner": who, "cells": {k: c.view(now) for k, c in self.cells.get(who, {}).items()}}
                for who in self.learners]
        return {"tasks": [{"key": k, "title": self.titles[k]} for k in self.keys()], "rows": rows}

    def detail(self, learner: str, key: str) -> dict | None:
        cell = self.cells.get(learner, {}).get(key)
        if cell is None:
            return None
        return {"learner": learner, "task": key, "title": self.titles.get(key, ""),
                **cell.view(time.time()), "last_failure": cell.reason, "exchanges": cell.exchanges}

    def save(self) -> None:
        if self.path is None:
            return
        data = {"learners": self.learners, "titles": self.titles,
                "cells": {w: {k: asdict(c) for k, c in cs.items()} for w, cs in self.cells.items()}}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        tmp.replace(self.path)

    @classmethod
    def load(cls, path: Path, learners: list[str]) -> "Board":
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            data = {}
        cells = {w: {k: Cell(**c) for k, c in cs.items()} for w, cs in data.get("cells", {}).items()}
        known = learners + [w for w in data.get("learners", []) if w not in learners]
        return cls(known, data.get("titles", {}), cells, path)

    def __repr__(self) -> str:
        now, keys = time.time(), self.keys()
        lines = [f"board: {len(self.learners)} learner(s) × {len(keys)} task(s) checked"]
        for who in self.learners:
            marks = [self.cells.get(who, {}).get(k) for k in keys]
            lines.append(f"  {who}: " + " ".join(
                f"{k}{'·' if c is None else c.view(now)['mark']}{'!' if c and c.stuck(now) else ''}"
                for k, c in zip(keys, marks)))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        now, keys = time.time(), self.keys()
        head = "".join(f"<th>{html.escape(k)}</th>" for k in keys)
        body = "".join(
            f"<tr><td>{html.escape(w)}</td>" + "".join(
                f"<td>{_cell_html(self.cells.get(w, {}).get(k), now)}</td>" for k in keys) + "</tr>"
            for w in self.learners)
        return f"<table><thead><tr><th>learner</th>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell_html(cell: Cell | None, now: float) -> str:
    if cell is None:
        return ""
    view = cell.view(now)
    return html.escape(f"{view['mark']} {view['attempts']}" + (" stuck" if view["stuck"] else ""))
