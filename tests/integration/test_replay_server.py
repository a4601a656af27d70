"""The replay server gives clients the bytes a live daemon gave them: captured here, live,
through the wiretap's proxy and the recorder, then served back with no daemon involved."""
from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time

import docker
import re

import pytest

from dockerlens.engine import images, scope
from dockerlens.engine.connect import find_endpoint
from dockerlens.wire.proxy import Proxy
from dockerlens.replay.format import Header, Recording, dumps, load
from dockerlens.replay.recorder import Recorder
from dockerlens.replay.server import ReplayServer

pytestmark = pytest.mark.docker


class Capture:
    """A recording proxy in front of the real daemon, for one test."""

    def __init__(self, tmp_path, daemon_path: str):
        self.recorder = Recorder("Sat, 28 Nov 2026 13:00:00 GMT")
        self.proxy = Proxy(str(tmp_path / "rec.sock"), daemon_path,
                           on_bytes=self.recorder.on_bytes).start()

    def recording(self, tmp_path) -> Recording:
        self.proxy.stop()
        header = Header("99", "-", "-", "2026-11-28", "?", "1.41", docker.__version__,
                        scope.learner())
        path = tmp_path / "r.jsonl.gz"
        path.write_bytes(dumps(Recording(header, self.recorder.exchanges())))
        return load(path)


@pytest.fixture
def capture(tmp_path, client):
    url, _ = find_endpoint()
    assert url.startswith("unix://"), "these tests need a daemon on a Unix socket"
    cap = Capture(tmp_path, url[len("unix://"):])
    yield cap
    cap.proxy.stop()


def _exec_raw(api, ctr_id: str) -> bytes:
    """The raw hijacked stream of an exec, exactly as the client's socket receives it."""
    exec_id = api.exec_create(ctr_id, ["sh", "-c", "echo out; echo err >&2; echo done"])["Id"]
    sock = api.exec_start(exec_id, socket=True)
    raw = sock._sock if hasattr(sock, "_sock") else sock
    data = b""
    while chunk := raw.recv(65536):
        data += chunk
    raw.close()
    return data


def _run(url: str, pause: float = 0.4) -> dict:
    """The scenario against an endpoint: raw exec bytes, event chunks with arrival times."""
    c = docker.DockerClient(base_url=url, version=None)
    follower = docker.APIClient(base_url=url, version=c.api.api_version)
    events = follower.events(decode=False, filters={"label": f"{scope.LEARNER}={scope.learner()}"})
    chunks: list[tuple[float, bytes]] = []
    reader = threading.Thread(target=lambda: chunks.extend((time.monotonic(), e) for e in events))
    reader.start()
    started = time.monotonic()
    ctr = c.containers.create(images.tag("base"), "sleep 30", name=scope.name("replay"),
                              labels=scope.labels("99"))
    time.sleep(pause)
    start_at = time.monotonic() - started
    ctr.start()
    raw = _exec_raw(c.api, ctr.id)
    ctr.remove(force=True)
    time.sleep(0.4)
    events.close()
    reader.join(5)
    c.close()
    return {"exec": raw, "events": b"".join(e for _, e in chunks), "start_at": start_at,
            "times": [t - started for t, _ in chunks], "chunks": [e for _, e in chunks]}


def test_hijacked_exec_and_events_stream_replay_the_live_bytes(capture, tmp_path, cleanup):
    live = _run(capture.proxy.url)
    assert b"out\n" in live["exec"] and live["exec"][:1] in (b"\x01", b"\x02")
    assert live["events"].count(b'"Action"') >= 4   # create, start, exec_*, die/destroy
    recording = capture.recording(tmp_path)
    kinds = {(e.method, e.upgraded, e.open) for e in recording.exchanges}
    assert ("POST", True, False) in kinds and ("GET", False, True) in kinds
    with ReplayServer(recording) as server:
        replayed = _run(server.url)
        assert not server.misses
    assert replayed["exec"] == live["exec"]
    assert replayed["events"] == live["events"]
    # the events arrive spread out as they did live (a 0.4 s pause between create and start)
    spread = lambda times: times[-1] - times[0]
    assert abs(spread(replayed["times"]) - spread(live["times"])) < 0.3


def test_a_replayed_event_waits_for_the_learner_to_act(capture, tmp_path, cleanup):
    """A learner who starts the container later than recorded sees its start event later."""
    live = _run(capture.proxy.url)
    with ReplayServer(capture.recording(tmp_path)) as server:
        slow = _run(server.url, pause=1.5)
        assert not server.misses
    assert slow["events"] == live["events"]
    when = next(t for t, chunk in zip(slow["times"], slow["chunks"]) if b'"start"' in chunk)
    # not at the recorded +0.4 s, but once the replay was asked to start (plus the recorded
    # time the daemon took to start it); the upper bound only says it did not wait for nothing,
    # loose enough for a loaded 2-core machine
    assert slow["start_at"] <= when < slow["start_at"] + 5, (slow["start_at"], when)


def test_the_docker_cli_and_head_ping_replay(capture, tmp_path, cleanup):
    cli = shutil.which("docker")
    if not cli:
        pytest.skip("the docker CLI is not installed")
    args = [cli, "ps", "-a", "--filter", f"label={scope.LEARNER}={scope.learner()}",
            "--format", "{{.Names}}"]
    live = subprocess.run(args, env={"DOCKER_HOST": capture.proxy.url, "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=30)
    assert live.returncode == 0, live.stderr
    recording = capture.recording(tmp_path)
    assert ("HEAD", "/_ping") in {(e.method, e.target) for e in recording.exchanges}
    with ReplayServer(recording) as server:
        replayed = subprocess.run(args, env={"DOCKER_HOST": server.url, "PATH": "/usr/bin:/bin"},
                                  capture_output=True, text=True, timeout=30)
        head = _raw(server.path, b"HEAD /_ping HTTP/1.1\r\nHost: docker\r\n\r\n")
    assert (replayed.returncode, replayed.stdout) == (0, live.stdout)
    assert head.startswith(b"HTTP/1.1 200") and head.endswith(b"\r\n\r\n")  # HEAD: no body


def test_an_unrecorded_request_gets_501_naming_it_and_the_fix(capture, tmp_path):
    docker.DockerClient(base_url=capture.proxy.url, version=None).close()
    with ReplayServer(capture.recording(tmp_path)) as server:
        c = docker.DockerClient(base_url=server.url, version=None)
        with pytest.raises(docker.errors.APIError) as err:
            c.containers.get("lens-nobody-nothing")
    assert err.value.status_code == 501
    message = err.value.explanation
    assert re.search(r"GET /v1\.\d+/containers/lens-nobody-nothing/json", message)  # any API version
    assert "REPLAYING" in message and "make record" in message


def _raw(path: str, request: bytes) -> bytes:
    sock = socket.socket(socket.AF_UNIX)
    sock.settimeout(5)
    sock.connect(path)
    sock.sendall(request)
    time.sleep(0.3)
    data = sock.recv(65536)
    sock.close()
    return data
