"""Recordings replay with the clients Binder has, not only with the ones that recorded them.

Binder builds `binder/environment.yml` (the SDK: the newest release of its range, as pip picks)
and installs Ubuntu's `docker.io` CLI from `binder/apt.txt`, whose version is not the one
that recorded. So the lessons that drive the CLI are replayed here with a CLI of another
release than the recording's (on this machine: recorded with the 28.2 CLI first on PATH,
replayed with Debian 12's 20.10, older than any Binder's Ubuntu ships), and the SDK in use is
checked against Binder's range.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import docker
import pytest
from packaging.requirements import Requirement

from dockerlens.replay.format import load
from dockerlens.replay.record import recording_path
from dockerlens.show.course import LESSONS

from ..notebooks.nbrun import ROOT, assert_ran, run_notebook
from .test_replay_notebooks import NO_DAEMON

CLIS = [Path(p) / "docker" for p in os.environ["PATH"].split(os.pathsep)] + [Path("/usr/bin/docker")]
CLI_LESSONS = [l for l in LESSONS if "!docker" in l.notebook.read_text()]


def binder_sdk_range() -> Requirement:
    text = (ROOT / "binder" / "environment.yml").read_text()
    return Requirement(re.search(r'"(docker[<>=!~][^"]*)"', text).group(1))


def cli_version(binary: Path) -> str:
    out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True)
    return re.search(r"version ([\w.+~-]+)", out.stdout).group(1).rstrip(",")


def recording_clis(notebook) -> set[str]:
    agents = {e.request.get("headers", {}).get("User-Agent", "") for e in load(recording_path(notebook)).exchanges}
    return {m.group(1) for a in agents if (m := re.match(r"Docker-Client/([^ ]+)", a))}


def other_cli(recorded: set[str]) -> Path:
    """A CLI binary of a release the recording did not use (fails, naming how to get one)."""
    for binary in CLIS:
        if binary.is_file() and os.access(binary, os.X_OK) and cli_version(binary) not in recorded:
            return binary
    pytest.fail(f"no docker CLI other than {sorted(recorded)} here: install Debian's docker.io "
                "(its /usr/bin/docker) beside the one that recorded")


def test_the_sdk_replaying_is_one_binder_installs():
    wanted = binder_sdk_range()
    assert docker.__version__ in wanted.specifier, (docker.__version__, str(wanted))


def test_lessons_drive_the_cli():
    assert {l.number for l in CLI_LESSONS} >= {"02", "03"}


@pytest.mark.notebooks
@pytest.mark.parametrize("lesson", CLI_LESSONS, ids=lambda l: l.notebook.stem)
def test_a_cli_lesson_replays_with_a_cli_of_another_release(lesson, tmp_path):
    recorded = recording_clis(lesson.notebook)
    assert recorded, f"{lesson.notebook.name}'s recording holds no docker CLI request"
    binary = other_cli(recorded)
    (tmp_path / "docker").symlink_to(binary)
    env = {**NO_DAEMON, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    run = run_notebook(lesson.notebook, env=env)
    assert_ran(run)
