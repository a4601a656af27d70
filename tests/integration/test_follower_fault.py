"""The follower survives a daemon restart: a PRIVATE daemon of this test, never the shared one.

The private daemon is of the engine under test: against the host's daemon, the host's dockerd
in a network namespace of its own (``unshare --net``: a dockerd started with ``--bridge=none``
deletes the host's ``docker0`` interface at startup, moby's ``removeDefaultBridgeInterface``,
which would break the shared daemon's containers); against a private engine of the matrix
(``DOCKERLENS_ENGINE``), a sibling of that engine (same binary, root and configuration) with
its own namespaces, data and socket.
"""
from __future__ import annotations

import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

import dockerlens as lens
from dockerlens.engine.connect import connect
from dockerlens.live import EventFollower, wait_until
from dockerlens.engine.system import wait_for_ping

pytestmark = [pytest.mark.docker, pytest.mark.fault]


class PrivateDaemon:
    """A dockerd with its own socket, data root, exec root and pid file, under a temp dir."""

    def __init__(self):
        if not shutil.which("dockerd") or not shutil.which("unshare"):
            pytest.skip("dockerd or unshare is not installed")
        self.root = Path(tempfile.mkdtemp(prefix="lens-fault-"))
        self.socket = self.root / "docker.sock"
        self.url = f"unix://{self.socket}"
        self.proc = None

    def start(self) -> None:
        log = open(self.root / "dockerd.log", "ab")
        self.proc = subprocess.Popen(  # like system.start_dockerd, but in its own netns
            ["unshare", "--net", "dockerd", "--host", self.url, "--pidfile", str(self.root / "dockerd.pid"),
             "--data-root", str(self.root / "data"), "--exec-root", str(self.root / "exec"),
             "--bridge=none", "--iptables=false", "--ip-masq=false"],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        if not wait_for_ping(self.url, 60, self.proc):
            log = (self.root / "dockerd.log").read_text(errors="replace")[-2000:]
            pytest.fail(f"the private dockerd did not answer; its log:\n{log}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(30)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


class SiblingEngine:
    """A private engine like the one under test (`dockerlens.engine.private`), for this test only."""

    def __init__(self, engine):
        from dockerlens.engine import private
        self.private = private
        self.engine = private.sibling(engine, f"fault-{engine.name}")
        self.url = self.engine.docker_host

    def start(self) -> None:
        self.private.up(self.engine)

    def stop(self) -> None:
        self.private.down(self.engine, quiet=True)

    def remove(self) -> None:
        self.stop()
        for path in (self.engine.data_dir, self.engine.run_dir):
            shutil.rmtree(path, ignore_errors=True)


def daemon_like_the_one_under_test():
    from dockerlens.engine.private import under_test
    engine = under_test()
    return SiblingEngine(engine) if engine else PrivateDaemon()


@pytest.fixture
def private_daemon():
    daemon = daemon_like_the_one_under_test()
    try:
        daemon.start()
        yield daemon
    finally:
        daemon.remove()


def test_follower_reconnects_after_a_daemon_restart(private_daemon):
    seen: list[str] = []
    statuses: list[str] = []
    def volume_of(event) -> str:  # Docker names the volume in Actor.ID; Podman leaves ID empty
        actor = event.get("Actor") or {}
        return actor.get("ID") or (actor.get("Attributes") or {}).get("name", "")

    follower = EventFollower(lambda e: seen.append(volume_of(e)), filters={"type": ["volume"]},
                             base_url=private_daemon.url, on_status=statuses.append,
                             backoff=(0.1, 0.5)).start()
    try:
        assert wait_until(lambda: follower.status == "following", 10)
        private_daemon.stop()
        assert wait_until(lambda: follower.status == "reconnecting", 10), statuses
        private_daemon.start()
        assert wait_until(lambda: follower.status == "following", 15), statuses
        assert follower.reconnects >= 1
        client = connect(private_daemon.url)
        try:
            vol = client.volumes.create(lens.name("after-restart"), labels=lens.labels())
            assert wait_until(lambda: vol.name in seen, 5), seen
            vol.remove()
        finally:
            client.close()
        assert statuses[:3] == ["following", "reconnecting", "following"], statuses
    finally:
        follower.stop()
    assert not follower.alive


def test_a_panel_says_reconnecting_while_its_daemon_is_down(private_daemon):
    from dockerlens.live import Panel
    frames: list[str] = []
    panel = Panel("fault", everything=True, sink=frames.append, base_url=private_daemon.url).start()
    try:
        assert wait_until(lambda: panel.follower.status == "following", 10)
        private_daemon.stop()
        assert wait_until(lambda: "events: reconnecting" in frames[-1], 10), frames[-1][-400:]
        private_daemon.start()
        assert wait_until(lambda: panel.follower.status == "following", 15)
        assert wait_until(lambda: "reconnecting" not in frames[-1], 5)
    finally:
        panel.stop()
    assert not panel.running
