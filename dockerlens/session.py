"""The first cell of every notebook: connect, remember the lesson, say where we are."""
from __future__ import annotations

import html
import os
from dataclasses import dataclass

from . import replay, scope, wiretap
from .classroom.rootless import PRIVATE, is_rootless
from .connect import DaemonUnavailable, connect, find_endpoint

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
                f"Docker Engine {self.engine} · API {self.api} · learner {self.learner}"
                + (f" · {PRIVATE}" if self.rootless else "")
                + (" · wiretap on" if self.wiretap else "") + (f"\n{self.banner}" if self.banner else ""))

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.mode == "live" else "#9a6700"
        return (f'<div style="font-family:monospace;padding:4px 8px;border-left:4px solid {colour}">'
                f'<b style="color:{colour}">{self.mode.upper()}</b> · lesson {html.escape(self.lesson)}'
                f' · daemon <code>{html.escape(self.endpoint)}</code>'
                f' · Docker Engine {html.escape(self.engine)} · API {html.escape(self.api)}'
                f' · learner <b>{html.escape(self.learner)}</b>'
                + (f' · <b>{PRIVATE}</b>' if self.rootless else '')
                + (' · wiretap on' if self.wiretap else '')
                + (f'<br><b style="color:{colour}">{html.escape(self.banner)}</b>' if self.banner
                   else '') + '</div>')


def setup(lesson: str, show: bool = True):
    """Connect to the daemon, record the lesson, display the setup line; return the client."""
    scope.set_lesson(str(lesson))
    wiretap.unroute()  # look for the daemon itself, not at our own proxy
    endpoint = _endpoint(str(lesson))
    url = wiretap.route(endpoint)  # the proxy in front of it; DOCKER_HOST now points there
    client = connect(url)
    if url == endpoint:
        wiretap.hook(client)  # no proxy (TCP/TLS or switched off): record SDK calls only
    version = client.version()
    line = SetupLine("replay" if replay.active() else "live", str(lesson), endpoint,
                     version.get("Version", "?"), client.api.api_version, scope.learner(),
                     replay.banner() or "", url != endpoint,
                     not replay.active() and _rootless(endpoint, client.api.api_version))
    _session.update(client=client, line=line)
    if show:
        _display(line)
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


def _rootless(endpoint: str, api_version: str) -> bool:
    """Ask the daemon itself (not through the wiretap) whether it is rootless.

    Not while the recorder runs (``DOCKERLENS_RECORDING``): a recording holds what the notebook asks.
    """
    import docker
    if os.environ.get("DOCKERLENS_RECORDING"):
        return False
    direct = docker.DockerClient(base_url=endpoint, version=api_version)
    direct.api.headers["User-Agent"] = f"{wiretap.INTERNAL_AGENT} (setup line)"
    try:
        return is_rootless(direct.info())
    except Exception:  # the line is informative: a daemon that will not say is not rootless
        return False
    finally:
        direct.close()


def client():
    """The client setup() made (connecting now if setup() was not called)."""
    if "client" not in _session:
        _session["client"] = connect()
    return _session["client"]


def _display(obj) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
        if get_ipython() is not None:
            display(obj)
            return
    except ImportError:
        pass
    print(repr(obj))
