"""The course's registry: a real docker-registry on 127.0.0.1, the relay in front, reset ends it."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from dockerlens import registry
from dockerlens.engine import images, scope
from dockerlens.engine.facts import facts
from dockerlens.registry import http, state

pytestmark = pytest.mark.docker


@pytest.fixture
def reg(cleanup):
    started = registry.start("test", lesson="99")
    yield started
    started.stop()


def _push(client, ref: str, **kw) -> list[dict]:
    repository, _, tag = ref.rpartition(":")
    client.images.get(images.tag("base")).tag(repository, tag)
    try:
        return registry.push(client, ref, **kw)  # Podman's refusal is a 500 the SDK cannot read
    finally:
        client.images.remove(ref)


def test_the_daemon_pushes_through_the_relay_and_every_request_is_its_own(client, reg):
    with reg.tap() as rtap:
        pushed = _push(client, reg.ref("t/base", "1"))
    digest = registry.pushed_digest(pushed)
    daemon = rtap.by("dockerd")
    assert daemon.kinds()[0] == "TLSHandshake"  # the daemon tries HTTPS first, then plain HTTP
    assert daemon.kinds()[-1] == "ManifestPut"
    failed = {(r.kind, r.status) for r in daemon if r.kind != "TLSHandshake" and r.status >= 400}
    probes = {"BlobExists"}  # a 404 there means "not uploaded yet", nothing else failed
    if facts(client).image_store == "containerd":
        probes.add("ManifestExists")  # the containerd store asks for the manifest (HEAD) first too
    assert {kind for kind, _ in failed} <= probes and {status for _, status in failed} <= {404}, failed
    assert "BlobUploadFinish" in daemon.kinds() and len(rtap) == len(daemon)
    assert reg.manifest("t/base", "1").digest == digest
    assert reg.requests()[-1].client == "http" and reg.requests()[-1].kind == "ManifestGet"


def test_storage_config_and_ports_are_private_and_on_loopback(reg):
    rec = reg.record
    config = Path(rec.config).read_text()
    assert f"addr: 127.0.0.1:{rec.port}" in config and str(Path(rec.folder) / "storage") in config
    assert oct(os.stat(rec.folder).st_mode & 0o777) == "0o700"
    assert reg.address == f"127.0.0.1:{rec.relay_port}" and rec.port != rec.relay_port
    assert state.alive(rec) and rec.learner == scope.learner() and rec.lesson == "99"


def test_the_same_learner_and_lesson_get_the_same_port_again(cleanup):
    """Replay matches requests by path, and the registry's port is in every image reference."""
    first = registry.start("again", lesson="99")
    port = first.relay_port
    first.stop()
    second = registry.start("again", lesson="99")
    try:
        assert second.relay_port == port == registry.server.preferred_port(scope.learner(), "99", "again")
    finally:
        second.stop()


def test_reset_of_the_lesson_stops_the_registry_and_deletes_its_storage(client, cleanup):
    started = registry.start("gone", lesson="98")
    folder, pid = Path(started.record.folder), started.record.pid
    other = registry.start("kept", lesson="97")
    try:
        report = scope.reset(client, "98")
        assert "registry" in report.removed and not started.live
        assert not folder.exists() and not Path(f"/proc/{pid}/cmdline").exists() or \
            Path(f"/proc/{pid}/cmdline").read_bytes() == b""
        assert other.live  # another lesson's registry stays
    finally:
        other.stop()


def test_htpasswd_refuses_strangers_and_accepts_the_user(client, cleanup):
    secure = registry.start("auth", users={"alice": "pw-1"}, lesson="99")
    try:
        assert secure.get("/v2/", login=False).status == 401
        assert secure.get("/v2/").status == 200
        refused = _push(client, secure.ref("t/base", "1"))
        said = "authentication required" if facts(client).family == "podman" else "basic auth credentials"
        assert said in refused[-1]["error"], refused
        with registry.sent_headers(client) as sent:
            accepted = _push(client, secure.ref("t/base", "1"), auth_config=secure.credentials())
        assert registry.pushed_digest(accepted)
        assert sent.auth_for("/push") == {"username": "alice", "password": "•••"}
    finally:
        secure.stop()


def test_a_stopped_registry_says_why_it_cannot_answer(cleanup):
    gone = registry.start("stopped", lesson="99")
    gone.stop()
    with pytest.raises(RuntimeError, match="the registry is stopped"):
        gone.get("/v2/")


def test_raw_http_answer_shows_request_and_redacts_authorization(reg):
    answer = http.request(reg.relay_port, "GET", "/v2/", {"Authorization": http.basic("a", "secret")})
    assert answer.status == 200 and "Authorization: Basic •••" in answer.text()
    assert "secret" not in answer.text()
