"""A real registry on 127.0.0.1 that the course starts itself, with a recording relay in front.

``reg = lens.registry.start()`` runs Debian's ``docker-registry`` (the reference
implementation of the distribution spec) with a private folder for its configuration and
storage, and a relay that the daemon pushes to and pulls from. Docker trusts plain HTTP to
registries on 127.0.0.0/8 by default (``docker info``: ``InsecureRegistryCIDRs``), so no
daemon setting changes. ``reg.stop()``, ``lens.reset("NN")`` and the end of the kernel stop it
and delete its storage.

In replay there is no daemon to push, so nothing is started: the registry has the address it
had when the lesson was recorded (ports are chosen per learner and lesson, the same each
time), and ``reg.live`` is False.
"""
from __future__ import annotations

import atexit
import html
import os
import secrets
import subprocess
import zlib
from pathlib import Path

from .. import replay
from ..engine import scope
from . import htpasswd, http, install, state
from .trust import Trust, trust
from .relay import Relay, free_port, wait_listening
from .requests import Log, Requests, Tap

LOG = Log()  # every registry request this kernel's relays saw (the live panel listens here)
_RUNNING: dict[str, "Registry"] = {}
# Preferred relay ports: 21000 + crc32(learner/lesson/name) % 8000, below Linux's ephemeral range
# (32768-60999), where outgoing connections would take them now and then.
PORTS = (21000, 8000)


def preferred_port(learner: str, lesson: str, name: str) -> int:
    """The same port for the same learner, lesson and registry name (replay matches on it)."""
    return PORTS[0] + zlib.crc32(f"{learner}/{lesson}/{name}".encode()) % PORTS[1]


class Registry:
    """One course registry: where it listens, who may push, what the daemon asked it."""

    def __init__(self, name: str, lesson: str, relay_port: int, users: dict[str, str] | None,
                 record: state.Record | None = None, relay: Relay | None = None, problem: str = ""):
        self.name, self.lesson, self.users = name, lesson, dict(users or {})
        self.relay_port, self.record, self.relay = relay_port, record, relay
        self.problem = problem  # why no registry could be started here ('' if none)
        self._process: subprocess.Popen | None = None

    # -- where and what -----------------------------------------------------------------
    @property
    def address(self) -> str:
        """``127.0.0.1:PORT``: the registry part of an image reference (the relay's port)."""
        return f"127.0.0.1:{self.relay_port}"

    @property
    def live(self) -> bool:
        """True while a real registry process answers (False in replay and after stop())."""
        return self.record is not None and state.alive(self.record)

    @property
    def auth(self) -> bool:
        return bool(self.users)

    def ref(self, repository: str, tag: str | None = None, digest: str | None = None) -> str:
        """An image reference in this registry: ``127.0.0.1:PORT/REPO[:TAG][@DIGEST]``."""
        return (f"{self.address}/{repository}" + (f":{tag}" if tag else "")
                + (f"@{digest}" if digest else ""))

    def accepted_by(self, client) -> Trust:
        """Whether the client's engine will push here over plain HTTP (asks ``GET /info``)."""
        if self.problem:
            return Trust(self.address, False, self.problem)
        return trust(client.info(), self.address)

    def credentials(self) -> dict[str, str]:
        """``auth_config`` for the SDK's push/pull: the first user and password."""
        if not self.users:
            return {}
        user, password = next(iter(self.users.items()))
        return {"username": user, "password": password}

    # -- its HTTP API, read by hand ------------------------------------------------------
    def get(self, path: str, accept: str | None = None, method: str = "GET",
            login: bool = True) -> http.Answer:
        """One raw HTTP request to the registry (through the relay, so it is listed there)."""
        self._need_live(f"{method} {path}")
        headers = {"Accept": accept} if accept else {}
        if login and self.users:
            headers["Authorization"] = http.basic(**_named(self.credentials()))
        return http.request(self.relay_port, method, path, headers)

    def manifest(self, repository: str, reference: str) -> http.Answer:
        """``GET /v2/REPO/manifests/REF`` asking for the formats Docker pushes."""
        return self.get(f"/v2/{repository}/manifests/{reference}", accept=http.MANIFEST_TYPES)

    def tags(self, repository: str) -> list[str]:
        answer = self.get(f"/v2/{repository}/tags/list")
        return sorted(answer.json().get("tags") or []) if answer.status == 200 else []

    def catalog(self) -> list[str]:
        answer = self.get("/v2/_catalog")
        return answer.json().get("repositories", []) if answer.status == 200 else []

    # -- what the daemon asked -----------------------------------------------------------
    def tap(self) -> Tap:
        """``with reg.tap() as rtap:``: the /v2/ requests made while the block ran."""
        return Tap(LOG, f"registry {self.address}", self.address)

    def requests(self) -> Requests:
        """Every request this registry's relay has seen."""
        return Requests([r for r in LOG.since(0) if r.registry == self.address],
                        f"registry {self.address}")

    # -- life ----------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop the registry and its relay; delete its storage."""
        if self.relay is not None:
            self.relay.stop()
        if self.record is not None:
            state.end(self.record)
        _RUNNING.pop(self.address, None)

    def _need_live(self, what: str) -> None:
        if not self.live:
            why = ("this is a REPLAY: the registry ran on the machine that recorded the lesson"
                   if replay.active() else self.problem
                   or "the registry is stopped: start one with `lens.registry.start()`")
            raise RuntimeError(f"cannot send {what} to {self.address}: {why}")

    def __repr__(self) -> str:
        state_text = "running" if self.live else ("replayed" if replay.active() else
                                                  f"NOT running: {self.problem}" if self.problem else "stopped")
        who = f", htpasswd users {sorted(self.users)}" if self.users else ", no authentication"
        behind = f" (relay → registry on 127.0.0.1:{self.record.port})" if self.record else ""
        return f"<registry {self.name} {self.address} {state_text}{behind}{who}>"

    def _repr_html_(self) -> str:
        return f"<code>{html.escape(repr(self))}</code>"


