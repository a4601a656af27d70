"""Plausible wrong attempts, made for real on the daemon, each failing with the reason it must give."""
from __future__ import annotations

import time

import pytest

from dockerlens.engine import images, scope
from dockerlens.labs import lab
from dockerlens.labs.framework import Fail

from .helpers import DOCKERFILE, body, build, events_of, raw_get, run

pytestmark = pytest.mark.docker


def reason(number: str, task: int, client, **variables) -> str:
    result = lab(number).check(task, variables=variables, client=client)
    assert not result.passed, f"{number}.{task} passed but should fail"
    return result.reason


# --- 01 containers vs VMs -------------------------------------------------------------------
def test_01_oom_without_memory_limit(client, cleanup):
    run(client, "oom", ["true"])
    assert "has no memory limit; it needs 64 MiB" in reason("01", 1, client)


def test_01_oom_with_128_mb(client, cleanup):
    run(client, "oom", ["true"], mem_limit="128m")
    assert "has a memory limit of 128 MiB; it needs 64 MiB" in reason("01", 1, client)


def test_01_limit_right_but_never_oom_killed(client, cleanup):
    run(client, "oom", ["true"], mem_limit="64m", memswap_limit="64m")
    assert "exited with code 0 without being OOM-killed" in reason("01", 1, client)


def test_01_kernel_printed_uname_a(client, cleanup):
    run(client, "kernel", ["uname", "-a"])
    assert "not just the kernel release" in reason("01", 2, client)


def test_01_host_pid_is_the_pid_inside(client, cleanup):
    run(client, "sleeper", ["sleep", "60"], wait=False)
    assert "PID inside the container's own PID namespace" in reason("01", 3, client, host_pid=1)


def test_01_host_pid_as_a_string(client, cleanup):
    ctr = run(client, "sleeper", ["sleep", "60"], wait=False)
    got = reason("01", 3, client, host_pid=str(ctr.attrs["State"]["Pid"]))
    assert got.startswith("`host_pid` is a str, but this task needs a int")


# --- 02 the Docker Engine -------------------------------------------------------------------
def test_02_container_without_the_role_label(client, cleanup):
    run(client, "sdk", ["echo", "made with the SDK"])
    assert "has no `role` label; it needs `role=target`" in reason("02", 1, client)


def test_02_container_with_another_command(client, cleanup):
    run(client, "sdk", ["echo", "hello"], labels=scope.labels(role="target"))
    assert "runs `echo hello`, not `echo made with the SDK`" in reason("02", 1, client)


def test_02_raw_is_the_sdk_answer_not_http(client, cleanup):
    ctr = run(client, "sdk", ["echo", "made with the SDK"], labels=scope.labels(role="target"))
    import json
    fake = json.dumps(client.api.containers(all=True)).encode()
    assert "does not start with an HTTP status line" in reason("02", 2, client, raw=fake, target=ctr.id)


def test_02_listing_without_all_misses_the_exited_container(client, cleanup):
    ctr = run(client, "sdk", ["echo", "made with the SDK"], labels=scope.labels(role="target"))
    raw = raw_get("/containers/json")
    assert "only `?all=1` lists stopped containers too" in reason("02", 2, client, raw=raw, target=ctr.id)


def test_02_wrong_path_answers_404(client, cleanup):
    run(client, "sdk", ["echo", "made with the SDK"], labels=scope.labels(role="target"))
    raw = raw_get("/containers/jsn")
    assert "holds an HTTP 404 answer, not 200" in reason("02", 2, client, raw=raw, target="x")


def test_02_target_is_another_container(client, cleanup):
    run(client, "sdk", ["echo", "made with the SDK"], labels=scope.labels(role="target"))
    other = run(client, "other", ["true"])
    raw = raw_get("/containers/json?all=1")
    assert any(c["Id"] == other.id for c in body(raw))
    assert f", not the ID of `{scope.name('sdk')}`" in reason("02", 2, client, raw=raw, target=other.id)


# --- 03 architecture ------------------------------------------------------------------------
@pytest.fixture
def fwd():
    from dockerlens.wire.remote import TLSForwarder
    forwarder = TLSForwarder(key=f"test-{time.monotonic_ns()}").start()
    yield forwarder
    forwarder.stop()


def test_03_remote_is_the_local_socket_client(client, cleanup, fwd):
    from dockerlens import connect
    local = connect()
    try:
        assert "a local socket, not TCP on 127.0.0.1" in reason("03", 2, client, fwd=fwd, remote=local)
    finally:
        local.close()


def test_03_remote_without_client_certificate_is_refused(client, cleanup, fwd):
    import docker
    # version pinned: with "auto" the SDK's own first request would already be refused here
    anonymous = docker.DockerClient(base_url=fwd.url, tls=fwd.tls_config(client_cert=False),
                                    version="1.41")
    anonymous.api.trust_env = False
    assert "could not talk to" in reason("03", 2, client, fwd=fwd, remote=anonymous)
    assert fwd.refused, "the endpoint should have refused the anonymous client"


