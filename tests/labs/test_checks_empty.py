"""On a daemon with none of the learner's objects, every task fails with its own reason, no exception."""
from __future__ import annotations

import pytest

from dockerlens.engine import scope
from dockerlens.labs import all_labs, lab

# What each task's reason must name when nothing of the learner exists (NAME = lens.name).
EXPECTED = {
    "01.1": "no container named `NAME(oom)`", "01.2": "no container named `NAME(kernel)`",
    "01.3": "no variable `host_pid`", "01.4": "no variable `oom_victim`",
    "02.1": "no container named `NAME(sdk)`", "02.2": "no variable `raw`",
    "02.3": "no variable `failed_status`",
    "03.1": "no variable `fwd`", "03.2": "no variable `fwd`", "03.3": "no variable `fwd`",
    "03.4": "no variable `over_tcp`",
    "04.1": "no image tagged `NAME(app):1.0`", "04.2": "no image tagged `NAME(app):1.0`",
    "04.3": "no image tagged `NAME(app):1.0`", "04.4": "no variable `runs_image`",
    "05.1": "no container named `NAME(paused)`", "05.2": "no container named `NAME(exit3)`",
    "05.3": "no container named `NAME(keeper)`", "05.4": "the case container `NAME(case-quick)` is gone",
    "06.1": "no network named `NAME(net)`", "06.2": "no network named `NAME(net)`",
    "06.3": "no container named `NAME(web)`", "06.4": "no variable `holder`",
    "07.1": "no volume named `NAME(data)`", "07.2": "no volume named `NAME(data)`",
    "07.3": "no volume named `NAME(data)`", "07.4": "no variable `added_file`",
    "08.1": "no variable `seen`", "08.2": "no variable `seen`", "08.3": "no variable `starts`",
    "09.1": "the lab's registry `lab` is not running", "09.2": "no variable `pinned`",
    "09.3": "no variable `deployed_tag`", "09.4": "the lab's registry `lab-secure` is not running",
    "09.5": "no image tagged `NAME(app):1.0`",
    "10.1": "no container named `NAME(hardened)`", "10.2": "no container named `NAME(unprivileged)`",
    "10.3": "no variable `risky`",
}
KEYS = [f"{l.number}.{n}" for l in all_labs() for n in l.tasks]


def test_every_task_has_an_expected_reason():
    """A task added without a test of its empty-state reason fails here."""
    assert sorted(EXPECTED) == sorted(KEYS)
    assert len(KEYS) == 38


def _expected(key: str) -> str:
    text = EXPECTED[key]
    while "NAME(" in text:
        start = text.index("NAME(")
        end = text.index(")", start)
        text = text[:start] + scope.name(text[start + 5:end]) + text[end + 1:]
    return text


@pytest.mark.docker
@pytest.mark.parametrize("key", KEYS)
def test_task_fails_with_its_reason_on_an_empty_daemon(key, client, cleanup):
    number, task = key.split(".")
    result = lab(number).check(int(task), variables={}, client=client)
    assert not result.passed
    assert _expected(key) in result.reason, result.reason
    assert result.seconds < 4, f"{key} waited out its retry bound (5 s or more): took {result.seconds:.1f} s on an empty daemon"
    assert repr(result).startswith(f"✗ {key} ")
