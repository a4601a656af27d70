"""Learners sharing one daemon never see each other's work: one solves lab 06, the other still fails."""
from __future__ import annotations

import pytest

from dockerlens.engine import scope
from dockerlens.labs import lab

from .helpers import solve

pytestmark = pytest.mark.docker
BASE = scope.learner()  # starts with "pytest" (tests/conftest.py), so leftovers are caught


@pytest.fixture
def two_learners(client, monkeypatch):
    names = [f"{BASE}-alice", f"{BASE}-bob"]
    yield names
    for name in names:
        monkeypatch.setenv("DOCKERLENS_LEARNER", name)
        scope.reset(client)


def test_one_learner_solves_lab_06_the_other_still_fails(client, two_learners, monkeypatch):
    alice, bob = two_learners
    monkeypatch.setenv("DOCKERLENS_LEARNER", alice)
    variables = solve("06", client)
    assert lab("06").check_all(variables=variables, client=client).passed

    monkeypatch.setenv("DOCKERLENS_LEARNER", bob)
    report = lab("06").check_all(variables=variables, client=client)  # Alice's answer is no use to Bob
    assert [r.passed for r in report] == [False, False, False, False]
    assert f"no network named `lens-{bob}-net`" in report[0].reason
    assert f"no container named `lens-{bob}-web`" in report[2].reason


def test_a_container_with_my_name_but_another_learners_labels_does_not_count(client, two_learners,
                                                                             monkeypatch):
    """Bob names a container after Alice's task, with his own labels: Alice's check ignores it."""
    alice, bob = two_learners
    monkeypatch.setenv("DOCKERLENS_LEARNER", bob)
    labels = scope.labels()
    monkeypatch.setenv("DOCKERLENS_LEARNER", alice)
    ctr = client.containers.run("dockerlens/base:1", ["sh", "-c", "exit 3"],
                                name=scope.name("exit3"), labels=labels, detach=True)
    ctr.wait()
    result = lab("05").check(2, variables={}, client=client)
    assert not result.passed
    assert "exists but does not carry your course labels" in result.reason


def test_progress_is_per_learner(client, two_learners, monkeypatch, progress_dir, capsys):
    alice, bob = two_learners
    monkeypatch.setenv("DOCKERLENS_LEARNER", alice)
    variables = solve("08", client)
    assert lab("08").check_all(variables=variables, client=client).passed
    monkeypatch.setenv("DOCKERLENS_LEARNER", bob)
    assert not lab("08").check_all(variables={}, client=client).passed

    from dockerlens.labs.progress import Progress, progress_path
    assert Progress.load(progress_path(alice)).passed_at("08.2")
    assert Progress.load(progress_path(bob)).passed_at("08.2") is None
    from dockerlens.__main__ import main
    assert main(["labs"]) == 0
    table = capsys.readouterr().out.splitlines()
    row = {line.split()[0]: line.split()[1:] for line in table[2:]}
    assert row[alice][7] == "3/3" and row[bob][7] == "0/3", table
