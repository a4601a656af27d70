"""``python -m dockerlens labs``: every learner's progress; ``--generate`` the learner notebooks."""
from __future__ import annotations

from . import all_labs
from .generate import generate, lab_dirs, stale
from .progress import all_progress, progress_dir


def progress_table() -> str:
    """One line per learner and lab: tasks passed out of tasks."""
    labs = all_labs()
    found = all_progress()
    if not found:
        return f"no lab progress yet (progress files live in {progress_dir()})"
    width = max(len("learner"), *(len(p.learner) for p in found)) + 2
    lines = [f"progress files in {progress_dir()}",
             "learner".ljust(width) + " ".join(f"{l.number:>5}" for l in labs)]
    for prog in found:
        cells = []
        for lab in labs:
            done = sum(bool(prog.passed_at(f"{lab.number}.{n}")) for n in lab.tasks)
            cells.append(f"{done}/{len(lab.tasks)}".rjust(5))
        lines.append(prog.learner.ljust(width) + " ".join(cells))
    return "\n".join(lines)


def run(generate: bool = False, verify: bool = False) -> int:
    """The CLI entry: print progress, or generate / verify the learner notebooks."""
    if generate:
        for folder in lab_dirs():
            print(f"wrote {generate_one(folder)}")
        return 0
    if verify:
        old = [f.name for f in lab_dirs() if stale(f)]
        for name in old:
            print(f"labs/{name}/lab.ipynb is not generated from its solution.ipynb (or its README.md "
                  "or task cells differ from the lab's goals): run python -m dockerlens labs --generate")
        return 1 if old else 0
    print(progress_table())
    return 0


def generate_one(folder):
    return generate(folder).relative_to(folder.parent.parent)
