"""Labs: numbered tasks checked against the daemon's real state (``lab = lens.lab("06")``).

>>> lab(6) is lab("06"), lab("06").number
(True, '06')

With a daemon, ``lab("06").prepare()`` sets up the objects the lab's investigation asks about,
and ``lab("06").check(2)`` answers ✓, or ✗ with the specific reason (then hints that escalate).
"""
from __future__ import annotations

import importlib

from .case import Briefing
from .framework import SLUGS, Lab, CheckReport, CheckResult, Task
from .outcomes import Fail, Pending
from .progress import Progress
from .context import caller_variables

NUMBERS = sorted(SLUGS)


def _number(value) -> str:
    text = f"{int(value):02d}" if str(value).isdigit() else str(value)
    if text not in SLUGS:
        raise KeyError(f"there is no lab {value!r}; the labs are {', '.join(NUMBERS)}")
    return text


def lab(number) -> Lab:
    """The lab of lesson NUMBER ("06" or 6): its tasks, checks and this learner's progress."""
    text = _number(number)
    return importlib.import_module(f".lab{text}", __name__).LAB


def all_labs() -> list[Lab]:
    return [lab(n) for n in NUMBERS]


def check(key: str) -> CheckResult:
    """Check one task by key, e.g. ``check("06.2")`` (reads the caller's variables)."""
    lab_part, _, task_part = str(key).partition(".")
    if not task_part.isdigit():
        raise ValueError(f"a task key looks like \"06.2\" (lab 06, task 2), not {key!r}")
    return lab(lab_part).check(int(task_part), variables=caller_variables())


__all__ = ["Briefing", "Fail", "Lab", "Pending", "Progress", "CheckReport", "CheckResult", "Task", "all_labs",
           "check", "lab"]
