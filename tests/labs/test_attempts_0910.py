"""Labs 09 and 10: plausible wrong attempts (each failing with its own reason) and correct
solutions that differ from solution.ipynb (CLI, low-level API, other valid settings), on the real daemon."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from dockerlens import registry
from dockerlens.engine import images, scope
from dockerlens.engine.connect import find_endpoint
from dockerlens.engine.facts import facts
from dockerlens.labs import lab
from dockerlens.labs import lab09, lab10

from dockerlens.registry import pushed_digest

from .helpers import run

pytestmark = pytest.mark.docker
CREDS = {"username": lab09.USER, "password": lab09.PASSWORD}


def reason(number: str, task: int, client, **variables) -> str:
    result = lab(number).check(task, variables=variables, client=client)
    assert not result.passed, f"{number}.{task} passed but should fail"
    assert "Traceback" not in result.reason
    return result.reason


def passes(number: str, task: int, client, **variables) -> None:
    result = lab(number).check(task, variables=variables, client=client)
    assert result.passed, result.reason


def push(client, image: str, ref: str, **kw) -> list[dict]:
    """Tag IMAGE as REF and push it; a tag put on a shared course image is taken off again."""
    repository, _, tag = ref.rpartition(":")
    client.images.get(image).tag(repository, tag)
    try:
        return registry.push(client, ref, **kw)  # Podman's refusal is a 500 the SDK cannot read
    finally:
        if image == images.tag("base"):  # reset removes only the learner's labelled images
            client.images.remove(ref)


def docker_cli(*args: str, config: str | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DOCKER_HOST": find_endpoint()[0]}
    cmd = ["docker", *(["--config", config] if config else []), *args]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, input=stdin, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def prepared(client, cleanup, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # task 5 reads app.tar from the current folder
    return lab09.setup(client)


APP = lambda: scope.name("app") + ":1.0"  # noqa: E731


# --- 09 · wrong attempts ------------------------------------------------------------------
def test_09_publish_wrong_repository_tag_and_image(client, prepared):
    assert "has no repository `course/app`" in reason("09", 1, client)
    push(client, APP(), f"{prepared.lab}/app:1.0")
    assert "has no repository `course/app`; it holds `app`" in reason("09", 1, client)
    push(client, APP(), f"{prepared.lab}/course/app:latest")
    assert "has the tag(s) `latest` but not `1.0`" in reason("09", 1, client)
    push(client, images.tag("base"), f"{prepared.lab}/course/app:1.0")
    assert f"is `{images.tag('base')}`" in reason("09", 1, client)


def test_09_pinned_by_tag_by_image_id_elsewhere_and_not_a_string(client, prepared):
    pushed = push(client, APP(), f"{prepared.lab}/course/app:1.0")
    digest = pushed_digest(pushed)
    assert "names the tag `1.0`" in reason("09", 2, client, pinned=f"{prepared.lab}/course/app:1.0")
    image_id = client.images.get(APP()).id
    if image_id != digest:  # the classic store: an image ID is the config's digest, not the manifest's
        assert "is your image's ID" in reason("09", 2, client, pinned=f"{prepared.lab}/course/app@{image_id}")
    assert "not the lab registry" in reason("09", 2, client, pinned=f"{prepared.secure}/course/app@{digest}")
    assert "names the repository `course/tool`" in reason("09", 2, client,
                                                          pinned=f"{prepared.lab}/course/tool@{digest}")
    assert reason("09", 2, client, pinned=42).startswith("`pinned` is a int")
    other = push(client, images.tag("base"), f"{prepared.lab}/course/app:other")
    other_digest = pushed_digest(other)
    assert "not the one the tag `1.0` was published as" in reason(
        "09", 2, client, pinned=f"{prepared.lab}/course/app@{other_digest}")


def test_09_deployed_tag_guesses(client, prepared):
    assert "the tag has moved since" in reason("09", 3, client, deployed_tag="stable")
    assert "is what `stable` names now" in reason("09", 3, client, deployed_tag="v3")
    assert "the container runs" in reason("09", 3, client, deployed_tag="v2")
    assert "holds a digest" in reason("09", 3, client, deployed_tag="sha256:" + "0" * 64)
    assert "has no tag `v9`" in reason("09", 3, client, deployed_tag="v9")


def test_09_secure_push_without_credentials_and_to_the_wrong_registry(client, prepared):
    refused = push(client, APP(), f"{prepared.secure}/course/app:1.0")
    said = "authentication required" if facts(client).family == "podman" else "basic auth credentials"
    assert said in refused[-1].get("error", ""), refused
    push(client, APP(), f"{prepared.lab}/course/app:1.0")
    assert "the secure registry at" in reason("09", 4, client)
    passes("09", 1, client)


def test_09_archive_missing_not_a_tar_untagged_and_another_image(client, prepared):
    assert "there is no `app.tar`" in reason("09", 5, client)
    Path("app.tar").write_bytes(b"hello")
    assert "is not an image archive" in reason("09", 5, client)
    Path("app.tar").write_bytes(b"".join(client.images.get(APP()).save(named=False)))
    assert "holds your image but not its tag" in reason("09", 5, client)
    Path("app.tar").write_bytes(b"".join(client.images.get(images.tag("base")).save(named=True)))
    assert "holds another image" in reason("09", 5, client)


# --- 09 · correct solutions unlike solution.ipynb -------------------------------------------
@pytest.mark.skipif(not shutil.which("docker"), reason="needs the docker CLI")
def test_09_cli_push_login_and_save(client, prepared):
    """The CLI all the way: docker tag/push, docker login with a --config folder, docker save -o."""
    docker_cli("tag", APP(), f"{prepared.lab}/course/app:1.0")
    out = docker_cli("push", f"{prepared.lab}/course/app:1.0").stdout
    passes("09", 1, client)
    digest = out.split("digest: ")[1].split()[0]
    passes("09", 2, client, pinned=f"{prepared.lab}/course/app@{digest}")
    secure = prepared.secure  # Podman's POST /auth insists on HTTPS but for localhost:PORT
    secure = secure if facts(client).family == "docker" else secure.replace("127.0.0.1:", "localhost:")
    with tempfile.TemporaryDirectory() as config:
        docker_cli("login", "-u", lab09.USER, "--password-stdin", secure, config=config,
                   stdin=lab09.PASSWORD)
        docker_cli("tag", APP(), f"{secure}/course/app:1.0")
        docker_cli("push", f"{secure}/course/app:1.0", config=config)
    passes("09", 4, client)
    docker_cli("save", "-o", str(Path("app.tar").resolve()), APP())
    passes("09", 5, client)


def test_09_low_level_api_and_manifest_digests(client, prepared):
    """client.api.tag/push, the digest read from the registry's header, the tag found by manifest digest."""
    api = client.api
    api.tag(APP(), f"{prepared.lab}/course/app", "1.0")
    list(api.push(f"{prepared.lab}/course/app", tag="1.0", stream=True, decode=True))
    passes("09", 1, client)
    reg = prepared.registries["lab"]
    passes("09", 2, client, pinned=reg.ref("course/app", digest=reg.manifest("course/app", "1.0").digest))
    ctr = client.containers.get(scope.name("deployed"))  # pull each version, compare image IDs
    tag = next(t for t in ("v1", "v2", "v3") if client.images.pull(reg.ref("course/tool", t)).id == ctr.image.id)
    passes("09", 3, client, deployed_tag=tag)
    api.tag(APP(), f"{prepared.secure}/course/app", "1.0")
    list(api.push(f"{prepared.secure}/course/app", tag="1.0", auth_config=CREDS, stream=True, decode=True))
    passes("09", 4, client)