def test_03_remote_speaks_plain_http(client, cleanup, fwd):
    import docker
    plain = docker.DockerClient(base_url=fwd.url, version="1.41")
    assert "speaks plain HTTP; the endpoint speaks TLS" in reason("03", 2, client, fwd=fwd, remote=plain)


def test_03_forwarder_stopped(client, cleanup, fwd):
    fwd.stop()
    assert "is stopped: start a new one" in reason("03", 1, client, fwd=fwd)


def test_03_volume_made_locally_not_over_tcp(client, cleanup, fwd):
    client.volumes.create(scope.name("over-tcp"), labels=scope.labels())
    assert "has accepted no TLS connection yet" in reason("03", 3, client, fwd=fwd)


def test_03_volume_over_tcp_without_labels(client, cleanup, fwd):
    remote = fwd.client()
    vol = remote.volumes.create(scope.name("over-tcp"))
    try:
        assert "does not carry your course labels" in reason("03", 3, client, fwd=fwd, remote=remote)
    finally:
        vol.remove()
        remote.close()


# --- 04 images ------------------------------------------------------------------------------
def test_04_tagged_latest_not_1_0(client, cleanup):
    build(client, DOCKERFILE, scope.name("app") + ":latest", scope.labels(purpose="lab04"))
    got = reason("04", 1, client)
    assert f"no image tagged `{scope.name('app')}:1.0`" in got
    assert f"your images: `{scope.name('app')}:latest`" in got


def test_04_without_the_purpose_label(client, cleanup):
    build(client, DOCKERFILE, scope.name("app") + ":1.0")
    assert "has no `purpose` label; it needs `purpose=lab04`" in reason("04", 1, client)


def test_04_two_layers_are_not_enough(client, cleanup):
    two = 'FROM dockerlens/base:1\nRUN mkdir /app\nRUN echo "hello from lab 04" > /app/message.txt\n'
    build(client, two, scope.name("app") + ":1.0", scope.labels(purpose="lab04"))
    assert "adds 2 layer(s)" in reason("04", 2, client)


def test_04_container_overrides_the_default_command(client, cleanup):
    img = build(client, DOCKERFILE, scope.name("app") + ":1.0", scope.labels(purpose="lab04"))
    run(client, "app", ["echo", "hello from lab 04"], image=img.tags[0])
    assert "overrides the image's default command" in reason("04", 3, client)


# --- 05 containers --------------------------------------------------------------------------
def test_05_running_not_paused(client, cleanup):
    run(client, "paused", ["sleep", "60"], wait=False)
    assert "is running but not paused: call `ctr.pause()`" in reason("05", 1, client)


def test_05_exited_0_not_3(client, cleanup):
    run(client, "exit3", ["true"])
    assert "exited with code 0, not 3" in reason("05", 2, client)


def test_05_still_running_is_retried_then_reported(client, cleanup, monkeypatch):
    run(client, "exit3", ["sleep", "60"], wait=False)
    monkeypatch.setattr(lab("05").tasks[2], "within", 0.6)
    started = time.monotonic()
    assert "is still running; it must finish with exit code 3" in reason("05", 2, client)
    assert 0.6 <= time.monotonic() - started < 3


def test_05_restart_policy_always(client, cleanup):
    run(client, "keeper", ["sleep", "60"], wait=False, restart_policy={"Name": "always"})
    assert "has restart policy `always`, not `on-failure`" in reason("05", 3, client)


def test_05_on_failure_but_exited(client, cleanup):
    run(client, "keeper", ["true"], restart_policy={"Name": "on-failure", "MaximumRetryCount": 3})
    assert "has restart policy on-failure but is exited" in reason("05", 3, client)


# --- 06 networks ----------------------------------------------------------------------------
@pytest.fixture
def net(client, cleanup):
    return client.networks.create(scope.name("net"), driver="bridge", labels=scope.labels())


def test_06_client_on_the_default_bridge(client, net):
    run(client, "server", ["sleep", "60"], network=net.name, wait=False)
    run(client, "client", ["nslookup", scope.name("server")])
    got = reason("06", 1, client)
    assert f"container `{scope.name('client')}` is not on network `{net.name}`; it is on `bridge`" in got


def test_06_client_resolves_by_address_not_name(client, net):
    server = run(client, "server", ["sleep", "60"], network=net.name, wait=False)
    address = server.attrs["NetworkSettings"]["Networks"][net.name]["IPAddress"]
    run(client, "client", ["ping", "-c", "1", address], network=net.name)
    assert "resolve the server by its name, not by its address" in reason("06", 2, client)


def test_06_server_not_running(client, net):
    run(client, "server", ["true"], network=net.name)
    run(client, "client", ["nslookup", scope.name("server")], network=net.name)
    assert "the server must keep running" in reason("06", 1, client)


