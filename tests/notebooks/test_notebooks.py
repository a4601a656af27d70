"""Every lesson notebook executes top to bottom against the real daemon (nbval, lax mode),
in under a minute on a 2-core machine. The terminal summary prints each notebook's time."""
from __future__ import annotations

import pytest

from dockerlens.show.course import LESSONS

from tests.tiers import ROOT

from .nbrun import assert_ran, run_notebook

ON_DISK = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED_LESSONS = 9  # 00-preflight and lessons 01-08: a harness that finds fewer fails
BUDGET_SECONDS = 60.0


def test_course_map_matches_notebooks_on_disk():
    """A harness that silently stops finding notebooks fails here."""
    assert [l.notebook for l in LESSONS] == ON_DISK
    assert len(ON_DISK) == len(LESSONS) == EXPECTED_LESSONS


@pytest.mark.docker
@pytest.mark.notebooks
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.notebook.stem)
def test_lesson_notebook_runs(lesson, cleanup):
    run = run_notebook(lesson.notebook)
    assert_ran(run)
    assert run.seconds < BUDGET_SECONDS, (
        f"{lesson.notebook.name} took {run.seconds:.1f} s; a lesson must run in under "
        f"{BUDGET_SECONDS:.0f} s on a 2-core machine")
