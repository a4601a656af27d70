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


@pytest.fixture(scope="session")
def playwright():
    """One Playwright driver for the whole run: its sync API allows one per thread, and both the
    browser tier and the classroom's board test drive Chromium."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        yield pw


@pytest.fixture
def cleanup(client):
    """Remove every course object of the test's learner when the test ends."""
    from dockerlens.engine.scope import reset
    yield client
    reset(client)


def course_objects(client) -> list[tuple[str, object, str]]:
    """(kind, object, learner) of course objects whose learner name starts with LEARNER."""
    from dockerlens.engine import scope
    found = []
    course = {"label": scope.COURSE}
    # ignore_removed: other sessions on the shared daemon remove containers mid-listing
    kinds = [("container", client.containers.list(all=True, filters=course, ignore_removed=True)),
             ("network", client.networks.list(filters=course)),
             ("volume", client.volumes.list(filters=course)),
             ("image", client.images.list(all=True, filters=course))]
    for kind, objs in kinds:
        for obj in objs:
            who = scope.labels_of(obj).get(scope.LEARNER, "")
            if who.startswith(LEARNER):
                found.append((kind, obj, who))
    return found


def leftovers(client) -> list[str]:
    found = [f"{kind} {getattr(obj, 'name', None) or obj.short_id} ({who})"
             for kind, obj, who in course_objects(client)]
    return found + _registries_left()


def _registries_left() -> list[str]:
    """Registry processes the course started for a test learner and nothing stopped."""
    import json
    from dockerlens.registry import state
    if not state.ROOT.exists():
        return []
    found = []
    for path in state.ROOT.glob("*/registry.json"):
        rec = state.Record(**json.loads(path.read_text()))
        if rec.learner.startswith(LEARNER) and state.alive(rec):
            found.append(f"registry {rec.name} of lesson {rec.lesson} ({rec.learner})")
    return found


def _purge_stale(client) -> None:
    """Remove test-learner objects an interrupted earlier run left: reset() for each learner."""
    from dockerlens.engine.scope import acting_as, reset
    for who in sorted({who for _, _, who in course_objects(client)}):
        with acting_as(who):
            reset(client)


SENTINEL = f"{LEARNER}-sentinel-unlabelled"  # per learner: parallel runs never collide


def _uses_daemon(session) -> bool:
    if session.config.option.collectonly:  # nothing runs: touch nothing on the daemon
        return False
    return any(item.get_closest_marker("docker") or item.get_closest_marker("notebooks")
               for item in session.items)


def _client_or_none():
    from dockerlens import connect
    from dockerlens.engine.connect import DaemonUnavailable
    try:
        return connect()
    except DaemonUnavailable:
        return None


def pytest_collection_finish(session):
    """Before any test: a learner's own unlabelled objects, which the run must not touch."""
    client = _client_or_none() if _uses_daemon(session) else None
    if client is None:
        return
    from dockerlens.engine import images
    _purge_stale(client)
    _remove_sentinels(client)
    client.containers.create(images.tag("base"), ["true"], name=SENTINEL)
    client.networks.create(SENTINEL)
    client.volumes.create(SENTINEL)
    client.images.get(images.tag("base")).tag(SENTINEL, "1")


def _remove_networks_named(client, name: str) -> None:
    """Network names are not unique: remove every network of exactly this name."""
    import docker.errors
    found = [n for n in client.networks.list(names=[name]) if n.name == name]
    if not found:
        raise docker.errors.NotFound(f"no network {name}")
    for net in found:
        net.remove()


def _remove_sentinels(client) -> list[str]:
    """Remove the sentinels; return the kinds that were missing."""
    import docker.errors
    missing = []
    for kind, remove in [("container", lambda: client.containers.get(SENTINEL).remove(force=True)),
                         ("network", lambda: _remove_networks_named(client, SENTINEL)),
                         ("volume", lambda: client.volumes.get(SENTINEL).remove()),
                         ("image tag", lambda: client.images.remove(f"{SENTINEL}:1"))]:
        try:
            remove()
        except docker.errors.NotFound:
            missing.append(kind)
    return missing


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if a course object is left behind, or if an unlabelled object vanished."""
    client = _client_or_none() if _uses_daemon(session) else None
    if client is None:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    reporter.ensure_newline()
    left = leftovers(client)
    if left:
        reporter.write_line("course objects left behind: " + ", ".join(left), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    missing = _remove_sentinels(client)
    if missing:
        reporter.write_line("unlabelled objects made before the run were removed by it: "
                            + ", ".join(missing), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        reporter.write_line(f"unlabelled container, network, volume and image tag {SENTINEL} "
                            "survived the run")


def pytest_terminal_summary(terminalreporter):
    """Print how long each notebook took (the lessons' 60-second budget is read from here)."""
    from tests.tiers import TIMINGS
    if TIMINGS:
        terminalreporter.write_sep("-", "notebook times")
        for name, seconds in sorted(TIMINGS.items()):
            terminalreporter.write_line(f"{seconds:7.1f} s  {name}")
        terminalreporter.write_line(f"{sum(TIMINGS.values()):7.1f} s  total")
