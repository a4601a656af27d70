"""Every lesson notebook executes top to bottom against the real daemon (nbval, lax mode)."""
from __future__ import annotations

import pytest

from dockerlens.course import LESSONS

from .nbrun import ROOT, assert_ran, run_notebook

ON_DISK = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_course_map_matches_notebooks_on_disk():
    """A harness that silently stops finding notebooks fails here."""
    assert [l.notebook for l in LESSONS] == ON_DISK
    assert len(ON_DISK) == len(LESSONS) >= 1


@pytest.mark.docker
@pytest.mark.notebooks
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.notebook.stem)
def test_lesson_notebook_runs(lesson, cleanup):
    run = run_notebook(lesson.notebook)
    assert_ran(run)
