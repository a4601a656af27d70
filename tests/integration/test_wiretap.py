"""The wiretap proxy against the real daemon: every client works through it, and it sees them all."""
from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time

import docker
import pytest

from dockerlens.engine import scope
from dockerlens.engine.images import tag
from dockerlens.wire.proxy import Proxy
from dockerlens.show.tap import Tap
from dockerlens.wire.wiretap import Transcript

pytestmark = pytest.mark.docker
DAEMON = "/var/run/docker.sock"


def _daemon_socket() -> str:
    from dockerlens.wire import wiretap
    host = wiretap.daemon_endpoint()  # behind a routed wiretap, its daemon; a stale one is passed by
    return host[len("unix://"):] if host.startswith("unix://") else DAEMON


@pytest.fixture(scope="module")
def tapped():
    """A private proxy in front of the daemon, with its own transcript."""
    directory = tempfile.mkdtemp(prefix="lens-wt-")
    transcript = Transcript()
    proxy = Proxy(os.path.join(directory, "docker.sock"), _daemon_socket(),
                  on_exchange=transcript.observe).start()
    yield proxy, transcript
    proxy.stop()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def sdk(tapped, cleanup):
    c = docker.DockerClient(base_url=tapped[0].url, version=None, timeout=30)
    yield c
    c.close()


def _run_echo(client, *cmd, **kw):
    return client.containers.create(tag("base"), list(cmd), labels=scope.labels("wt"), **kw)


def test_socket_is_private(tapped):
    path = tapped[0].listen_path
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_known_sequence_gives_operations_in_order_with_statuses(tapped, sdk):
    api = sdk.api
    with Tap(source=tapped[1]) as tap:
        ctr = api.create_container(tag("base"), ["echo", "hello"], labels=scope.labels("wt"))
        api.start(ctr)
        assert api.wait(ctr)["StatusCode"] == 0
        assert api.logs(ctr) == b"hello\n"
        api.remove_container(ctr)
    # logs() inspects the container afterwards (tty or not decides how to read the stream)
    assert [(op, status) for _, op, status in tap.calls()] == [
        ("ContainerCreate", 201), ("ContainerStart", 204), ("ContainerWait", 200),
        ("ContainerLogs", 200), ("ContainerInspect", 200), ("ContainerDelete", 204)]
    assert {e.client for e in tap} == {"sdk"}
    assert all(e.path.startswith("/v1.") for e in tap)
    assert '"Image"' in tap[0].request_preview and '"Id"' in tap[0].response_preview
    assert "ContainerDelete" in repr(tap) and "<table>" in tap._repr_html_()


def test_sdk_version_negotiation_is_captured(tapped):
    with Tap(source=tapped[1]) as tap:
        c = docker.DockerClient(base_url=tapped[0].url, version=None)
        c.ping()
        c.close()
    assert tap.operations() == ["SystemVersion", "SystemPing"]
    assert tap[0].path == "/version" and tap[0].client == "sdk"


