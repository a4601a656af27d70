"""Every notebook runs under nbval in replay mode from its committed recording, with no
daemon reachable; a notebook edited without re-recording fails with the fix."""
from __future__ import annotations

import shutil

import nbformat
import pytest

from dockerlens.show.course import LESSONS
from dockerlens.replay import StaleRecording, check_current
from dockerlens.replay.format import load
from dockerlens.replay.record import recording_path

from ..notebooks.nbrun import ROOT, assert_ran, run_notebook

NO_DAEMON = {"DOCKER_HOST": "unix:///nonexistent/docker.sock", "DOCKERLENS_MODE": "replay"}


def current_recording(notebook):
    """The notebook's committed recording, failing with `make record` when missing or stale."""
    path = recording_path(notebook)
    assert path.exists(), (f"{notebook.name} has no recording at {path.relative_to(ROOT)}: "
                           "run `make record` (needs the live daemon) and commit recordings/")
    recording = load(path)
    check_current(notebook, recording)
    return recording


def test_every_lesson_has_a_current_recording():
    """Fails fast, naming every notebook that needs `make record`."""
    problems = []
    for lesson in LESSONS:
        try:
            current_recording(lesson.notebook)
        except (AssertionError, StaleRecording) as err:
            problems.append(str(err))
    assert not problems, "\n".join(problems)


def test_an_edited_notebook_fails_and_says_make_record(tmp_path):
    notebook = LESSONS[0].notebook
    recording = current_recording(notebook)
    edited = tmp_path / notebook.name
    shutil.copy(notebook, edited)
    nb = nbformat.read(edited, as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.source += "\nclient.containers.list()"
    nbformat.write(nb, edited)
    with pytest.raises(StaleRecording, match=r"run `make record`"):
        check_current(edited, recording)


@pytest.mark.notebooks
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.notebook.stem)
def test_lesson_notebook_replays_without_a_daemon(lesson):
    current_recording(lesson.notebook)
    run = run_notebook(lesson.notebook, env=NO_DAEMON)
    assert_ran(run)
