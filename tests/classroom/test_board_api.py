"""Lab checks reach the board with the learner's hub token; only instructors may read it."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from dockerlens.classroom import hubapi
from dockerlens.classroom.config import BOARD, BOARD_SCOPE

from .conftest import as_learner

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
FAIL_THREE_TIMES = """
import dockerlens as lens
lens.setup("05", show=False)
for _ in range(3):
    print(repr(lens.lab("05").check(1, variables={})))
import time; time.sleep(3)  # the posts are fire-and-forget: give them a moment before the kernel ends
"""


def _get(cfg, path: str, token: str | None):
    headers = {"Authorization": f"token {token}"} if token else {}
    request = urllib.request.Request(f"{cfg.url}/services/{BOARD}/{path}", headers=headers)
    with OPENER.open(request, timeout=10) as answer:
        return json.loads(answer.read())


def _instructor_token(cfg) -> str:
    return hubapi.new_token(cfg, cfg.instructor, [BOARD_SCOPE, f"access:services!service={BOARD}"])


def _grid_cell(cfg, learner: str, key: str):
    grid = _get(cfg, "api/grid", _instructor_token(cfg))
    row = next(r for r in grid["rows"] if r["learner"] == learner)
    return row["cells"].get(key)


def test_three_failed_checks_show_on_the_board_as_stuck_with_the_reason(cfg):
    b = cfg.learner_names[1]
    done = as_learner(cfg, b, FAIL_THREE_TIMES)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("✗ 05.1") == 3
    deadline = time.monotonic() + 30
    while (_grid_cell(cfg, b, "05.1") or {}).get("attempts", 0) < 3 and time.monotonic() < deadline:
        time.sleep(0.5)
    cell = _grid_cell(cfg, b, "05.1")
    assert cell["mark"] == "✗" and cell["attempts"] >= 3 and cell["stuck"]
    assert "lens-" + b + "-paused" in cell["reason"]
    detail = _get(cfg, f"api/cell?learner={b}&task=05.1", _instructor_token(cfg))
    assert any(e["operation"] == "ContainerInspect" and e["status"] == 404 for e in detail["exchanges"]), detail


def test_a_learner_cannot_read_the_board(cfg):
    a = cfg.learner_names[0]
    token = hubapi.new_token(cfg, a, [f"access:services!service={BOARD}"])
    with pytest.raises(urllib.error.HTTPError) as refused:
        _get(cfg, "api/grid", token)
    assert refused.value.code == 403


def test_a_result_without_a_token_is_refused(cfg):
    request = urllib.request.Request(f"{cfg.url}/services/{BOARD}/api/results", method="POST",
                                     data=b'{"lab": "05", "task": 1, "passed": true}')
    with pytest.raises(urllib.error.HTTPError) as refused:
        OPENER.open(request, timeout=10)
    assert refused.value.code == 403


def test_a_result_that_is_not_one_is_refused_before_it_reaches_the_instructors_page(cfg):
    token = hubapi.new_token(cfg, cfg.learner_names[0], [f"access:services!service={BOARD}"])
    request = urllib.request.Request(f"{cfg.url}/services/{BOARD}/api/results", method="POST",
                                     data=b'{"lab": "<img src=x onerror=alert(1)>", "task": 1}',
                                     headers={"Authorization": f"token {token}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        OPENER.open(request, timeout=10)
    assert refused.value.code == 400
