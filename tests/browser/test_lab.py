"""A lab in the browser: its reference solution passes every check, and a failing check
shows the learner why."""
from __future__ import annotations

import pytest

from dockerlens.labs import lab as lab_of

pytestmark = pytest.mark.browser

LAB = "labs/05-containers/solution.ipynb"


def test_lab_solution_passes_then_a_failing_check_renders_its_reason(lab, jupyter):
    nb = lab(LAB)
    result = nb.run_all()
    assert result.executed == result.code_cells >= 8, repr(result)
    assert not result.errors, repr(result)

    for task, title in [(1, "a paused container"), (2, "a container that exited with code 3")]:
        passed = nb.outputs(f"lab.check({task})")
        passed.get_by_text(f"✓ 05.{task}").wait_for(state="visible")
        assert f"{title}: passed" in passed.inner_text()
    report = nb.outputs("report = lab.check_all()")
    tasks = len(lab_of("05").tasks)
    report.get_by_text(f"{tasks}/{tasks} tasks passed").wait_for(state="visible")
    nb.screenshot("05-lab-passed", report)

    # The notebook ends with lens.reset("05"): checking task 1 again must now fail, and say why.
    nb.run_cell("lab.check(1)")
    failed = nb.outputs("lab.check(1)")
    failed.get_by_text("✗ 05.1").wait_for(state="visible")
    name = f"lens-{jupyter.learner}-paused"
    reason = failed.inner_text()
    assert "passed" not in reason and name in reason, reason
    assert failed.locator("code", has_text=name).count() >= 1, "the reason's names are not code"
    nb.screenshot("05-lab-failed", failed)
