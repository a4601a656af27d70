"""Lessons survive a re-run and a restart: Run All twice in one kernel, and a fresh kernel
before each section that runs the Setup cell, then the section from its resume cell.

Cells run one by one in a real kernel (as JupyterLab runs them) against the real daemon;
a cell that fails stops the test with its error, as Run All stops at it.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.kernel import Kernel

pytestmark = pytest.mark.docker
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
RESUME = "# back after a kernel restart?"  # the comment every resume cell carries


def code_cells(notebook: Path) -> list[dict]:
    cells = json.loads(notebook.read_text())["cells"]
    return [c for c in cells if c["cell_type"] == "code"
            and "nbval-skip" not in c["metadata"].get("tags", [])]


def run_all(kernel: Kernel, cells: list[dict], label: str) -> None:
    for cell in cells:
        source = "".join(cell["source"])
        run = kernel.run(source, timeout=180)
        if "raises-exception" in cell["metadata"].get("tags", []):
            continue
        assert run.status == "ok", (f"{label}: cell {cell['id']} failed:\n{source}\n"
                                    + "\n".join("\n".join(e["content"]["traceback"]) for e in run.errors)
                                    + run.html[:3000])


def resume_points(notebook: Path) -> list[int]:
    """Indexes (in code_cells) of the resume cells: where a section can start after a restart."""
    return [i for i, c in enumerate(code_cells(notebook)) if RESUME in "".join(c["source"])]


RUN_TWICE = ["01-containers-vs-vms", "02-docker-engine", "03-architecture", "04-images", "05-containers",
             "06-networks", "07-volumes", "08-events"]
# with a resume cell in each section that needs an earlier section's objects
LESSONS = ["01-containers-vs-vms", "02-docker-engine", "03-architecture", "04-images", "05-containers",
           "06-networks", "07-volumes", "08-events"]


@pytest.mark.parametrize("lesson", RUN_TWICE)
def test_run_all_twice_in_one_kernel(lesson):
    cells = code_cells(NOTEBOOKS / f"{lesson}.ipynb")
    with Kernel(cwd=str(NOTEBOOKS)) as k:
        run_all(k, cells, f"{lesson} first Run All")
        run_all(k, cells, f"{lesson} second Run All")


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_restart_before_each_section_then_setup_and_its_resume_cell(lesson):
    """The lesson runs to its first resume cell; then, before each section, the kernel restarts
    (nothing in memory, the daemon's objects still there) and runs Setup, the section's resume
    cell and the section. One chain per lesson: each section is resumed once, the lesson run once."""
    cells = code_cells(NOTEBOOKS / f"{lesson}.ipynb")
    points = resume_points(NOTEBOOKS / f"{lesson}.ipynb")
    with Kernel(cwd=str(NOTEBOOKS)) as before:
        run_all(before, cells[:points[0]], f"{lesson} up to cell {cells[points[0]]['id']}")
    for start, end in zip(points, [*points[1:], len(cells)]):
        with Kernel(cwd=str(NOTEBOOKS)) as after:  # the kernel restarted: nothing in memory
            run_all(after, cells[:1] + cells[start:end],
                    f"{lesson} after a restart: Setup, then {cells[start]['id']} to its section's end")


def test_every_listed_lesson_has_resume_cells():
    for lesson in LESSONS:
        assert resume_points(NOTEBOOKS / f"{lesson}.ipynb"), lesson
