"""One source per lab: ``solution.ipynb``; the learner's ``lab.ipynb`` is generated from it.

Cells tagged ``solution`` keep their place but lose their code (the learner writes it);
cells tagged ``solution-only`` (the final "every check passes" assert) are dropped.
A unit test fails when a committed ``lab.ipynb`` differs from what this produces.
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


def render(folder: Path) -> str:
    """The text lab.ipynb must hold for FOLDER."""
    import nbformat
    solution = nbformat.read(folder / "solution.ipynb", as_version=4)
    return nbformat.writes(learner_copy(solution)) + "\n"


def generate(folder: Path) -> Path:
    """Write FOLDER/lab.ipynb from FOLDER/solution.ipynb."""
    target = folder / "lab.ipynb"
    target.write_text(render(folder))
    return target


def stale(folder: Path) -> bool:
    """True when FOLDER/lab.ipynb is missing or differs from its generated form."""
    target = folder / "lab.ipynb"
    return not target.exists() or target.read_text() != render(folder)
