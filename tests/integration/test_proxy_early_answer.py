"""The daemon refuses a large upload before reading it: through the proxy, every client gets the
daemon's own answer, exactly as it does without the proxy (never the proxy's 502).

Each case sends a 50 MB body that the daemon answers at once and stops reading (Go's server
reads at most 256 KiB more, then closes): a ``put_archive`` into a missing directory or a
read-only container, an import with a bad tag, a build with a bad tag or option. The SDK and
the CLI check tags themselves, so their builds are refused by a bad ``isolation`` instead.
"""
from __future__ import annotations

import io
import os
import subprocess
import tarfile

import docker
import pytest

import dockerlens as lens
from dockerlens.engine.facts import facts
from dockerlens.wire.proxy import Proxy
from dockerlens.wire.rawhttp import raw, socket_path
from dockerlens.wire.wiretap import Transcript, daemon_endpoint

pytestmark = pytest.mark.docker
SIZE = 50 * 1024 * 1024
BAD_TAG = "Bad:Tag:x"  # upper case: the daemon refuses it
# What Podman 5 accepts where Docker refuses: it writes into a read-only container's and a missing
# directory, ignores the isolation and does not check import's changes. There the proxy must give
# the same success as the daemon.
PODMAN_ACCEPTS = {"put_archive into a missing directory", "put_archive into a read-only container",
                  "build with a bad isolation", "docker cp into a read-only container",
                  "docker cp into a missing path",
                  "docker build with a bad isolation", "PUT archive into a missing directory",
                  "PUT archive into a read-only container"}


def refused_here(client, case: str) -> bool:
    """Whether the engine under test refuses CASE (Docker refuses them all)."""
    return not (facts(client).family == "podman" and case in PODMAN_ACCEPTS)


def _tar(**files: bytes) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.fixture(scope="module")
def rig(client, tmp_path_factory):
    """The daemon's socket, a proxy in front of it, two containers and a 50 MB upload."""
    where = tmp_path_factory.mktemp("early")
    daemon = socket_path(daemon_endpoint())
    transcript = Transcript()
    proxy = Proxy(str(where / "p.sock"), daemon, on_exchange=transcript.observe).start()
    made = [client.containers.create(lens.image("base"), ["true"], name=lens.name(f"early-{kind}"),
                                     labels=lens.labels(), read_only=kind == "ro")
            for kind in ("rw", "ro")]
    upload = _tar(Dockerfile=b"FROM scratch\n", big=b"\0" * SIZE)
    (where / "ctx").mkdir()
    (where / "ctx" / "Dockerfile").write_bytes(b"FROM scratch\n")
    (where / "ctx" / "big").write_bytes(b"\0" * SIZE)
    (where / "upload.tar").write_bytes(upload)
    yield {"daemon": daemon, "proxy": proxy, "transcript": transcript, "rw": made[0],
           "ro": made[1], "upload": upload, "dir": where}
    proxy.stop()
    for ctr in made:
        ctr.remove(force=True)


def _through_both(rig, ask, tries=3):
    """What ``ask(socket path)`` gets from the daemon directly and through the proxy.

    The pair is asked again (up to TRIES times) while the two differ: an engine's own answer may
    vary from try to try (under load Podman's tar subprocess sometimes breaks its pipe and answers
    500 where it otherwise accepts), while a proxy that changes the answer differs every time."""
    for _ in range(tries):
        direct = ask(rig["daemon"])
        proxied = ask(rig["proxy"].listen_path)
        seen = rig["transcript"].latest()
        assert seen.status != 502 and not seen.error, f"the proxy answered itself: {seen!r}"
        if proxied == direct:
            break
    return direct, proxied


SDK_CASES = {
    "put_archive into a missing directory": (
        lambda api, rig: api.put_archive(rig["rw"].id, "/nonexistent", rig["upload"]),
        404, "Could not find the file /nonexistent"),
    "put_archive into a read-only container": (
        lambda api, rig: api.put_archive(rig["ro"].id, "/etc", rig["upload"]),
        500, "read-only"),
    "import with a bad tag": (
        lambda api, rig: api.import_image_from_data(rig["upload"], repository=BAD_TAG),
        400, "invalid reference format"),
    "build with a bad isolation": (
        lambda api, rig: list(api.build(fileobj=io.BytesIO(rig["upload"]), custom_context=True,
                                        isolation="bogus")),
        400, "Unsupported isolation"),
}


