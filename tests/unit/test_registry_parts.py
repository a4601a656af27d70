"""Registry parts that need no daemon: references, endpoint names, htpasswd, capability masks."""
from __future__ import annotations

import base64
import json
import warnings

import pytest

from dockerlens.registry import auth, htpasswd, kind
from dockerlens.registry.reference import Reference
from dockerlens.registry.relay import client_of
from dockerlens.security import Isolation, capabilities


@pytest.mark.parametrize("text,full", [
    ("busybox", "docker.io/library/busybox:latest"),
    ("alice/app:2", "docker.io/alice/app:2"),
    ("localhost/app", "localhost/app:latest"),
    ("127.0.0.1:5000/course/app:1.0", "127.0.0.1:5000/course/app:1.0"),
    ("ghcr.io/o/r@sha256:" + "a" * 64, "ghcr.io/o/r@sha256:" + "a" * 64),
])
def test_references_with_dockers_defaults(text, full):
    ref = Reference.parse(text)
    assert ref.full == full and ref.pinned == ("@" in text)


@pytest.mark.parametrize("method,path,query,name", [
    ("GET", "/v2/", "", "VersionCheck"), ("GET", "/v2/_catalog", "", "Catalog"),
    ("GET", "/v2/a/b/tags/list", "", "TagsList"), ("HEAD", "/v2/a/blobs/sha256:00", "", "BlobExists"),
    ("GET", "/v2/a/blobs/sha256:00", "", "BlobGet"), ("POST", "/v2/a/blobs/uploads/", "", "BlobUploadStart"),
    ("POST", "/v2/a/blobs/uploads/", "mount=sha256:00&from=b", "BlobMount"),
    ("PATCH", "/v2/a/blobs/uploads/u-1", "", "BlobUploadChunk"),
    ("PUT", "/v2/a/blobs/uploads/u-1", "digest=sha256:00", "BlobUploadFinish"),
    ("HEAD", "/v2/a/manifests/1", "", "ManifestExists"), ("PUT", "/v2/a/manifests/1", "", "ManifestPut"),
    ("GET", "/v1/whatever", "", "unknown"),
])
def test_registry_endpoints_are_named(method, path, query, name):
    assert kind(method, path, query) == name


def test_the_daemon_is_told_apart_by_its_user_agent():
    assert client_of("docker/20.10.24 go/go1.19 git-commit/5d6db84 kernel/6.1 os/linux arch/amd64") == "dockerd"
    assert client_of("dockerlens-raw-http/1") == "http"


def test_htpasswd_line_is_bcrypt_and_verifies():
    line = htpasswd.line("alice", "pw")
    user, hashed = line.split(":", 1)
    assert user == "alice" and hashed.startswith("$2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import crypt
    assert crypt.crypt("pw", hashed) == hashed and crypt.crypt("other", hashed) != hashed
    with pytest.raises(ValueError):
        htpasswd.line("a:b", "pw")


def test_registry_auth_header_is_decoded_and_redacted():
    header = base64.urlsafe_b64encode(json.dumps({"username": "u", "password": "p"}).encode()).rstrip(b"=")
    assert auth.redact(auth.decode_header(header)) == {"username": "u", "password": "•••"}


def test_a_login_file_names_the_user_but_shows_no_secret(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps(
        {"auths": {"127.0.0.1:5000": {"auth": base64.b64encode(b"student:pw").decode()}}}))
    stored = auth.config_file(tmp_path)
    assert stored.user("127.0.0.1:5000") == "student" and "pw" not in repr(stored).replace("student", "")


def test_capability_masks_and_security_options():
    caps = capabilities("00000000a80425fb")  # Docker's default set
    assert len(caps) == 14 and "CAP_CHOWN" in caps and "SYS_ADMIN" not in caps
    assert len(capabilities("000001ffffffffff")) == 41
    facts = Isolation.of(["name=seccomp,profile=default", "name=userns"])
    assert facts.seccomp and facts.seccomp_profile == "default" and facts.userns and not facts.rootless


def test_no_registry_server_and_no_way_to_install_one_says_how_to_get_one(monkeypatch):
    from dockerlens.registry import install, server
    monkeypatch.setattr(install, "binary", lambda: None)
    monkeypatch.setattr(install, "can_install", lambda: False)
    with pytest.raises(install.RegistryUnavailable, match="apt-get install docker-registry"):
        install.ensure()
    reg = server.start("missing", lesson="99")
    assert not reg.live and "docker-registry" in repr(reg)
    assert not reg.accepted_by(client=None) and "apt-get install docker-registry" in reg.accepted_by(None).reason
    with pytest.raises(RuntimeError, match="docker-registry"):
        reg.get("/v2/")
