"""The board's arithmetic (stuck, attempts, time on task) and the check reporter's manners."""
from __future__ import annotations

import socket
import threading

from dockerlens.labs import board as report
from dockerlens.classroom.board import STUCK_FAILURES, STUCK_SECONDS, Board
from dockerlens.labs.framework import CheckResult

FAIL = {"lab": "05", "task": 1, "title": "a paused container", "passed": False, "reason": "not paused"}
PASS = {**FAIL, "passed": True, "reason": ""}


def test_three_failures_in_a_row_make_a_learner_stuck_and_a_pass_clears_it():
    board = Board(["a"])
    for n in range(1, STUCK_FAILURES + 1):
        cell = board.add("a", FAIL, now=100.0 + n)
        assert cell.stuck(now=104.0) is (n >= STUCK_FAILURES)
    board.add("a", PASS, now=110.0)
    view = board.grid(now=120.0)["rows"][0]["cells"]["05.1"]
    assert view == {"mark": "✓", "attempts": 4, "reason": "", "stuck": False, "seconds": 9}


def test_ten_minutes_on_a_task_without_a_pass_is_stuck_too():
    board = Board(["a"])
    cell = board.add("a", FAIL, now=0.0)
    assert not cell.stuck(now=STUCK_SECONDS - 1)
    assert cell.stuck(now=STUCK_SECONDS)


def test_the_last_failure_keeps_its_reason_and_requests():
    board = Board(["a", "b"])
    board.add("b", {**FAIL, "exchanges": [{"seq": 3, "operation": "ContainerInspect", "status": 404}]})
    detail = board.detail("b", "05.1")
    assert detail["last_failure"] == "not paused" and detail["exchanges"][0]["status"] == 404
    assert board.detail("a", "05.1") is None
    assert "b: 05.1✗" in repr(board)


def test_the_board_survives_a_restart(tmp_path):
    path = tmp_path / "board.json"
    Board.load(path, ["a"]).add("a", FAIL, now=5.0)
    again = Board.load(path, ["a", "b"])
    assert again.learners == ["a", "b"] and again.cells["a"]["05.1"].attempts == 1


def test_outside_a_classroom_nothing_is_sent(monkeypatch):
    monkeypatch.delenv("DOCKERLENS_BOARD_API", raising=False)
    before = threading.active_count()
    report.report(CheckResult("05", 1, "t", False, "why"))
    assert threading.active_count() == before


def test_a_board_that_never_answers_does_not_hold_the_check(monkeypatch):
    """The server accepts and then says nothing until report() has returned: report never waits."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    returned = threading.Event()
    got = {}

    def silent_board():
        conn, _ = listener.accept()
        got["request"] = conn.recv(65536)
        got["released"] = returned.wait(10)  # False if report() waited for this silent board
        conn.close()

    server = threading.Thread(target=silent_board, daemon=True)
    server.start()
    monkeypatch.setenv("DOCKERLENS_BOARD_API", f"http://127.0.0.1:{listener.getsockname()[1]}/api/results")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t0ken")
    monkeypatch.setattr(report, "recent_exchanges", lambda limit=15: [])
    monkeypatch.setattr(report, "TIMEOUT", 60.0)  # a waiting report() would outlast the board
    report.report(CheckResult("05", 1, "t", False, "why"))
    returned.set()  # only now may the board answer (by hanging up)
    server.join(30)
    assert got["released"]
    assert got["request"].startswith(b"POST /api/results") and b"token t0ken" in got["request"]
    listener.close()
