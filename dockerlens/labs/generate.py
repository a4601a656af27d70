"""One source per lab: ``solution.ipynb``; the learner's ``lab.ipynb`` is generated from it.

Cells tagged ``solution`` keep their place but lose their code (the learner writes it);
cells tagged ``solution-only`` (the final "every check passes" assert) are dropped.
The README's brief and each task's markdown cell are made from the lab module's goals, so
the three never drift. A unit test fails when a committed file differs from what this produces.
"""
from __future__ import annotations

import copy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "labs"
BLANK = "# your code here\n"


def lab_dirs() -> list[Path]:
    """Every lab folder (``labs/NN-slug``) holding a solution notebook."""
    return sorted(p.parent for p in ROOT.glob("[0-9][0-9]-*/solution.ipynb"))


def learner_copy(solution):
    """The learner's notebook made from a solution notebook (an nbformat NotebookNode)."""
    nb = copy.deepcopy(solution)
    cells = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution-only" in tags:
            continue
        if "solution" in tags:
            cell.source = BLANK
            cell.metadata["tags"] = [t for t in tags if t != "solution"] or ["task"]
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    nb.cells = cells
    nb.metadata["dockerlens"] = {"generated-from": "solution.ipynb",
                                 "regenerate": "python -m dockerlens labs --generate"}
    return nb


def goal_number(cell) -> int | None:
    """N for a markdown cell tagged ``goal-N`` (the cell that states task N), else None."""
    for tag in cell.get("metadata", {}).get("tags", []):
        if tag.startswith("goal-") and tag[5:].isdigit():
            return int(tag[5:])
    return None


def synced_solution(folder: Path):
    """FOLDER's solution notebook with every ``goal-N`` cell rewritten from the lab module."""
    import nbformat
    solution = nbformat.read(folder / "solution.ipynb", as_version=4)
    tasks = _lab_of(folder).tasks
    for cell in solution.cells:
        number = goal_number(cell)
        if number is not None and number in tasks:
            cell.source = task_markdown(tasks[number])
    return solution


def render(folder: Path) -> str:
    """The text lab.ipynb must hold for FOLDER."""
    import nbformat
    solution = nbformat.read(folder / "solution.ipynb", as_version=4)
    return nbformat.writes(learner_copy(solution)) + "\n"


def generate(folder: Path) -> Path:
    """Write FOLDER/lab.ipynb from FOLDER/solution.ipynb, and FOLDER/README.md from the lab's goals."""
    import nbformat
    (folder / "solution.ipynb").write_text(nbformat.writes(synced_solution(folder)) + "\n")
    target = folder / "lab.ipynb"
    target.write_text(render(folder))
    if _has_goals(folder):  # a lab whose tasks state no goals keeps its hand-written README
        (folder / "README.md").write_text(readme_text(folder))
    return target


def _has_goals(folder: Path) -> bool:
    return all(t.goal for t in _lab_of(folder).tasks.values())


def stale(folder: Path) -> bool:
    """True when FOLDER/lab.ipynb or README.md is missing or differs from its generated form."""
    import nbformat
    target, readme = folder / "lab.ipynb", folder / "README.md"
    solution = (folder / "solution.ipynb").read_text()
    return (not target.exists() or target.read_text() != render(folder)
            or not readme.exists() or (_has_goals(folder) and readme.read_text() != readme_text(folder))
            or solution != nbformat.writes(synced_solution(folder)) + "\n")


def task_markdown(task) -> str:
    """The markdown cell that opens TASK in the notebooks (and its entry in the README)."""
    return f"## Task {task.number} · {task.title}\n\n{task.goal}"


def _lab_of(folder: Path):
    from . import lab
    return lab(folder.name[:2])


def solution_seconds(folder: Path) -> float | None:
    """The measured run time of FOLDER's solution notebook (``timing.json``), if measured."""
    import json
    try:
        return float(json.loads((folder / "timing.json").read_text())["solution_seconds"])
    except (OSError, ValueError, KeyError):
        return None


def readme_text(folder: Path) -> str:
    """FOLDER's README.md: the brief made from the lab module's goals and the measured time."""
    lab = _lab_of(folder)
    seconds = solution_seconds(folder)
    measured = (f"the reference solution runs in {seconds:.0f} s on the daemon "
                "(`timing.json`, measured by `tests/labs/test_lab_notebooks.py` running "
                "`solution.ipynb` under nbval)" if seconds is not None else "not yet measured")
    tasks = "\n\n".join(f"{t.number}. **{t.title}.** {t.goal}" for t in lab.tasks.values())
    return f"""# Lab {lab.number} · {lab.title}

**Goal:** {lab.goal}

**Time:** about {estimate_minutes(folder)} minutes · lesson: [notebooks/{lab.slug}.ipynb](../../notebooks/{lab.slug}.ipynb).
How it was estimated: {measured}; the rest is a learner's reading and writing, counted as
2 minutes per task to read the goal and the check's answer plus 1 minute per line of the
reference solution's code ({solution_lines(folder)} lines).

Open `lab.ipynb` and run the setup cell: it connects, and `lab.prepare()` sets up the objects the
investigation task asks about (run it again for a fresh case). Each task says what must be true,
not how: write code in the empty cell, then run the check after it. Checks read the daemon's real
state of *your* labelled objects (and, where a task is about code, your variables, or the
wiretap's transcript of this notebook). A check that keeps failing adds a hint that gets more
concrete each time (the idea, then the API, then a sketch), and then the lesson section.

## Tasks

{tasks}

## What done looks like

Every check cell shows ✓ and `lab.check_all()` reports {len(lab.tasks)}/{len(lab.tasks)} tasks passed. Then
`lens.reset("{lab.number}")` removes what you and `lab.prepare()` created.

## Files

- `lab.ipynb`: your notebook (generated from the solution by `python -m dockerlens labs --generate`; do not edit it in git, edit `solution.ipynb`).
- `solution.ipynb`: the reference solution. CI runs it and all its checks must pass. Try the tasks first.
"""


def solution_lines(folder: Path) -> int:
    """Lines of code in FOLDER's solution cells (what a learner writes), blank lines left out."""
    import nbformat
    solution = nbformat.read(folder / "solution.ipynb", as_version=4)
    return sum(1 for c in solution.cells if "solution" in c.get("metadata", {}).get("tags", [])
               for line in c.source.splitlines() if line.strip() and not line.strip().startswith("#"))


def estimate_minutes(folder: Path) -> int:
    """The time estimate the README states: measured run time plus reading and writing."""
    import math
    lab = _lab_of(folder)
    return math.ceil((solution_seconds(folder) or 0) / 60 + 2 * len(lab.tasks)
                     + solution_lines(folder))