def test_06_web_publishes_8080_not_80(client, cleanup):
    run(client, "web", image="web", wait=False, ports={"8080/tcp": ("127.0.0.1", None)})
    got = reason("06", 3, client)
    assert f"container `{scope.name('web')}` exists but port 80 is not published; it publishes `8080/tcp`" in got


def test_06_web_runs_the_base_image(client, cleanup):
    run(client, "web", ["sleep", "60"], wait=False, ports={"80/tcp": ("127.0.0.1", None)})
    assert f"not `{images.tag('web')}`" in reason("06", 3, client)


# --- 07 volumes -----------------------------------------------------------------------------
def test_07_writer_wrote_into_an_anonymous_volume(client, cleanup):
    client.volumes.create(scope.name("data"), labels=scope.labels())
    run(client, "writer", ["sh", "-c", "echo hello from the writer > /data/message.txt"],
        volumes=["/data"])
    assert "has no `message.txt`" in reason("07", 1, client)


def _volume_with_message(client):
    vol = client.volumes.create(scope.name("data"), labels=scope.labels())
    mount = {vol.name: {"bind": "/data", "mode": "rw"}}
    writer = run(client, "writer", ["sh", "-c", "echo hello from the writer > /data/message.txt"],
                 volumes=mount)
    return vol, mount, writer


def test_07_writer_not_removed(client, cleanup):
    _volume_with_message(client)
    assert "still exists (exited): remove it" in reason("07", 2, client)


def test_07_reader_writes_the_file_itself(client, cleanup):
    vol = client.volumes.create(scope.name("data"), labels=scope.labels())
    mount = {vol.name: {"bind": "/data", "mode": "rw"}}
    run(client, "reader", ["sh", "-c", "echo hello from the writer > /data/message.txt; "
                           "cat /data/message.txt"], volumes=mount)
    assert "was written after" in reason("07", 3, client)


def test_07_reader_mounts_an_anonymous_volume(client, cleanup):
    vol, mount, writer = _volume_with_message(client)
    writer.remove()
    run(client, "reader", ["cat", "/data/message.txt"], volumes=["/data"])
    assert f"not the volume `{vol.name}`" in reason("07", 3, client)


# --- 08 events ------------------------------------------------------------------------------
def _life(client, command=("sh", "-c", "exit 7"), remove: bool = True) -> list[dict]:
    since = time.time() - 0.1
    ctr = run(client, "life", list(command))
    if remove:
        ctr.remove()
    return events_of(client, scope.name("life"), since)


def test_08_seen_is_a_generator(client, cleanup):
    seen = (e for e in _life(client))
    assert reason("08", 1, client, seen=seen).startswith("`seen` is a generator")


def test_08_container_never_removed(client, cleanup):
    seen = _life(client, remove=False)
    got = reason("08", 1, client, seen=seen)
    assert "but not destroy in order" in got


def test_08_hand_written_events(client, cleanup):
    seen = _life(client)
    forged = [dict(e, timeNano=e["timeNano"] + 1) for e in seen]
    assert "the daemon never reported" in reason("08", 1, client, seen=forged)


def test_08_exit_code_as_a_string(client, cleanup):
    seen = _life(client)
    assert lab("08").check(1, variables={"seen": seen}, client=client).passed
    assert reason("08", 2, client, seen=seen, exit_code="7").startswith("`exit_code` is a str")


def test_08_container_exited_0(client, cleanup):
    seen = _life(client, command=("true",))
    assert "exited with code 0, not 7" in reason("08", 2, client, seen=seen, exit_code=0)


def test_fail_is_an_exception_the_framework_catches():
    assert issubclass(Fail, Exception)


@pytest.fixture
def tapped():
    """This process's wiretap in front of the daemon (what setup() does in a notebook)."""
    from dockerlens.wire import wiretap
    from dockerlens.engine.connect import find_endpoint
    wiretap.unroute()
    url = wiretap.route(find_endpoint()[0])
    yield url
    wiretap.unroute()


def test_03_volume_made_locally_while_remote_is_connected(cleanup, tapped):
    """The transcript knows which exchanges came over TCP: a local create does not count."""
    from dockerlens import connect
    from dockerlens.wire.remote import TLSForwarder
    fwd = TLSForwarder(key=f"test-{time.monotonic_ns()}").start()
    local, remote = connect(tapped), fwd.client()
    try:
        remote.ping()
        vol = local.volumes.create(scope.name("over-tcp"), labels=scope.labels("03"))
        assert "was created through the local UNIX socket, not over TCP" in reason(
            "03", 3, local, fwd=fwd, remote=remote)
        vol.remove()
        remote.volumes.create(scope.name("over-tcp"), labels=scope.labels("03"))
        assert lab("03").check(3, variables={"fwd": fwd, "remote": remote}, client=local).passed
    finally:
        remote.close()
        local.close()
        fwd.stop()
