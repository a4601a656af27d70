"""Replay mode end to end without a daemon: setup() falls back to the committed recording,
says so on the setup line and on every diagram, and gives the environment back after."""
from __future__ import annotations

import os

import pytest

import dockerlens as lens
from dockerlens import replay, session
from dockerlens.engine.connect import DaemonUnavailable

NOWHERE = "unix:///nonexistent/docker.sock"


@pytest.fixture
def no_daemon(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", NOWHERE)
    monkeypatch.delenv("DOCKERLENS_MODE", raising=False)
    monkeypatch.setenv("DOCKERLENS_LEARNER", "pytest-replay-mode")
    yield
    from dockerlens.wire import wiretap
    wiretap.unroute()
    replay.stop()
    session._session.clear()


def test_live_mode_has_no_banner():
    assert not replay.active() and replay.banner() is None


def test_setup_without_a_daemon_replays_and_says_so(no_daemon):
    client = lens.setup("00", show=False)
    line = session._session["line"]
    assert replay.active() and line.mode == "replay"
    assert line.banner.startswith("REPLAY of a real session recorded on ")
    assert "nothing is running; for a live daemon see README" in line.banner
    assert line.banner in repr(line) and "REPLAY" in line._repr_html_()
    assert client.ping() and lens.learner() == "learner"  # the recorded learner
    assert os.environ["DOCKER_HOST"] != NOWHERE


def test_a_second_setup_and_stop_give_the_environment_back(no_daemon):
    lens.setup("00", show=False)
    lens.setup("00", show=False)
    from dockerlens.wire import wiretap
    wiretap.unroute()
    replay.stop()
    assert os.environ["DOCKER_HOST"] == NOWHERE
    assert os.environ["DOCKERLENS_LEARNER"] == "pytest-replay-mode"
    assert replay.banner() is None


def test_diagrams_carry_the_banner_in_replay(no_daemon):
    from dockerlens.diagrams import theme
    lens.setup("00", show=False)
    dot = theme.digraph("x", label="caption")
    assert "caption\nREPLAY of a real session" in dot.source
    assert "nothing is running" in theme.digraph("y").source


def test_lab_checks_and_where_say_a_live_daemon_is_needed(no_daemon):
    client = lens.setup("06", show=False)
    result = lens.lab("06").check(1, variables={})
    assert not result.passed and "needs a live daemon" in result.reason
    assert not lens.where(client).local


def test_mode_live_never_falls_back(no_daemon, monkeypatch):
    monkeypatch.setenv("DOCKERLENS_MODE", "live")
    with pytest.raises(DaemonUnavailable):
        lens.setup("00", show=False)
    assert not replay.active()


def test_a_lesson_without_recording_names_the_fix(no_daemon, monkeypatch):
    monkeypatch.setenv("DOCKERLENS_MODE", "replay")
    with pytest.raises(replay.NoRecording, match="not in the course map"):
        lens.setup("99", show=False)