def _named(creds: dict) -> dict:
    return {"user": creds["username"], "password": creds["password"]}


def start(name: str = "registry", users: dict[str, str] | None = None, lesson: str | None = None,
          log=None) -> Registry:
    """Start (or reuse) this learner's registry NAME for the lesson; USERS turns on htpasswd."""
    lesson = str(lesson or scope.current_lesson())
    learner = scope.learner()
    port = preferred_port(learner, lesson, name)
    if replay.active():  # no daemon will push: nothing to start, the recorded address
        return Registry(name, lesson, port, users)
    for rec in state.records(learner, lesson):
        if rec.name == name:
            state.end(rec)  # an earlier run's registry: start clean, with these users
    try:
        return _launch(name, lesson, learner, free_port(port), users, log)
    except install.RegistryUnavailable as err:  # the lesson goes on, and says why it cannot push
        return Registry(name, lesson, port, users, problem=str(err))


def _launch(name, lesson, learner, relay_port, users, log) -> Registry:
    binary = install.ensure(log)
    folder = state.folder_for(learner, lesson, name)
    port = free_port(relay_port + 1)
    (folder / "config.yml").write_text(_config(folder, port, bool(users)))
    if users:
        (folder / "htpasswd").write_text("".join(htpasswd.line(u, p) + "\n" for u, p in users.items()))
    with open(folder / "registry.log", "ab") as out:
        proc = subprocess.Popen([binary, "serve", str(folder / "config.yml")], stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    rec = state.Record(learner, lesson, name, str(folder), proc.pid, port, relay_port)
    rec.save()
    if not wait_listening(port):
        tail = (folder / "registry.log").read_text(errors="replace")[-600:]
        state.end(rec)
        raise install.RegistryUnavailable(f"the registry did not start on 127.0.0.1:{port}: {tail}")
    relay = Relay(relay_port, port, LOG).start()
    reg = Registry(name, lesson, relay_port, users, rec, relay)
    reg._process = proc
    _RUNNING[reg.address] = reg
    return reg


def _config(folder: Path, port: int, auth: bool) -> str:
    """The registry's configuration: 127.0.0.1 only, our folder, deletes allowed, quiet logs."""
    text = (f"version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n"
            f"storage:\n  filesystem:\n    rootdirectory: {folder / 'storage'}\n"
            f"  delete:\n    enabled: true\n"
            f"http:\n  addr: 127.0.0.1:{port}\n  secret: {secrets.token_hex(16)}\n")
    if auth:
        text += f"auth:\n  htpasswd:\n    realm: dockerlens\n    path: {folder / 'htpasswd'}\n"
    return text


def running() -> list[Registry]:
    """The registries this kernel started and that still run (a reset elsewhere ends some)."""
    for reg in [r for r in _RUNNING.values() if not r.live]:
        reg.stop()  # its process is gone: close the relay in front of it too
    return list(_RUNNING.values())


def online() -> bool:
    return bool(running())


def stop_all(lesson: str | None = None) -> list[str]:
    """Stop this learner's registries (of one lesson), those of this kernel and any left over."""
    ended = []
    for reg in list(_RUNNING.values()):
        if lesson is None or reg.lesson == str(lesson):
            reg.stop()
            ended.append(f"{reg.name} ({reg.address})")
    return ended + state.end_all(scope.learner(), lesson)


scope.on_reset("registry", stop_all)


@atexit.register
def _stop_ours() -> None:
    """When the kernel ends, its registries end too (reset finds any a crash left)."""
    for reg in list(_RUNNING.values()):
        if reg._process is not None and reg.record and reg.record.pid == reg._process.pid \
                and os.getpid() == _PID:
            reg.stop()


_PID = os.getpid()
