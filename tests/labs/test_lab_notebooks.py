"""Every lab's solution runs and all its checks pass; every learner notebook runs with failing checks."""
from __future__ import annotations

import pytest

from dockerlens.engine import scope
from dockerlens.labs import NUMBERS
from dockerlens.labs.generate import lab_dirs

from ..notebooks.nbrun import assert_ran, run_notebook

LABS = lab_dirs()


def left_behind(client, lesson: str) -> list[str]:
    """This learner's objects of LESSON still on the daemon (the notebook's reset should leave none)."""
    wanted = scope.filters(lesson)
    found = [c.attrs["Names"][0] for c in client.containers.list(all=True, sparse=True, filters=wanted)]
    found += [n.name for n in client.networks.list(filters=wanted)]
    found += [v.name for v in client.volumes.list(filters=wanted)]
    return found + [i.short_id for i in client.images.list(filters=wanted)]


def test_ten_labs_found():
    """A harness that silently stops finding labs fails here."""
    assert [d.name[:2] for d in LABS] == NUMBERS
    assert len(LABS) == 10


@pytest.mark.docker
@pytest.mark.notebooks
@pytest.mark.parametrize("folder", LABS, ids=lambda d: d.name)
def test_solution_passes_every_check(folder, cleanup, tmp_path):
    """The solution ends with ``assert report.passed``: nbval fails if any check fails."""
    run = run_notebook(folder / "solution.ipynb", env={"DOCKERLENS_PROGRESS": str(tmp_path)})
    assert_ran(run)
    assert left_behind(cleanup, folder.name[:2]) == []


@pytest.mark.docker
@pytest.mark.notebooks
@pytest.mark.parametrize("folder", LABS, ids=lambda d: d.name)
def test_learner_notebook_runs_with_failing_checks(folder, cleanup, tmp_path):
    """Empty task cells: every check cell shows a failure result, and no cell raises."""
    run = run_notebook(folder / "lab.ipynb", env={"DOCKERLENS_PROGRESS": str(tmp_path)})
    assert_ran(run)
    assert left_behind(cleanup, folder.name[:2]) == []
    import json
    progress = json.loads(next(tmp_path.glob("progress-*.json")).read_text())
    tasks = {k: v for k, v in progress["tasks"].items() if k.startswith(folder.name[:2] + ".")}
    assert tasks and all(v["passed"] is None and v["failures"] >= 1 for v in tasks.values()), tasks
