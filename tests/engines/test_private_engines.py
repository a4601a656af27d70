"""A private current engine works as the matrix needs it: it builds the course images, a port it
publishes on 127.0.0.1 answers inside its network namespace (where tests and kernels run) and
not on the host's, a second `up` reuses it, and `down` leaves no process, netns or cgroup.

Each test uses a sibling of a matrix engine (`selftest-…`), so a running matrix is never hit.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys

import pytest

import dockerlens as lens
from dockerlens.engine import namespaces, private
from dockerlens.live import wait_until

pytestmark = pytest.mark.engines
ROOT = private.Path(__file__).resolve().parents[2]
PORT = 18391
FETCH = ("import sys, urllib.request as u\n"
         "try: print(u.urlopen(sys.argv[1], timeout=2).read().decode())\n"
         "except OSError as e: print('unreachable', e)")


@pytest.fixture(scope="module", params=["docker28", "podman5"])
def sibling(request):
    if os.geteuid() != 0:
        pytest.skip("private engines need root (namespaces, mounts, debootstrap)")
    e = private.sibling(private.ENGINES[request.param], f"selftest-{request.param}")
    private.up(e)
    env = {**os.environ, "DOCKER_HOST": e.docker_host}
    subprocess.run([*namespaces.enter_net(e.netns), sys.executable, "-m", "dockerlens", "images"],
                   check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    yield e
    private.down(e, quiet=True)
    for path in (e.data_dir, e.run_dir):
        shutil.rmtree(path, ignore_errors=True)


def fetch_inside(e: private.Engine, url: str) -> str:
    cmd = [*namespaces.enter_net(e.netns), sys.executable, "-c", FETCH, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout


def host_port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_a_port_published_on_loopback_answers_inside_the_engines_netns(sibling):
    assert not host_port_open(PORT), f"something on the host already listens on {PORT}"
    client = lens.connect(sibling.docker_host)
    ctr = client.containers.run(lens.image("web"), name=lens.name("selftest-web"), labels=lens.labels(),
                                ports={"80/tcp": ("127.0.0.1", PORT)}, detach=True)
    try:
        url = f"http://127.0.0.1:{PORT}/"
        assert wait_until(lambda: "Hello from a container" in fetch_inside(sibling, url), 15), \
            fetch_inside(sibling, url)
        assert not host_port_open(PORT), "the private engine's port leaked onto the host's loopback"
    finally:
        ctr.remove(force=True)
        client.close()


def test_up_reuses_a_running_engine_and_down_leaves_nothing(sibling):
    pid = private._state(sibling)["pid"]
    private.up(sibling)
    assert private._state(sibling)["pid"] == pid
    net = os.stat(namespaces.netns_path(sibling.netns)).st_ino
    mnt = private._state(sibling)["mnt"]
    private.down(sibling)
    assert not namespaces.netns_path(sibling.netns).exists()
    assert wait_until(lambda: not namespaces.pids_in(net=net, mnt=mnt), 10), namespaces.pids_in(net=net, mnt=mnt)
    assert not sibling.socket.exists()
    assert not list(private.Path("/sys/fs/cgroup").glob(f"*/{sibling.name}"))
    private.up(sibling)  # the fixture's teardown stops it again
