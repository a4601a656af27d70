"""`classroom up`: progress, login cards, every learner's server with the course and a private daemon."""
from __future__ import annotations

import pwd
import stat
from pathlib import Path

from .conftest import as_learner, classroom_cli


def test_up_says_each_step_and_prints_a_card_per_account(classroom, cfg):
    out = classroom["up"]
    for step in ("[1/4]", "[2/4]", "[3/4]", "[4/4]"):
        assert step in out
    for name in [cfg.instructor, *cfg.learner_names]:
        assert f"user {name}" in out
    cards = Path("/var/lib/dockerlens-classroom/login-cards.txt")
    assert stat.S_IMODE(cards.stat().st_mode) == 0o600


def test_status_lists_every_learner_running_with_a_daemon_that_answers(cfg):
    out = classroom_cli("status").stdout
    for name in cfg.learner_names:
        row = next(line for line in out.splitlines() if line.strip().startswith(name))
        assert "running" in row and "answers" in row, out


def test_each_learner_has_the_course_in_their_own_home(cfg):
    for name in cfg.learner_names:
        home = Path(pwd.getpwnam(name).pw_dir)
        notebook = home / "course" / "notebooks" / "05-containers.ipynb"
        assert notebook.exists()
        assert notebook.stat().st_uid == pwd.getpwnam(name).pw_uid


def test_the_setup_line_says_rootless_private_to_you(cfg):
    name = cfg.learner_names[0]
    done = as_learner(cfg, name, "import dockerlens as lens; lens.setup('05')")  # prints its line
    assert done.returncode == 0, done.stderr
    assert "rootless, private to you" in done.stdout
    assert f"learner {name}" in done.stdout
    assert f"/run/dockerlens-classroom/{name}/docker.sock" in done.stdout