@pytest.mark.parametrize("case", SDK_CASES)
def test_the_sdk_gets_the_daemons_own_error(client, rig, case):
    call, status, words = SDK_CASES[case]

    def ask(path):
        sdk = docker.DockerClient(base_url=f"unix://{path}", version=None, timeout=60)
        try:
            call(sdk.api, rig)
            return "accepted"
        except docker.errors.APIError as err:
            return type(err), err.status_code, err.explanation
        finally:
            sdk.close()

    direct, proxied = _through_both(rig, ask)
    assert proxied == direct
    if not refused_here(client, case):
        assert direct == "accepted", direct
        return
    # the status and wording are the engine's own (Engine 20.10 answers 500, Engine 28 400): only an error
    assert direct[1] >= 400 and words.lower() in direct[2].lower(), direct


CLI_CASES = {
    "docker cp into a read-only container": (
        lambda rig: ["cp", str(rig["dir"] / "ctx" / "big"), f"{rig['ro'].name}:/etc/"], "read-only"),
    "docker cp into a missing path": (
        lambda rig: ["cp", str(rig["dir"] / "ctx" / "big"), f"{rig['rw'].name}:/nonexistent/x"],
        "Could not find the file /nonexistent"),
    "docker import with a bad change": (
        lambda rig: ["import", "--change", "BOGUS x", str(rig["dir"] / "upload.tar"), "ok:1"],
        "not a valid change command|invalid change"),  # Docker's words | Podman's
    "docker build with a bad isolation": (
        lambda rig: ["build", "--isolation", "bogus", str(rig["dir"] / "ctx")],
        "Unsupported isolation"),
}


@pytest.mark.parametrize("case", CLI_CASES)
def test_the_cli_gets_the_daemons_own_error(client, rig, case):
    args, words = CLI_CASES[case]

    def ask(path):
        env = dict(os.environ, DOCKER_HOST=f"unix://{path}", DOCKER_BUILDKIT="0")
        done = subprocess.run(["docker", *args(rig)], capture_output=True, text=True, env=env,
                              timeout=120)
        said = [line for line in done.stderr.splitlines() if "Error response from daemon" in line]
        return done.returncode, said

    direct, proxied = _through_both(rig, ask)
    assert proxied == direct
    if not refused_here(client, case):
        return  # Podman takes the upload (and says what it says): the proxy changed nothing
    assert direct[0] != 0 and len(direct[1]) == 1, direct
    assert any(w.lower() in direct[1][0].lower() for w in words.split("|")), direct


RAW_CASES = {
    "PUT archive into a missing directory": (
        lambda rig: ("PUT", f"/containers/{rig['rw'].id}/archive?path=/nonexistent"), 404),
    "PUT archive into a read-only container": (
        lambda rig: ("PUT", f"/containers/{rig['ro'].id}/archive?path=/etc"), 500),
    "import with a bad tag": (lambda rig: ("POST", f"/images/create?fromSrc=-&repo={BAD_TAG}"), 400),
    "build with a bad tag": (lambda rig: ("POST", f"/build?t={BAD_TAG}"), 500),
}


@pytest.mark.parametrize("expect", [False, True], ids=["plain", "expect-100-continue"])
@pytest.mark.parametrize("case", RAW_CASES)
def test_raw_http_gets_the_daemons_own_answer(client, rig, case, expect):
    target, status = RAW_CASES[case]
    method, path = target(rig)
    headers = {"Content-Type": "application/x-tar"} | ({"Expect": "100-continue"} if expect else {})

    def ask(sock):
        answer = raw(method, path, body=rig["upload"], endpoint=f"unix://{sock}", timeout=60,
                     headers=headers)
        return answer.status, (answer.json()["message"] if answer.status >= 400 else "")

    direct, proxied = _through_both(rig, ask)
    assert proxied == direct
    if not refused_here(client, case):
        assert direct == (200, ""), direct
        return
    assert direct[0] >= 400, direct  # the engine's own status (20.10 and 28 differ)

