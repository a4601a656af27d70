"""Every lesson notebook executes top to bottom against the real daemon (nbval, lax mode).

The lessons' one-minute budget is a performance target, so it is measured, not asserted: the
terminal summary prints each notebook's time and `make bench` prints them side by side; a
timed assert would fail on a loaded machine while nothing is wrong with the lesson."""
from __future__ import annotations

import pytest

from dockerlens.show.course import LESSONS

from tests.tiers import ROOT

from .nbrun import assert_ran, run_notebook

ON_DISK = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED_LESSONS = 11  # 00-preflight and lessons 01-10: a harness that finds fewer fails


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
