"""The first cell of every notebook: connect, remember the lesson, say where we are."""
from __future__ import annotations

import html
import os
from dataclasses import dataclass

from . import replay
from .engine import scope
from .wire import wiretap
from .engine.connect import DaemonUnavailable, connect, find_endpoint
from .engine.host import DaemonPlace, place
from .engine.doctor import doctor as engine_doctor
from .engine.facts import facts
from .render import GOOD, WARN
from .render import show as show_object
from .engine.rootless import PRIVATE
from .show import failures

_session: dict = {}


@dataclass
class SetupLine:
    """The one line a notebook's setup cell shows: mode, endpoint, versions, learner."""
    mode: str
    lesson: str
    endpoint: str
    engine: str
    api: str
    learner: str
    banner: str = ""  # replay mode: what was recorded, when, and that nothing is running
    wiretap: bool = False  # every request goes through the wiretap proxy (dockerlens.wiretap)
    rootless: bool = False  # the daemon runs as the learner (a classroom's private daemon)

    def __repr__(self) -> str:
        return (f"dockerlens {self.mode.upper()} · lesson {self.lesson} · daemon {self.endpoint} · "
                f"{self.engine} · API {self.api} · learner {self.learner}"
                + (f" · {PRIVATE}" if self.rootless else "")
                + (" · wiretap on" if self.wiretap else "") + (f"\n{self.banner}" if self.banner else ""))

    def _repr_html_(self) -> str:
        colour = GOOD if self.mode == "live" else WARN
        return (f'<div style="font-family:monospace;padding:4px 8px;border-left:4px solid {colour}">'
                f'<b style="color:{colour}">{self.mode.upper()}</b> · lesson {html.escape(self.lesson)}'
                f' · daemon <code>{html.escape(self.endpoint)}</code>'
                f' · {html.escape(self.engine)} · API {html.escape(self.api)}'
                f' · learner <b>{html.escape(self.learner)}</b>'
                + (f' · <b>{PRIVATE}</b>' if self.rootless else '')
                + (' · wiretap on' if self.wiretap else '')
                + (f'<br><b style="color:{colour}">{html.escape(self.banner)}</b>' if self.banner
                   else '') + '</div>')


def setup(lesson: str, show: bool = True):
    """Connect to the daemon, record the lesson, display the setup line; return the client."""
    scope.set_lesson(str(lesson))
    # errors from here on are explained in the cell that raised them
    failures.install((NotFoundAgain, replay.NoRecording, replay.StaleRecording))
    wiretap.unroute()  # look for the daemon itself, not at our own proxy
    endpoint = _endpoint(str(lesson))
    url = wiretap.route(endpoint)  # the proxy in front of it; DOCKER_HOST now points there
    client = connect(url)
    if url == endpoint:
        wiretap.hook(client)  # no proxy (TCP/TLS or switched off): record SDK calls only
    engine = facts(client)
    line = SetupLine("replay" if replay.active() else "live", str(lesson), endpoint,
                     engine.describe(), client.api.api_version, scope.learner(),
                     replay.banner() or "", url != endpoint, engine.rootless)
    _session.update(client=client, line=line)
    if show:
        show_object(line)
    return client


def _endpoint(lesson: str) -> str:
    """The live daemon's URL, or a replay server's when asked to or when no daemon answers."""
    replay.stop()  # a second setup() starts again from a clean state
    if replay.wanted():
        return replay.start(lesson)
    try:
        endpoint, _ = find_endpoint()
    except DaemonUnavailable:
        if os.environ.get(replay.ENV_MODE, "").lower() == "live" or not replay.available(lesson):
            raise
        return replay.start(lesson)
    return endpoint


def where(client, endpoint: str | None = None) -> DaemonPlace:
    """Is the daemon on this machine? (Host paths, /proc and published ports need it to be.)"""
    if replay.active() or replay.recording():  # a replay's daemon is never on this machine
        return DaemonPlace(False, "this is a REPLAY of a recorded session: the daemon that "
                                  "answered it ran on another machine")
    if endpoint is None:
        line = _session.get("line")
        endpoint = line.endpoint if line is not None else client.api.base_url
    return place(client, endpoint)


def doctor():
    """The preflight report; after setup() its daemon is the setup line's, the wiretap its route."""
    line = _session.get("line")
    if line is None:
        return engine_doctor()
    found = wiretap.routed()
    source = "replay of a recording" if line.mode == "replay" else "setup()"
    return engine_doctor((line.endpoint, source), found[0] if found else "")


def reset(lesson: str | None = None):
    """Remove this learner's labelled course objects (of one lesson if given) and report them."""
    return scope.reset(client(), lesson)


def client():
    """The client setup() made (connecting now if setup() was not called)."""
    if "client" not in _session:
        _session["client"] = connect()
    return _session["client"]




class NotFoundAgain(LookupError):
    """lens.find() found no course object by that name; the message names the cell to run."""


def find(*suffixes: str):
    """This learner's course object(s) called ``lens.name(suffix)``: after a restart, the
    section's objects again (``ctr = lens.find("web")``; ``box, job = lens.find("box", "job")``;
    an image by its tag: ``img = lens.find("hello:1")``)."""
    found = tuple(_find_one(client(), suffix) for suffix in suffixes)
    return found[0] if len(found) == 1 else found


def _find_one(docker_client, suffix: str):
    import docker.errors

    if ":" in suffix:
        return _find_image(docker_client, suffix)
    wanted = scope.name(suffix)
    for kind in (docker_client.containers, docker_client.networks, docker_client.volumes):
        try:
            obj = kind.get(wanted)
        except docker.errors.NotFound:
            continue
        if getattr(obj, "name", wanted) != wanted:  # networks match an ID prefix too
            continue
        scope.guard(obj)
        return obj
    raise _not_found_again("container, network or volume", wanted, suffix)


def _find_image(docker_client, suffix: str):
    import docker.errors

    repository, tag = suffix.rsplit(":", 1)
    wanted = f"{scope.name(repository)}:{tag}"
    try:
        img = docker_client.images.get(wanted)
    except docker.errors.ImageNotFound:
        raise _not_found_again("image", wanted, suffix) from None
    scope.guard(img)
    return img


def _not_found_again(kinds: str, wanted: str, suffix: str) -> NotFoundAgain:
    return NotFoundAgain(
        f"no {kinds} {wanted!r} of learner {scope.learner()}: the cell that creates {suffix!r} "
        f"has not run since lesson {scope.current_lesson()} was reset (or its name is misspelt). "
        "Run that cell, or the lesson from the top (Restart Kernel and Run All Cells).")
