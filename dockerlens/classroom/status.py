"""``classroom status``: every learner's account, server and private daemon, in one table."""
from __future__ import annotations

import html
import time
from dataclasses import dataclass, field

from . import hub, hubapi
from .config import ClassConfig
from .daemon import LearnerDaemon


@dataclass
class Row:
    """One account of the class as the machine sees it now."""
    name: str
    role: str
    server: str     # "running", "stopped", or the hub's pending state
    daemon: str     # "answers", "not running", "not answering"
    restarts: int = 0   # after the daemon died (the watchdog's), not with the server
    last_death: str = ""


@dataclass
class Status:
    """The class: hub URL, whether it answers, and one row per account."""
    url: str = ""
    hub: str = "down"
    rows: list[Row] = field(default_factory=list)

    def row(self, name: str) -> Row:
        return next(r for r in self.rows if r.name == name)

    def __repr__(self) -> str:
        if not self.url:
            return "no classroom is up (start one with `python -m dockerlens classroom up --learners N`)"
        lines = [f"classroom at {self.url}: hub {self.hub}",
                 f"  {'account':<24} {'role':<10} {'server':<9} {'daemon':<14} restarts  last death"]
        lines += [f"  {r.name:<24} {r.role:<10} {r.server:<9} {r.daemon:<14} {r.restarts:>8}  {r.last_death}"
                  for r in self.rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cells = lambda r: "".join(f"<td>{html.escape(str(v))}</td>" for v in (  # noqa: E731
            r.name, r.role, r.server, r.daemon, r.restarts, r.last_death))
        body = "".join(f"<tr>{cells(r)}</tr>" for r in self.rows)
        return (f"<div>classroom at <code>{html.escape(self.url)}</code>: hub {self.hub}</div><table>"
                "<tr><th>account</th><th>role</th><th>server</th><th>daemon</th><th>restarts</th>"
                f"<th>last death</th></tr>{body}</table>")


def status() -> Status:
    """Look at the class now: the hub's view of servers, and each daemon's socket and history."""
    cfg = ClassConfig.load()
    if cfg is None:
        return Status()
    servers = _servers(cfg) if hub.pid() else {}
    result = Status(cfg.url, "answers" if servers is not None and hub.pid() else "down")
    for name, facts in cfg.accounts.items():
        result.rows.append(_row(name, facts.get("role", "learner"), (servers or {}).get(name, "?")))
    return result


def _row(name: str, role: str, server: str) -> Row:
    """One account: its server as the hub says, its daemon as its socket and record say."""
    daemon = LearnerDaemon(name)
    state = daemon.state()
    answering = "answers" if daemon.answers() else ("not answering" if state.get("pid") else "not running")
    death = state.get("last_death")
    last = f"{time.strftime('%H:%M:%S', time.localtime(death))} (exit {state.get('last_exit')})" if death else ""
    return Row(name, role, server, answering, state.get("deaths", 0), last)


def _servers(cfg: ClassConfig) -> dict[str, str] | None:
    try:
        users = hubapi.users(cfg)
    except OSError:
        return None
    return {name: _server_state(u) for name, u in users.items()}


def _server_state(user: dict) -> str:
    server = (user.get("servers") or {}).get("")
    if not server:
        return "stopped"
    return "running" if server.get("ready") else (server.get("pending") or "starting")
