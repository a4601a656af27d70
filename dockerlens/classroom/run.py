"""``classroom up`` and ``classroom down``: everything a class makes, made and removed in one place."""
from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

from . import accounts, hub, install
from .config import RUN, STATE, ClassConfig
from .daemon import LearnerDaemon, save_course_images

CARDS = STATE / "login-cards.txt"


def up(learners: int, prefix: str = "dl", port: int = 8000, say=print) -> ClassConfig:
    """Make the accounts, start the hub with its board; print the login cards. Root only."""
    install.require_root()
    running = ClassConfig.load()
    if running is not None and hub.pid() is not None:
        raise install.NotReady(f"a classroom is already up at {running.url}: "
                               "`python -m dockerlens classroom down` first")
    say("[1/4] checking what the classroom needs (rootless Docker, JupyterHub, its proxy)")
    install.ensure_all(say)
    cfg = ClassConfig(prefix=prefix, learners=learners, port=port, hub_port=port + 81, board_port=port + 91)
    cfg.learner_python = install.learner_python(Path(cfg.course), say)
    STATE.mkdir(mode=0o700, parents=True, exist_ok=True)
    say(f"[2/4] making {learners} learner account(s) and 1 instructor account")
    cards = _make_accounts(cfg, say)
    if not save_course_images(say):
        say("      no host daemon with the course images: each learner's daemon builds them (about 15 s)")
    cfg.save()
    _write_cards(cfg, cards)
    say(f"[3/4] starting JupyterHub on {cfg.url} (log {hub.LOG})")
    hub.wait(cfg, hub.start(cfg))
    say(f"[4/4] JupyterHub answers; the board is at {cfg.board_url} (instructors only)")
    say(f"\nLogin cards (also in {CARDS}, root only):\n" + CARDS.read_text())
    return cfg


def _make_accounts(cfg: ClassConfig, say) -> dict[str, str]:
    cards = {}
    for name in [cfg.instructor, *cfg.learner_names]:
        accounts.remove(name)  # a stray from a crashed class: start clean
        cards[name] = accounts.new_password()
        facts = accounts.create(name, cards[name])
        cfg.accounts[name] = {**facts, "role": "instructor" if name == cfg.instructor else "learner"}
        say(f"      {name:<24} uid {facts['uid']}, subordinate IDs {facts['subids']}")
    return cards


def _write_cards(cfg: ClassConfig, cards: dict[str, str]) -> None:
    CARDS.touch(mode=0o600)
    lines = [f"{cfg.url}/hub/login   user {name:<24} password {password}"
             + ("   (instructor: board at " + cfg.board_url + ")" if name == cfg.instructor else "")
             for name, password in cards.items()]
    CARDS.write_text("\n".join(lines) + "\n")


def passwords() -> dict[str, str]:
    """The class passwords by account, read back from the login card file (tests log in with them)."""
    found = {}
    for line in CARDS.read_text().splitlines():
        words = line.split()
        found[words[words.index("user") + 1]] = words[words.index("password") + 1]
    return found


def down(say=print) -> None:
    """Stop the hub (servers, daemons, board, proxy) and remove every account, file and directory made."""
    install.require_root()
    cfg = ClassConfig.load()
    found = hub.pid()
    say("[1/3] stopping JupyterHub, its learner servers, their daemons, the board and the proxy")
    hub.stop()
    if found is not None:
        _kill_group(found)
    names = sorted(set(cfg.accounts if cfg else []) | set(accounts.ours()))
    say(f"[2/3] removing {len(names)} account(s) with their homes, daemon data and subordinate IDs")
    for name in names:
        if (RUN / name).exists():
            LearnerDaemon(name).stop(None, grace=3)
        accounts.remove(name)
        say(f"      {name} removed")
    say(f"[3/3] removing {RUN} and {STATE}")
    shutil.rmtree(RUN, ignore_errors=True)
    shutil.rmtree(STATE, ignore_errors=True)


def _kill_group(pgid: int) -> None:
    """What is left of the hub's process group (its proxy, the board) after the hub itself stopped."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        time.sleep(1)
