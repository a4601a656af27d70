"""Per-learner lab progress in a small JSON file: tasks passed (and when), failures since."""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..engine import scope


def progress_dir() -> Path:
    """Where progress files live: DOCKERLENS_PROGRESS (a folder, for tests) or ``~/.dockerlens``."""
    override = os.environ.get("DOCKERLENS_PROGRESS")
    return Path(override) if override else Path.home() / ".dockerlens"


def progress_path(learner: str | None = None) -> Path:
    """A learner's progress file: ``<progress_dir>/progress-<learner>.json``."""
    return progress_dir() / f"progress-{learner or scope.learner()}.json"


@dataclass
class Progress:
    """Tasks by key ``"06.2"``: ``{"passed": ISO time or None, "failures": n}``."""
    path: Path
    learner: str
    tasks: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> "Progress":
        path = path or progress_path()
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            data = {}
        return cls(path, data.get("learner", scope.learner()), data.get("tasks", {}))

    def record(self, result) -> int:
        """Record one check result; return the failures of this task since it last passed."""
        entry = self.tasks.setdefault(result.key, {"passed": None, "failures": 0})
        if result.passed:
            entry["failures"] = 0
            entry["passed"] = entry["passed"] or time.strftime("%Y-%m-%d %H:%M")
        else:
            entry["failures"] += 1
        self.save()
        return entry["failures"]

    def passed_at(self, key: str) -> str | None:
        return (self.tasks.get(key) or {}).get("passed")

    def save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"learner": self.learner, "tasks": self.tasks}, indent=1))
            tmp.replace(self.path)
        except OSError:
            pass  # a read-only home must not turn a check into a traceback

    def __repr__(self) -> str:
        done = sorted(k for k, v in self.tasks.items() if v.get("passed"))
        by_lab: dict[str, list[str]] = {}
        for key in done:
            lab, task = key.split(".")
            by_lab.setdefault(lab, []).append(task)
        labs = "; ".join(f"lab {lab}: {', '.join(ts)}" for lab, ts in sorted(by_lab.items()))
        return f"{self.learner}: {len(done)} task(s) passed" + (f" ({labs})" if labs else "")


def all_progress() -> list[Progress]:
    """Every learner's progress file in the progress folder (for ``python -m dockerlens labs``)."""
    return [Progress.load(p) for p in sorted(progress_dir().glob("progress-*.json"))]
