"""Every lesson runs top to bottom in under a minute on CI's 2-core machine.

A lesson already run in this session by ``test_notebooks.py`` is not run again: its time is
read from ``nbrun.TIMINGS`` (run ``pytest tests/notebooks/test_notebooks.py
tests/notebooks/test_lesson_times.py`` to pay for each notebook once). The terminal summary
prints every notebook's time (``tests/conftest.py``).
"""
from __future__ import annotations

import pytest

from dockerlens.course import LESSONS

from .nbrun import ROOT, TIMINGS, assert_ran, run_notebook

BUDGET_SECONDS = 60.0


def test_budget_is_checked_for_every_lesson_of_the_map():
    """The parametrisation below covers the whole course map, not a hand-kept list."""
    assert len(LESSONS) >= 6 and all(l.notebook.exists() for l in LESSONS)


@pytest.mark.docker
@pytest.mark.notebooks
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.notebook.stem)
def test_lesson_runs_within_budget(lesson, cleanup):
    key = str(lesson.notebook.relative_to(ROOT))
    if key not in TIMINGS:
        assert_ran(run_notebook(lesson.notebook))
    assert TIMINGS[key] < BUDGET_SECONDS, (
        f"{lesson.notebook.name} took {TIMINGS[key]:.1f} s; a lesson must run in under "
        f"{BUDGET_SECONDS:.0f} s on a 2-core machine (aim for 35 s)")
