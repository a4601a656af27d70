"""The preflight notebook, run in JupyterLab in Chromium: what a learner sees on day one."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import BROWSER_LEARNER

pytestmark = pytest.mark.browser


def test_preflight_renders_live_setup_line_and_doctor_table(lab, jupyter):
    nb = lab("notebooks/00-preflight.ipynb")
    bins = [str(Path(python).parent) for python in jupyter.kernel_pythons()]
    assert bins == [str(Path(sys.executable).parent)], f"the kernel is not this .venv's: {bins}"
    result = nb.run_all()
    assert result.executed == result.code_cells >= 10, repr(result)
    assert not result.errors, repr(result)

    setup = nb.outputs('lens.setup("00")')
    setup.get_by_text("LIVE", exact=True).wait_for(state="visible")
    assert f"learner {BROWSER_LEARNER} " in setup.inner_text()

    table = nb.outputs("report = lens.doctor()").locator("table.dockerlens-doctor")
    table.wait_for(state="visible")
    nb.screenshot("00-preflight-doctor", table)
    rows = table.locator("tbody tr")
    statuses = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    assert rows.count() >= 5 and "FAIL" not in statuses, statuses
    checks = table.locator("tbody td:nth-child(2)").all_inner_texts()
    assert "daemon" in checks and "image dockerlens/base:1" in checks, checks
    daemon_row = rows.filter(has=nb.page.locator("td", has_text="daemon")).first
    assert daemon_row.locator("td").first.inner_text() == "OK"
