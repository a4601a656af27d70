"""The attempt corpus on the real daemon: every wrong attempt fails with its own reason, every
differently-made right solution passes (see tests/labs/corpus/)."""
from __future__ import annotations

import importlib
from collections import Counter

import pytest

from dockerlens.labs import NUMBERS, lab

from .corpus.kit import RIGHT, WRONG, Env

for _number in NUMBERS:  # each lab's module registers its attempts; a missing one fails the count
    try:
        importlib.import_module(f"{__package__}.corpus.lab{_number}")
    except ModuleNotFoundError:
        pass


CORPUS_LABS = [n for n in NUMBERS if n <= "08"]  # labs 09 and 10 keep theirs in test_attempts_0910.py


def test_every_lab_has_ten_wrong_attempts_with_their_own_reasons_and_three_right_ones():
    wrong, right = Counter(a.lab for a in WRONG), Counter(a.lab for a in RIGHT)
    for number in CORPUS_LABS:
        assert wrong[number] >= 10, f"lab {number} has {wrong[number]} wrong attempts"
        assert right[number] >= 3, f"lab {number} has {right[number]} right solutions"
        reasons = [a.expect for a in WRONG if a.lab == number]
        assert len(set(reasons)) == len(reasons), f"lab {number}: two attempts expect one reason"
        covered = {k for a in RIGHT if a.lab == number for k in a.keys}
        assert covered == set(lab(number).tasks), f"lab {number}: right solutions miss tasks"
    assert len({a.id for a in WRONG + RIGHT}) == len(WRONG + RIGHT)


@pytest.fixture(scope="module")
def env():
    """A client through this process's wiretap, as a notebook's setup() makes one."""
    from dockerlens import connect
    from dockerlens.engine.connect import find_endpoint
    from dockerlens.wire import wiretap
    wiretap.unroute()
    daemon = find_endpoint()[0]
    proxy = wiretap.route(daemon)
    client = connect(proxy)
    yield Env(client, proxy, daemon)
    client.close()
    wiretap.unroute()


@pytest.fixture
def attempt_env(env, cleanup):
    yield env
    for thing in reversed(env.closing):
        (getattr(thing, "stop", None) or thing.close)()
    env.closing.clear()
    env.case = None


def _run(attempt, env, monkeypatch):
    the_lab = lab(attempt.lab)
    if attempt.within is not None:
        for key in attempt.keys:
            monkeypatch.setattr(the_lab.tasks[key], "within", attempt.within)
    env.case = the_lab.prepare(env.client) if attempt.prepare else None
    variables = attempt.make(env) or {}
    return [the_lab.check(k, variables=variables, client=env.client) for k in attempt.keys]


@pytest.mark.docker
@pytest.mark.parametrize("attempt", WRONG, ids=lambda a: a.id)
def test_wrong_attempt_fails_with_its_own_reason(attempt, attempt_env, monkeypatch):
    from dockerlens.engine.facts import facts
    (result,) = _run(attempt, attempt_env, monkeypatch)
    engine = facts(attempt_env.client)
    if engine.family not in attempt.families:  # this engine cannot tell: the task says so
        goal = lab(attempt.lab).tasks[attempt.keys[0]].goal
        assert engine.name.split()[0] in goal, f"{result.key}'s goal does not say why {engine.name} cannot tell"
        return
    assert not result.passed, f"{result.key} passed a wrong attempt ({attempt.what})"
    assert attempt.expect in result.reason, result.reason


@pytest.mark.docker
@pytest.mark.parametrize("attempt", RIGHT, ids=lambda a: a.id)
def test_right_solution_passes(attempt, attempt_env, monkeypatch):
    results = _run(attempt, attempt_env, monkeypatch)
    failed = [repr(r) for r in results if not r.passed]
    assert not failed, "\n".join(failed)


@pytest.mark.docker
def test_04_a_step_that_changes_no_file_is_a_layer_only_on_the_classic_store(attempt_env):
    """`RUN chmod 644` of a file that is already 644: the containerd store writes no layer for it,
    so there the image has two layers of its own and the check says which step made none."""
    from dockerlens.engine.facts import facts
    from .corpus.lab04 import DOCKERFILE, _app
    _app(attempt_env, DOCKERFILE.replace("chmod 444", "chmod 644"))
    result = lab("04").check(2, variables={}, client=attempt_env.client)
    if facts(attempt_env.client).image_store == "containerd":
        assert not result.passed
        assert "adds 2 layer(s)" in result.reason and "`RUN chmod 644 /app/message.txt` left every file as it was" \
            in result.reason, result.reason
    else:
        assert result.passed, result.reason
