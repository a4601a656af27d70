"""Every other lesson, run in JupyterLab: nothing raises, every picture is drawn."""
from __future__ import annotations

import pytest

from dockerlens.show.course import LESSONS

pytestmark = pytest.mark.browser

# Lessons with a test of their own (test_preflight.py, test_lessons.py) are not run twice.
COVERED = {"00", "02", "03"}
OTHERS = [lesson for lesson in LESSONS if lesson.number not in COVERED]

# Which SVG outputs did not draw: an <img> whose picture the browser could not decode.
BROKEN_IMAGES = """root => [...root.querySelectorAll('.jp-RenderedSVG img, .jp-RenderedImage img')]
    .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 120))"""


def test_the_other_lessons_are_all_here():
    """A lesson added to the course map is browser-tested without editing this file."""
    assert len(OTHERS) == len(LESSONS) - len(COVERED) >= 1


@pytest.mark.parametrize("lesson", OTHERS, ids=lambda l: l.notebook.stem)
def test_lesson_runs_in_jupyterlab_and_draws_every_picture(lab, lesson):
    nb = lab(f"notebooks/{lesson.notebook.name}")
    result = nb.run_all()
    assert result.executed == result.code_cells >= 5, repr(result)
    assert not result.errors, repr(result)
    pictures = nb.notebook.locator(".jp-RenderedSVG img, .jp-RenderedImage img")
    broken = nb.notebook.evaluate(BROKEN_IMAGES)
    assert not broken, f"{len(broken)} of {pictures.count()} pictures did not draw: {broken}"
    if pictures.count():
        nb.screenshot(f"{lesson.notebook.stem}-picture", pictures.last)
