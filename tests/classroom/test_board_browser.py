"""In Chromium: the instructor and two learners log in to the hub; A passes 05.2, B fails it
three times; the instructor's board, never reloaded, shows A ✓ and B stuck with B's reason."""
from __future__ import annotations

import json
import os
import pwd
import re
import urllib.request
from pathlib import Path

import pytest

from dockerlens.classroom import hubapi
from dockerlens.classroom.config import BOARD
from dockerlens.classroom.run import passwords

from ..browser.jlab import CHROMIUM_ARGS, SCREENSHOTS, NotebookPage
from ..browser.netns import UnixToTcp, launcher

pytestmark = pytest.mark.browser

SETUP = 'import dockerlens as lens\nclient = lens.setup("05")'
PASSES = ['ctr = client.containers.run(lens.image("base"), ["sh", "-c", "exit 3"], name=lens.name("exit3"),\n'
          '                            labels=lens.labels(), detach=True)\nctr.wait()',
          'lens.check("05.2")']
FAILS = ['lens.check("05.2")  # first try', 'lens.check("05.2")  # second', 'lens.check("05.2")  # third']
DEMO = "board-demo.ipynb"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def write_notebook(user: str, sources: list[str]) -> str:
    """A notebook in USER's course folder, owned by them; its path relative to their server's root."""
    account = pwd.getpwnam(user)
    path = Path(account.pw_dir) / "course" / DEMO
    cells = [{"cell_type": "code", "metadata": {}, "source": s, "outputs": [], "execution_count": None}
             for s in sources]
    path.write_text(json.dumps({"cells": cells, "metadata": {"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}))
    os.chown(path, account.pw_uid, account.pw_gid)
    return DEMO


class HubServer:
    """A learner's server behind the hub, shaped like the browser tier's JupyterServer for NotebookPage."""

    def __init__(self, cfg, user: str):
        self.cfg, self.user = cfg, user
        self.token = hubapi.new_token(cfg, user, [f"access:servers!user={user}"])

    def url(self, relpath: str, workspace: str = "default") -> str:
        return f"{self.cfg.url}/user/{self.user}/lab/workspaces/{workspace}/tree/{relpath}"

    def kernel_state(self, relpath: str) -> str | None:
        request = urllib.request.Request(f"{self.cfg.url}/user/{self.user}/api/sessions",
                                         headers={"Authorization": f"token {self.token}"})
        with OPENER.open(request, timeout=10) as answer:
            for session in json.loads(answer.read()):
                if session.get("path") == relpath and session.get("kernel"):
                    return session["kernel"].get("execution_state")
        return None


@pytest.fixture
def chrome(cfg, tmp_path, playwright):
    from dockerlens.engine.system import ensure_chromium
    chromium = ensure_chromium()
    assert chromium, "the browser test needs Chromium: apt-get install chromium"
    relay = UnixToTcp(tmp_path / "hub.sock", cfg.port)
    executable = launcher(tmp_path, relay.path, cfg.port, chromium)
    browser = playwright.chromium.launch(executable_path=executable or chromium, headless=True,
                                         args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    relay.close()


def log_in(browser, cfg, user: str, password: str):
    """A browser context of its own (own cookies) where USER has logged in through the hub's form."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{cfg.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")
    landing = f"/services/{BOARD}/" if user == cfg.instructor else f"/user/{user}/lab"
    page.wait_for_url(re.compile(re.escape(landing)), timeout=120_000)
    return page


def open_board(page, cfg):
    page.goto(cfg.board_url)
    page.locator("#status", has_text="learner(s)").wait_for(timeout=30_000)  # its first poll answered
    page.evaluate("window.neverReloaded = true")


def cell(page, learner: str, task: str):
    return page.locator(f'td.cell[data-learner="{learner}"][data-task="{task}"]')


def test_the_board_shows_a_passed_and_b_stuck_live(cfg, chrome):
    a, b = cfg.learner_names
    secrets = passwords()
    board = log_in(chrome, cfg, cfg.instructor, secrets[cfg.instructor])
    errors: list[str] = []
    board.on("console", lambda m: m.type == "error" and errors.append(m.text))
    open_board(board, cfg)
    for user, sources in ((a, [SETUP, *PASSES]), (b, [SETUP, *FAILS])):
        relpath = write_notebook(user, sources)
        nb = NotebookPage(log_in(chrome, cfg, user, secrets[user]).context.new_page(), HubServer(cfg, user), relpath)
        result = nb.open(120).run_all(180)
        assert not result.errors, result
        assert result.executed == result.code_cells, result
    cell(board, a, "05.2").and_(board.locator('[data-state="pass"]')).wait_for(timeout=30_000)
    stuck = cell(board, b, "05.2").and_(board.locator('[data-state="stuck"]'))
    stuck.wait_for(timeout=30_000)
    assert "✓" in cell(board, a, "05.2").inner_text()
    assert "3×" in stuck.inner_text() and "stuck" in stuck.inner_text()
    assert f"lens-{b}-exit3" in stuck.inner_text()         # B's reason, on the grid
    stuck.click()
    detail = board.locator("#detail")
    detail.locator(".last-failure").wait_for(timeout=10_000)
    assert f"lens-{b}-exit3" in detail.locator(".last-failure").inner_text()
    assert detail.locator("table.exchanges tr").count() > 1  # the wiretap's requests before it
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    board.screenshot(path=str(SCREENSHOTS / "classroom-board.png"), full_page=True)
    assert board.evaluate("window.neverReloaded") is True   # it updated itself
    assert not errors, errors