@pytest.mark.skipif(shutil.which("docker") is None, reason="docker CLI not installed")
def test_cli_through_the_kernel_environment_is_captured(tapped, sdk):
    env = {**os.environ, "DOCKER_HOST": tapped[0].url}
    with Tap(source=tapped[1]) as tap:
        out = subprocess.run(["docker", "run", "--rm", "-i", "--label", "dockerlens.course=1",
                              "--label", f"dockerlens.learner={scope.learner()}",
                              tag("base"), "cat"], input=b"through the tap\n", env=env,
                             capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout == b"through the tap\n"  # stdin relayed over the upgraded connection
    ops = tap.operations()
    assert ops[0] == "SystemPingHead" and {e.client for e in tap} == {"cli"}
    for op in ("ContainerCreate", "ContainerAttach", "ContainerStart", "ContainerWait"):
        assert op in ops, ops
    assert next(e for e in tap if e.operation == "ContainerAttach").upgraded


def test_logs_follow_stream_is_complete(tapped, sdk):
    ctr = _run_echo(sdk, "sh", "-c", "seq 1 3000; for i in 1 2 3; do echo tick $i; sleep 0.2; done")
    with Tap(source=tapped[1]) as tap:
        ctr.start()
        got = b"".join(ctr.logs(stream=True, follow=True))
    expected = "".join(f"{i}\n" for i in range(1, 3001)) + "tick 1\ntick 2\ntick 3\n"
    assert got.decode() == expected
    logs = next(e for e in tap if e.operation == "ContainerLogs")
    assert logs.streaming and "follow=1" in logs.query


def test_exec_run_and_attach_return_full_output(tapped, sdk):
    ctr = _run_echo(sdk, "sleep", "30")
    ctr.start()
    with Tap(source=tapped[1]) as tap:
        code, out = ctr.exec_run(["sh", "-c", "seq 1 5000"])
        code2, (stdout, stderr) = ctr.exec_run(["sh", "-c", "echo out; echo err >&2"], demux=True)
    assert code == 0 and out.decode() == "".join(f"{i}\n" for i in range(1, 5001))
    assert (code2, stdout, stderr) == (0, b"out\n", b"err\n")
    assert tap.operations().count("ExecStart") == 2
    assert all(e.upgraded for e in tap if e.operation == "ExecStart")
    ctr.remove(force=True)

    talker = _run_echo(sdk, "sh", "-c", "sleep 0.5; seq 1 2000")
    talker.start()
    got = b"".join(talker.attach(stream=True, logs=True))
    assert got.decode() == "".join(f"{i}\n" for i in range(1, 2001))


def test_events_stream_and_build(tapped, sdk):
    events = sdk.events(decode=True, filters={"label": f"{scope.LEARNER}={scope.learner()}",
                                              "type": "container"})
    seen = []
    reader = threading.Thread(target=lambda: [seen.append(e["Action"]) for e in events])
    reader.start()
    ctr = _run_echo(sdk, "true", name=scope.name("wt-events"))
    deadline = time.monotonic() + 10
    while "create" not in seen and time.monotonic() < deadline:
        time.sleep(0.05)
    events.close()
    reader.join(5)
    assert "create" in seen and not reader.is_alive()
    ctr.remove()

    dockerfile = f"FROM {tag('base')}\nRUN echo built > /built\n".encode()
    with Tap(source=tapped[1]) as tap:
        img, log = sdk.images.build(fileobj=io.BytesIO(dockerfile), labels=scope.labels("wt"),
                                    tag=f"{scope.name('wt-build')}:1", rm=True)
    assert any("Successfully built" in (chunk.get("stream") or "") for chunk in log)
    build = next(e for e in tap if e.operation == "ImageBuild")
    assert build.status == 200 and build.streaming
    sdk.images.remove(img.id, force=True)


def test_two_threads_with_their_own_clients(tapped):
    errors, counts = [], []

    def work():
        c = docker.DockerClient(base_url=tapped[0].url, version=None)
        try:
            for _ in range(15):
                assert c.ping()
                c.containers.list(filters=scope.filters())
            counts.append(1)
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(err)
        finally:
            c.close()

    with Tap(source=tapped[1]) as tap:
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert not errors and len(counts) == 2
    assert tap.operations().count("SystemPing") == 30
    assert tap.operations().count("ContainerList") == 30
    assert [e.seq for e in tap] == sorted(e.seq for e in tap)


def test_malformed_request_gets_400_and_proxy_keeps_serving(tapped, sdk):
    with Tap(source=tapped[1]) as tap:
        for garbage in (b"THIS IS NOT HTTP\r\n\r\n", b"GET /_ping HTTP/1.1\r\nno colon here\r\n\r\n",
                        b"POST /containers/create HTTP/1.1\r\nContent-Length: lots\r\n\r\n"):
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(10)
                s.connect(tapped[0].listen_path)
                s.sendall(garbage)
                answer = s.recv(4096)
            assert answer.startswith(b"HTTP/1.1 400 Bad Request"), answer
            assert b"malformed request" in answer
        assert sdk.ping()
    assert [e.status for e in tap] == [400, 400, 400, 200]


def test_daemon_gone_gives_a_clean_error_and_is_recorded(tmp_path):
    """A proxy in front of a second proxy we stop: the client gets a 502 APIError, not a hang."""
    middle = Proxy(str(tmp_path / "middle.sock"), _daemon_socket()).start()
    transcript = Transcript()
    front = Proxy(str(tmp_path / "front.sock"), middle.listen_path,
                  on_exchange=transcript.observe).start()
    try:
        c = docker.DockerClient(base_url=front.url, version=None, timeout=10)
        assert c.ping()
        middle.stop()  # the daemon disappears behind the proxy
        with pytest.raises(docker.errors.APIError) as caught:
            c.containers.list()
        assert caught.value.status_code == 502
        assert "is gone" in str(caught.value) or "closed the connection" in str(caught.value)
        failed = transcript.latest()
        assert failed.operation == "ContainerList" and failed.status == 502 and failed.error
        c.close()
    finally:
        front.stop()
        middle.stop()


def test_byte_hook_sees_both_directions(tmp_path):
    seen: list[tuple[int, str, int]] = []
    proxy = Proxy(str(tmp_path / "p.sock"), _daemon_socket(),
                  on_bytes=lambda cid, d, data, t: seen.append((cid, d, len(data)))).start()
    try:
        c = docker.DockerClient(base_url=proxy.url, version=None)
        c.ping()
        c.close()
    finally:
        proxy.stop()
    assert {d for _, d, _ in seen} == {"request", "response"}


def test_daemon_gone_in_the_middle_of_a_stream(tmp_path):
    """An events stream cut by the daemon going away ends for the client and is recorded."""
    middle = Proxy(str(tmp_path / "middle.sock"), _daemon_socket()).start()
    transcript = Transcript()
    front = Proxy(str(tmp_path / "front.sock"), middle.listen_path,
                  on_exchange=transcript.observe).start()
    c = docker.DockerClient(base_url=front.url, version=None, timeout=10)
    try:
        events = c.events(decode=True, filters={"label": f"{scope.LEARNER}=nobody"})
        ended = threading.Event()

        def read():
            try:
                for _ in events:
                    pass
            except Exception:  # noqa: BLE001 - a broken stream may raise; it must not hang
                pass
            ended.set()

        threading.Thread(target=read, daemon=True).start()
        time.sleep(0.3)
        middle.stop()
        assert ended.wait(5), "the client's stream did not end when the daemon went away"
        deadline = time.monotonic() + 5
        while not transcript.latest().done and time.monotonic() < deadline:
            time.sleep(0.05)
        stream = transcript.latest()
        assert stream.operation == "SystemEvents" and stream.streaming and stream.done
        assert stream.error and "daemon" in stream.error
    finally:
        c.close()
        front.stop()


def test_run_with_remove_returns_what_the_container_wrote_every_time(sdk):
    """``containers.run(remove=True)`` removes before it reads the log stream it opened; Podman
    then sometimes ended the stream empty (about one run in forty). Through the wiretap every
    run keeps its output (see ``wire.proxy.LogFollows``); straight to Podman, each of six batches of
    120 runs lost some (18 of 720); at that rate three batches of 60 (this test) in four would."""
    outputs: list[bytes] = []

    def runs(k):
        for i in range(15):
            outputs.append(sdk.containers.run(tag("base"), ["echo", f"run {k}.{i}"], remove=True,
                                              labels=scope.labels("wt")))

    threads = [threading.Thread(target=runs, args=(k,)) for k in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(outputs) == sorted(f"run {k}.{i}\n".encode() for k in range(4) for i in range(15))
