"""Recording afresh from the real daemon asks the same requests as the committed recording:
a notebook whose requests changed (or a daemon that answers differently) needs `make record`."""
from __future__ import annotations

from collections import Counter

import pytest

from dockerlens.show.course import LESSONS
from dockerlens.wire.operations import operation
from dockerlens.replay.format import Recording, load
from dockerlens.replay.record import daemon_socket, record_notebook, recording_path

from ..conftest import LEARNER


def requests_of(recording: Recording) -> tuple[Counter, set]:
    """State changes counted by operation, and the set of operations that only read.

    Counted rather than ordered: the CLI sends attach, wait and start of one `docker run`
    concurrently, and a renderer polls a variable number of times.
    """
    changes, reads = Counter(), set()
    for e in recording.exchanges:
        op = (e.method, operation(e.method, e.target.split("?", 1)[0]))
        if e.reads:
            reads.add(op)
        else:
            changes[op] += 1
    return changes, reads


@pytest.mark.docker
@pytest.mark.notebooks
@pytest.mark.recorded_engine
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.notebook.stem)
def test_a_fresh_recording_asks_what_the_committed_one_answers(lesson, tmp_path, cleanup):
    committed = recording_path(lesson.notebook)
    assert committed.exists(), f"no recording of {lesson.notebook.name}: run `make record`"
    result = record_notebook(lesson.number, lesson.notebook, daemon_socket(), out=tmp_path,
                             learner=f"{LEARNER}-rec")
    assert not result.error, f"recording {lesson.notebook.name} failed: {result.error}"
    fresh, old = requests_of(load(result.path)), requests_of(load(committed))
    assert fresh[0] == old[0], (
        f"{lesson.notebook.name}: state-changing requests differ from the committed recording "
        f"(fresh - committed: {dict(fresh[0] - old[0])}, committed - fresh: "
        f"{dict(old[0] - fresh[0])}): run `make record` and commit recordings/")
    assert fresh[1] == old[1], (
        f"{lesson.notebook.name}: reads differ (new: {sorted(fresh[1] - old[1])}, gone: "
        f"{sorted(old[1] - fresh[1])}): run `make record` and commit recordings/")
