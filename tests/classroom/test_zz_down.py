"""`classroom down` (run last) leaves no process, account, ID range, daemon data or file behind."""
from __future__ import annotations

import pwd
from pathlib import Path

from dockerlens.classroom import accounts
from dockerlens.classroom.config import RUN, STATE
from dockerlens.classroom.install import LEARNER_VENV

from .conftest import classroom_cli


def _cmdlines() -> dict[int, str]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                found[int(entry.name)] = entry.joinpath("cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                pass
    return found


def test_down_removes_everything_the_class_made(cfg, client):
    names = [cfg.instructor, *cfg.learner_names]
    uids = {cfg.accounts[n]["uid"] for n in names}
    homes = [Path(pwd.getpwnam(n).pw_dir) for n in names]
    out = classroom_cli("down").stdout
    assert "[3/3]" in out
    left = {
        "accounts": [n for n in names if n in {p.pw_name for p in pwd.getpwall()}] + accounts.ours(),
        "processes of their uids": [p for uid in uids for p in accounts.pids_of(uid)],
        "hub, proxy, board, learner servers or daemons": [
            f"{pid}: {cmd}" for pid, cmd in _cmdlines().items()
            if str(STATE) in cmd or "dockerlens.classroom.board" in cmd or str(RUN) in cmd
            or f"127.0.0.1:{cfg.port}" in cmd or (str(LEARNER_VENV) in cmd and "singleuser" in cmd)],
        "subordinate ID lines": [line for f in accounts.SUBID_FILES for line in f.read_text().splitlines()
                                 if line.split(":")[0] in names],
        "homes (daemon data)": [str(h) for h in homes if h.exists()],
        "state and runtime dirs": [str(d) for d in (STATE, RUN) if d.exists()],
        "course objects on the host daemon": [
            c.name for c in client.containers.list(all=True, filters={"label": "dockerlens.course"},
                                                   ignore_removed=True)  # other sessions remove theirs
            if c.labels.get("dockerlens.learner") in names],
    }
    assert all(not v for v in left.values()), {k: v for k, v in left.items() if v}