def test_09_archive_streamed_by_the_low_level_api(client, prepared):
    with open("app.tar", "wb") as out:
        for chunk in client.api.get_image(APP()):
            out.write(chunk)
    passes("09", 5, client)
    passes("09", 3, client, deployed_tag=f"{prepared.lab}/course/tool:v1".rpartition(":")[2])


# --- 10 · wrong attempts -------------------------------------------------------------------
HARDENED = {"cap_drop": ["ALL"], "read_only": True, "security_opt": ["no-new-privileges"]}


def podman(client) -> bool:
    return "Podman" in str(client.version().get("Components"))


def low_port_caps(client) -> list[str]:
    """What binding port 80 takes: nothing on Docker Engine, NET_BIND_SERVICE on Podman."""
    return ["NET_BIND_SERVICE"] if podman(client) else []


def hardened(client, image="web", wait=False, **settings):
    settings.setdefault("cap_add", low_port_caps(client))
    return run(client, "hardened", settings.pop("command", None), image=image, wait=wait,
               **{**HARDENED, **settings})


@pytest.mark.parametrize("settings,why", [
    ({"image": "base", "command": ["sleep", "60"]}, "not the web server"),
    ({"cap_drop": [], "read_only": True}, "keeps Docker's default capabilities"),
    ({"cap_drop": ["SETUID"]}, "SETUID: its web server still holds"),
    ({"cap_add": ["NET_BIND_SERVICE", "NET_ADMIN"]}, "NET_ADMIN"),
    ({"read_only": False}, "has a writable root filesystem"),
    ({"security_opt": []}, "lets setuid programs raise privileges"),
    ({"command": ["sh", "-c", "exit 3"], "wait": True}, "is exited (exit code 3)"),
])
def test_10_hardened_wrong(client, cleanup, settings, why):
    hardened(client, **settings)
    assert why in reason("10", 1, client)


