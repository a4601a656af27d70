"""Fixtures of the browser tier: JupyterLab over a temporary copy of the course, and Chromium.

The kernel JupyterLab starts acts as learner ``<LEARNER>-browser`` (``pytest-browser`` under
``make test``), so the session's leftover check covers it; every test ends with a reset of
that learner's course objects and with its kernel shut down.
"""
from __future__ import annotations

import warnings

import pytest

from dockerlens.engine.system import CHROMIUM_MISSING, ensure_chromium

from ..conftest import LEARNER
from .jlab import CHROMIUM_ARGS, JupyterServer, NotebookPage, copy_course
from .netns import UnixToTcp, launcher

BROWSER_LEARNER = f"{LEARNER}-browser"

# Console errors that are not the course's fault (JupyterLab's own noise in a headless,
# offline Chromium). Each entry is a substring of the message with a comment saying why it
# is harmless. Everything else fails the test. Empty so far: JupyterLab 4.6 in Chromium
# printed no error of its own once Chromium ran in its own network namespace (netns.py).
IGNORED_CONSOLE: list[str] = []


def pytest_collection_modifyitems(items):
    """Browser tests drive a real daemon too: mark them so the leftover check runs."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.docker)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium (installed by make test when root); a clear failure when missing."""
    path = ensure_chromium()
    if path is None:
        pytest.fail(CHROMIUM_MISSING, pytrace=False)
    return path


@pytest.fixture(scope="session")
def jupyter(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a random token, serving a temporary copy of the course."""
    course = copy_course(tmp_path_factory.mktemp("course"))
    server = JupyterServer(course, tmp_path_factory.mktemp("jupyter-home"), BROWSER_LEARNER)
    server.start()
    yield server
    server.stop()


def launch(pw, chromium: str, server: JupyterServer, home):
    """Chromium in a network namespace of its own (see netns.py), reaching SERVER; and its relay."""
    relay = UnixToTcp(home / "jupyter.sock", server.port)
    executable = launcher(home, relay.path, server.port, chromium)
    if executable is None:
        warnings.warn("no network namespace for Chromium (unshare missing or not permitted): "
                      "Docker's network changes may abort its requests (ERR_NETWORK_CHANGED)")
    return pw.chromium.launch(executable_path=executable or chromium, headless=True,
                              args=CHROMIUM_ARGS), relay


@pytest.fixture(scope="session")
def browser(playwright, chromium, jupyter, tmp_path_factory):
    """Chromium in a network namespace of its own (see netns.py), reaching JupyterLab."""
    chrome, relay = launch(playwright, chromium, jupyter, tmp_path_factory.mktemp("chromium"))
    yield chrome
    chrome.close()
    relay.close()


def notebooks_in(browser, jupyter, client):
    """A generator for a ``lab``-like fixture: open notebooks, then check and clean up."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened: list[NotebookPage] = []

    def open_notebook(relpath: str) -> NotebookPage:
        nb = NotebookPage(context.new_page(), jupyter, relpath)
        opened.append(nb)
        return nb.open()

    yield open_notebook
    for nb in opened:  # the last state of every page, also when the test failed
        try:
            nb.screenshot(f"{nb.name}-last")
        except Exception as err:  # a crashed page must not keep the cleanup below from running
            nb.console.append(f"no last screenshot: {err}")
    errors = [e for nb in opened for e in nb.console
              if not any(ignored in e for ignored in IGNORED_CONSOLE)]
    try:
        context.close()
    finally:
        jupyter.shutdown_sessions()
    from dockerlens.engine.scope import acting_as, reset
    with acting_as(BROWSER_LEARNER):
        report = reset(client)
    failed = [r for nb in opened for r in nb.failed_requests]
    assert not errors, ("JavaScript errors in the page's console:\n" + "\n".join(errors)
                        + "\nfailed requests:\n" + "\n".join(failed))
    assert not report.failed, repr(report)


@pytest.fixture
def lab(browser, jupyter, client):
    """Open a notebook of the course copy: ``lab("notebooks/00-preflight.ipynb")``.

    On teardown: fail on console errors, shut the kernels down, reset the browser learner.
    """
    yield from notebooks_in(browser, jupyter, client)
