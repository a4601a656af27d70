"""The mutual-TLS TCP endpoint: certificates work, no certificate is refused, traffic is tapped."""
from __future__ import annotations

import os
import socket
import stat
import threading
import time

import docker
import pytest

from dockerlens.live import wait_until
from dockerlens.wire.remote import TLSForwarder

pytestmark = pytest.mark.docker


@pytest.fixture
def forwarder():
    fwd = TLSForwarder(key="test").start()
    yield fwd
    fwd.stop()


def test_sdk_with_the_course_certificates_reaches_the_daemon(forwarder, client):
    tls_client = forwarder.client()
    try:
        assert tls_client.ping()
        assert tls_client.version()["ApiVersion"] == client.version()["ApiVersion"]
    finally:
        tls_client.close()
    assert forwarder.accepted >= 1


def test_a_client_without_a_certificate_is_refused(forwarder):
    with pytest.raises(docker.errors.DockerException, match="SSL"):
        forwarder.client(client_cert=False)
    # the client may see its SSL error before the server's thread has recorded the refusal
    assert wait_until(lambda: forwarder.refused, 10), "the server should have recorded the refused handshake"


def test_plain_http_gets_no_answer(forwarder):
    with socket.create_connection(("127.0.0.1", forwarder.port), timeout=5) as sock:
        sock.sendall(b"GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            answer = sock.recv(1024)
        except ConnectionResetError:
            answer = b""
    assert b"HTTP/1." not in answer and b"OK" not in answer


def test_the_cli_reaches_it_with_docker_host_tls_verify_and_cert_path(forwarder):
    env = forwarder.env()
    assert env["DOCKER_HOST"] == forwarder.url and env["DOCKER_TLS_VERIFY"] == "1"
    done = forwarder.docker("version", "--format", "{{.Server.APIVersion}}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("1.")
    made = forwarder.create_context("course-tls")
    assert made.returncode == 0, made.stderr
    via_context = forwarder.docker("info", "--format", "{{.ServerVersion}}", context="course-tls")
    assert via_context.returncode == 0, via_context.stderr


def test_keys_are_private_and_gone_after_stop():
    fwd = TLSForwarder(key="test-private").start()
    certs = fwd.certs
    assert stat.S_IMODE(os.stat(certs.directory).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(certs.key).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(certs.server_key).st_mode) == 0o600
    started = time.monotonic()
    fwd.stop()
    assert time.monotonic() - started < 5  # prompt, not a wait on a blocked accept (bound loose for loaded machines)
    assert not certs.directory.exists()
    assert not any(t.name.startswith(f"dockerlens-tls-{fwd.port}") for t in threading.enumerate())
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", fwd.port), timeout=1).close()


def test_tls_requests_land_in_the_wiretap_transcript():
    from dockerlens.wire import wiretap
    from dockerlens.engine.connect import find_endpoint
    wiretap.unroute()
    url, _ = find_endpoint()
    proxy = wiretap.route(url)  # as setup() does: DOCKER_HOST now points at the wiretap
    assert proxy != url, "the test daemon is on a UNIX socket, so the wiretap must sit in front"
    from dockerlens.engine.connect import connect
    from dockerlens.live.panel import transport_of
    lit: list[tuple[str, str]] = []

    def note(ex):
        lit.append((ex.operation, transport_of(ex)))

    wiretap.subscribe(note)
    try:
        with TLSForwarder(key="test-tap") as fwd:
            assert fwd.target == wiretap.tcp_side(), "the endpoint relays into the wiretap's TCP side"
            first = wiretap.TRANSCRIPT.last_seq()
            tls_client = fwd.client()
            try:
                tls_client.containers.list(filters={"label": "dockerlens.never"})
            finally:
                tls_client.close()
            local = connect(proxy)
            local.volumes.list(filters={"label": "dockerlens.never"})
            local.close()
    finally:
        wiretap.unsubscribe(note)
        wiretap.unroute()
    seen = [(ex.client, ex.operation) for ex in wiretap.TRANSCRIPT.since(first)]
    assert ("sdk", "ContainerList") in seen, seen
    assert ("ContainerList", "tcp") in lit and ("VolumeList", "unix") in lit, lit
