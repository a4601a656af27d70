"""Shared fixtures: the daemon, per-test cleanup, and a session that fails on leftovers."""
from __future__ import annotations

import os

import pytest

# Tests act as their own learner so that a developer's course objects are never touched.
os.environ.setdefault("DOCKERLENS_LEARNER", "pytest")
LEARNER = os.environ["DOCKERLENS_LEARNER"]


@pytest.fixture(scope="session")
def client():
    """A client for the shared test daemon (make test starts it)."""
    from dockerlens import connect
    c = connect()
    yield c
    c.close()


@pytest.fixture
def cleanup(client):
    """Remove every course object of the test's learner when the test ends."""
    from dockerlens.scope import reset
    yield client
    reset(client)


def leftovers(client) -> list[str]:
    """Course objects of this test session's learners (any name starting with LEARNER)."""
    from dockerlens import scope
    found = []
    kinds = [("container", client.containers.list(all=True, filters={"label": scope.COURSE})),
             ("network", client.networks.list(filters={"label": scope.COURSE})),
             ("volume", client.volumes.list(filters={"label": scope.COURSE})),
             ("image", client.images.list(all=True, filters={"label": scope.COURSE}))]
    for kind, objs in kinds:
        for obj in objs:
            who = scope.labels_of(obj).get(scope.LEARNER, "")
            if who.startswith(LEARNER):
                found.append(f"{kind} {getattr(obj, 'name', None) or obj.short_id} ({who})")
    return found


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if a course object of ours is left behind on the daemon."""
    if not any(item.get_closest_marker("docker") or item.get_closest_marker("notebooks")
               for item in session.items):
        return
    from dockerlens import connect
    from dockerlens.connect import DaemonUnavailable
    try:
        left = leftovers(connect())
    except DaemonUnavailable:
        return
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line("course objects left behind: " + ", ".join(left), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    """Print how long each notebook took (the lessons' 60-second budget is read from here)."""
    from tests.notebooks.nbrun import TIMINGS
    if TIMINGS:
        terminalreporter.write_sep("-", "notebook times")
        for name, seconds in sorted(TIMINGS.items()):
            terminalreporter.write_line(f"{seconds:7.1f} s  {name}")
        terminalreporter.write_line(f"{sum(TIMINGS.values()):7.1f} s  total")
