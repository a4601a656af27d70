"""Replay mode: which recording a notebook replays, the server for it, and the banner.

``setup("NN")`` calls :func:`start` when ``DOCKERLENS_MODE=replay`` or when no daemon
answers: it serves ``recordings/NN-slug.jsonl.gz`` on a private Unix socket and points
``DOCKER_HOST`` (so the SDK, the ``docker`` CLI and the wiretap's proxy) at it.
"""
from __future__ import annotations

import os
from pathlib import Path

from .format import Recording, cells_hash, load
from .record import RECORDINGS, ROOT, recording_path
from .server import ReplayServer
from ..show.course import LESSONS

ENV_MODE = "DOCKERLENS_MODE"
ENV_SPEED = "DOCKERLENS_REPLAY_SPEED"
ENV_RECORDING = "DOCKERLENS_RECORDING"
README_HINT = "for a live daemon see README"
LAB_NEEDS_LIVE = ("this check needs a live daemon: the course is REPLAYING a recorded session, "
                  "so nothing you create is really there. Run the course with Docker (README: "
                  "local daemon, or the dev container in the cloud) to have your work checked.")
_state: dict = {}


class NoRecording(RuntimeError):
    """Replay was asked for a lesson that has no recording; the message says what to do."""


class StaleRecording(RuntimeError):
    """A notebook's code changed after it was recorded; the message says to run `make record`."""


def wanted() -> bool:
    """True when the environment asks for replay mode (``DOCKERLENS_MODE=replay``)."""
    return os.environ.get(ENV_MODE, "").strip().lower() == "replay"


def recording() -> bool:
    """True while ``make record`` runs this kernel: code paths must be those replay can serve."""
    return os.environ.get(ENV_RECORDING) == "1"


def active() -> bool:
    """True while this kernel replays a recording (lab checks need a live daemon)."""
    return "server" in _state


def banner() -> str | None:
    """The replay banner for the setup line and the diagrams; None in live mode."""
    return _state.get("banner")


def notebook_for(lesson: str, cwd: Path | None = None) -> Path:
    """The notebook being run: a lab's solution when the kernel runs in its folder."""
    cwd = Path(cwd or Path.cwd())
    for item in LESSONS:
        if item.number == str(lesson):
            solution = item.lab / "solution.ipynb"
            if cwd.resolve() == item.lab.resolve() and recording_path(solution).exists():
                return solution
            return item.notebook
    raise NoRecording(f"lesson {lesson!r} is not in the course map (dockerlens/course.py)")


def recording_for(lesson: str, cwd: Path | None = None) -> Path:
    """The recording file of a lesson, or NoRecording naming the fix."""
    path = recording_path(notebook_for(lesson, cwd))
    if not path.exists():
        raise NoRecording(f"no recording of lesson {lesson} at {path.relative_to(ROOT)}: "
                          "record it with `make record` on a machine with a live daemon")
    return path


def available(lesson: str) -> bool:
    try:
        recording_for(lesson)
        return True
    except NoRecording:
        return False


def check_current(notebook: Path, recording: Recording) -> None:
    """Raise StaleRecording when the notebook's code cells changed since the recording."""
    if cells_hash(notebook) != recording.header.cells_sha256:
        raise StaleRecording(
            f"{Path(notebook).name} changed after its recording of {recording.header.date} "
            f"was made (its code cells differ): run `make record` to record it again")


def _engine(recorded: str) -> str:
    """Recordings name their engine (``Docker Engine 28.5.2 · classic image store``); older ones
    held the version alone."""
    return recorded if not recorded[:1].isdigit() else f"Docker Engine {recorded}"


def start(lesson: str) -> str:
    """Serve the lesson's recording on a private socket; return its URL (DOCKER_HOST is set)."""
    stop()
    path = recording_for(lesson)
    recording = load(path)
    server = ReplayServer(recording, speed=float(os.environ.get(ENV_SPEED, "1") or 1)).start()
    h = recording.header
    text = (f"REPLAY of a real session recorded on {h.date} from {_engine(h.engine)} "
            f"(API {h.api}) — nothing is running; {README_HINT}")
    try:
        check_current(ROOT / h.notebook, recording)
    except (StaleRecording, OSError):
        text += (" · this notebook changed since: changed cells get 501 answers "
                 "(re-record with `make record`)")
    _state.update(server=server, banner=text, saved_host=os.environ.get("DOCKER_HOST"),
                  saved_learner=os.environ.get("DOCKERLENS_LEARNER"), recording=recording)
    os.environ["DOCKER_HOST"] = server.url
    os.environ["DOCKERLENS_LEARNER"] = h.learner  # names and label filters as recorded
    return server.url


def stop() -> None:
    """End replay: stop the server and give DOCKER_HOST and the learner back."""
    server = _state.pop("server", None)
    if server is None:
        return
    server.stop()
    for key, name in (("saved_host", "DOCKER_HOST"), ("saved_learner", "DOCKERLENS_LEARNER")):
        value = _state.pop(key, None)
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    _state.clear()


def server() -> ReplayServer | None:
    """The running replay server (its ``misses`` list unrecorded requests), if any."""
    return _state.get("server")


__all__ = ["NoRecording", "RECORDINGS", "StaleRecording", "active", "available", "banner",
           "check_current", "recording", "recording_for", "server", "start", "stop", "wanted"]