def test_10_net_bind_service_is_what_the_engine_needs_or_too_much(client, cleanup):
    """Docker Engine opens low ports to every container process; Podman keeps them privileged."""
    hardened(client, cap_add=["NET_BIND_SERVICE"])
    if podman(client):
        passes("10", 1, client)
    else:
        assert "adds back NET_BIND_SERVICE: on this engine the web server needs none" in reason("10", 1, client)


def test_10_hardened_privileged_is_refused_before_it_starts(client, cleanup):
    client.containers.create(images.tag("web"), name=scope.name("hardened"), labels=scope.labels(),
                             privileged=True, read_only=True)
    assert "is privileged" in reason("10", 1, client)


def test_10_hardened_created_never_started(client, cleanup):
    client.containers.create(images.tag("web"), name=scope.name("hardened"), labels=scope.labels(),
                             **HARDENED)
    assert "was created but never started" in reason("10", 1, client)


@pytest.mark.parametrize("settings,why", [
    ({}, "runs a process as uid 0 on the host (its user setting: `not set`)"),
    ({"user": "0:0"}, "(its user setting: `0:0`)"),
    ({"user": "1000", "command": ["true"], "wait": True}, "is exited (exit code 0)"),
])
def test_10_unprivileged_wrong(client, cleanup, settings, why):
    command = settings.pop("command", ["sleep", "60"])
    run(client, "unprivileged", command, wait=settings.pop("wait", False), **settings)
    assert why in reason("10", 2, client)


@pytest.fixture
def audits(client, cleanup):
    lab10.setup(client)
    return {next(k for k, v in lab10.SETTINGS.items() if _matches(c, v)): c.name
            for c in client.containers.list(all=True, filters=scope.filters("10"))}


def _matches(ctr, settings) -> bool:
    host = ctr.attrs["HostConfig"]
    if "privileged" in settings:
        return host["Privileged"]
    if "cap_add" in settings:
        return bool(host.get("CapAdd"))
    return not host["Privileged"] and not host.get("CapAdd")


def test_10_risky_wrong_choices(client, audits):
    assert "adds NET_ADMIN, NET_RAW" in reason("10", 3, client, risky=audits["net-admin"])
    assert "runs without seccomp" in reason("10", 3, client, risky=audits["unconfined"])
    assert "is not one of the audit containers" in reason("10", 3, client, risky=scope.name("audit-9"))
    assert "put the container's name in it" in reason("10", 3, client, risky=3)


# --- 10 · correct solutions unlike solution.ipynb ------------------------------------------
@pytest.mark.skipif(not shutil.which("docker"), reason="needs the docker CLI")
def test_10_cli(client, audits):
    labels = [a for k, v in scope.labels().items() for a in ("--label", f"{k}={v}")]
    adds = [a for cap in low_port_caps(client) for a in ("--cap-add", cap)]
    docker_cli("run", "-d", "--name", scope.name("hardened"), *labels, "--cap-drop", "ALL", *adds, "--read-only",
               "--security-opt", "no-new-privileges:true", images.tag("web"))
    docker_cli("run", "-d", "--name", scope.name("unprivileged"), *labels, "--user", "65534",
               images.tag("base"), "sleep", "600")
    found = json.loads(docker_cli("inspect", *audits.values()).stdout)
    risky = next(c["Name"].lstrip("/") for c in found if c["HostConfig"]["Privileged"])
    assert lab("10").check_all(variables={"risky": risky}, client=client).passed


def test_10_low_level_api_create_then_start(client, audits):
    api = client.api
    host = api.create_host_config(cap_drop=["all"], cap_add=low_port_caps(client), read_only=True,
                                  security_opt=["no-new-privileges"])
    made = api.create_container(images.tag("web"), name=scope.name("hardened"), labels=scope.labels(),
                                host_config=host)
    api.start(made["Id"])
    made = api.create_container(images.tag("base"), ["sleep", "600"], name=scope.name("unprivileged"),
                                labels=scope.labels(), user="1000:1000")
    api.start(made["Id"])
    passes("10", 1, client)
    passes("10", 2, client)
    privileged = client.containers.get(audits["privileged"])
    passes("10", 3, client, risky=privileged)  # the container object itself
    passes("10", 3, client, risky=privileged.id)


def test_10_sdk_with_a_tmpfs_and_another_uid(client, audits):
    run(client, "hardened", image="web", wait=False, cap_drop=["ALL"], read_only=True,
        cap_add=low_port_caps(client), tmpfs={"/tmp": ""}, security_opt=["no-new-privileges=true"])
    run(client, "unprivileged", ["sh", "-c", "while true; do sleep 1; done"], wait=False, user="4242")
    passes("10", 1, client)
    passes("10", 2, client)
