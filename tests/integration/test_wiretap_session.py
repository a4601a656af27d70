"""setup() and the wiretap together, and failed calls explained, against the real daemon."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys

import docker
import pytest

import dockerlens as lens
from dockerlens.engine import scope
from dockerlens.engine.facts import facts
from dockerlens.wire import wiretap

pytestmark = pytest.mark.docker


@pytest.fixture
def tapped_client(cleanup):
    """The client lens.setup() returns; DOCKER_HOST is given back afterwards."""
    c = lens.setup("02", show=False)
    yield c
    wiretap.unroute()


def test_setup_puts_the_wiretap_in_front_once(tapped_client):
    url, daemon = wiretap.running()
    assert os.environ["DOCKER_HOST"] == url != daemon
    path = url[len("unix://"):]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    seen = wiretap.TRANSCRIPT.last_seq()
    again = lens.setup("02", show=False)
    assert wiretap.running() == (url, daemon)  # the same proxy, same real daemon
    negotiation = wiretap.TRANSCRIPT.since(seen)[0]
    assert (negotiation.client, negotiation.method, negotiation.path) == ("sdk", "GET", "/version")
    assert "wiretap on" in repr(lens.session._session["line"])
    assert again.ping()


@pytest.mark.skipif(shutil.which("docker") is None, reason="docker CLI not installed")
def test_cli_with_the_kernel_environment_lands_in_the_same_transcript(tapped_client):
    with lens.wiretap() as tap:
        tapped_client.ping()
        out = subprocess.run(["docker", "ps", "-q", "--filter", f"label={scope.LEARNER}=nobody"],
                             capture_output=True, text=True, timeout=60)  # inherits DOCKER_HOST
    assert out.returncode == 0, out.stderr
    assert tap.calls() == [("sdk", "SystemPing", 200), ("cli", "SystemPingHead", 200),
                           ("cli", "ContainerList", 200)]
    assert tap.by_client() == {"sdk": ["SystemPing"], "cli": ["SystemPingHead", "ContainerList"]}


def test_subscribers_and_latest(tapped_client):
    got = []
    wiretap.subscribe(got.append)
    try:
        tapped_client.ping()
    finally:
        wiretap.unsubscribe(got.append)
    tapped_client.ping()
    assert len(got) == 1 and got[0].operation == "SystemPing" and got[0].status == 200
    assert wiretap.latest().operation == "SystemPing" and wiretap.latest() is not got[0]


def test_live_panel_outside_a_notebook(tapped_client):
    with lens.wiretap(live=True) as tap:
        tapped_client.ping()
    assert tap.operations() == ["SystemPing"]


def test_proxy_directory_is_removed_when_the_process_exits():
    code = ("import dockerlens as lens, os; lens.setup('02', show=False); "
            "print(os.environ['DOCKER_HOST'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={k: v for k, v in os.environ.items() if k != "DOCKER_HOST"})
    assert out.returncode == 0, out.stderr
    path = out.stdout.strip().splitlines()[-1][len("unix://"):]
    assert "dockerlens-wiretap-" in path and not os.path.exists(os.path.dirname(path))


def _raises(fn, kind=docker.errors.APIError):
    with pytest.raises(kind) as caught:
        fn()
    return lens.explain(caught.value)


def test_404_no_such_container_and_image(tapped_client):
    why = _raises(lambda: tapped_client.containers.get(scope.name("absent")), docker.errors.NotFound)
    assert (why.status, why.operation, why.exchange.client) == (404, "ContainerInspect", "sdk")
    assert "no such container" in why.message.lower() and why.note.startswith("No such container")
    assert "404" in why._repr_html_() and "ContainerInspect" in repr(why)
    why = _raises(lambda: tapped_client.images.get("lens-absent/image:1"), docker.errors.ImageNotFound)
    assert (why.status, why.operation) == (404, "ImageInspect") and why.note.startswith("No such image")


def test_409_name_in_use_and_not_running(tapped_client):
    ctr = tapped_client.containers.create(lens.image("base"), ["true"], name=scope.name("taken"),
                                          labels=scope.labels("wt"))
    why = _raises(lambda: tapped_client.containers.create(lens.image("base"), ["true"],
                                                          name=ctr.name, labels=scope.labels("wt")))
    conflict = 500 if facts(tapped_client).family == "podman" else 409  # Podman's conflicts are 500s
    assert (why.status, why.operation) == (conflict, "ContainerCreate")
    assert why.note.startswith("Name already in use")
    why = _raises(lambda: ctr.exec_run(["true"]))
    assert (why.status, why.operation) == (conflict, "ContainerExec")
    assert why.note.startswith("Container not running")
    with lens.wiretap() as tap:
        with pytest.raises(docker.errors.APIError):
            ctr.pause()
    assert "Container not running" in tap._repr_html_()  # the table explains its failed rows


def test_port_already_allocated(tapped_client):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    first = tapped_client.containers.run(lens.image("base"), ["sleep", "30"], detach=True,
                                         name=scope.name("port-1"), labels=scope.labels("wt"),
                                         ports={"80/tcp": ("127.0.0.1", port)})
    why = _raises(lambda: tapped_client.containers.run(
        lens.image("base"), ["sleep", "30"], detach=True, name=scope.name("port-2"),
        labels=scope.labels("wt"), ports={"80/tcp": ("127.0.0.1", port)}))
    assert why.operation == "ContainerStart" and why.note.startswith("Port already allocated")
    first.remove(force=True)


def test_image_not_found_while_offline(tapped_client):
    """The SDK pulls a missing image; with no registry reachable the pull fails, explained."""
    with lens.wiretap() as tap:
        why = _raises(lambda: tapped_client.containers.run("127.0.0.1:9/lens/absent:1", ["true"],
                                                           labels=scope.labels("wt")))
    assert tap.in_order(["ContainerCreate", "ImageCreate"])
    assert why.operation == "ImageCreate" and why.note.startswith("Image not found while offline")


def test_response_hook_fallback_records_sdk_calls(client, cleanup):
    """Without a proxy (a TCP/TLS daemon), the SDK's response hook still fills the transcript."""
    from dockerlens.engine.connect import find_endpoint
    real = wiretap.running()[1] if wiretap.running() else find_endpoint()[0]
    direct = docker.DockerClient(base_url=real, version=None)
    wiretap.hook(direct)
    with lens.wiretap() as tap:
        direct.ping()
        ctr = direct.containers.run(lens.image("base"), ["echo", "hooked"], detach=True,
                                    labels=scope.labels("wt"))
        assert b"".join(ctr.logs(stream=True, follow=True)) == b"hooked\n"
    direct.close()
    assert tap.in_order(["SystemPing", "ContainerCreate", "ContainerStart", "ContainerLogs"])
    assert {e.client for e in tap} == {"sdk"}
    assert next(e for e in tap if e.operation == "ContainerLogs").streaming
