"""connect() names each failure and its fix; checked with real sockets, not mocks."""
from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
from pathlib import Path

import pytest

from dockerlens.engine.connect import (NO_SOCKET, PERMISSION, REFUSED, TIMEOUT, DaemonUnavailable,
                                candidates, connect, probe)


def _as_nobody(fn):
    """Run fn() in a forked child as user nobody (root ignores file permissions)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.setgid(65534)
            os.setuid(65534)
            os.write(write, repr(fn()).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as f:
        return eval(f.read())  # a tuple of two strings/None that we wrote ourselves


def test_missing_socket_is_named(tmp_path):
    assert probe(f"unix://{tmp_path}/docker.sock")[0] == NO_SOCKET


def test_socket_nobody_listens_on_is_refused(tmp_path):
    path = tmp_path / "stale.sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))  # bound, never listening: what a crashed daemon leaves behind
    try:
        assert probe(f"unix://{path}")[0] == REFUSED
    finally:
        sock.close()


def test_socket_without_permission():
    folder = Path(tempfile.mkdtemp())  # world-searchable, so only the socket's mode stops nobody
    os.chmod(folder, 0o755)
    path = folder / "locked.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen()
    os.chmod(path, 0o600)
    try:
        failure = _as_nobody(lambda: probe(f"unix://{path}")) if os.geteuid() == 0 \
            else probe(f"unix://{path}")
        if os.geteuid() != 0 and os.access(path, os.W_OK):
            pytest.fail("the test user can write the socket; cannot show permission denied")
        assert failure[0] == PERMISSION
    finally:
        server.close()
        shutil.rmtree(folder)


def test_silent_listener_times_out(tmp_path):
    path = tmp_path / "hung.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    try:
        assert probe(f"unix://{path}", timeout=0.3)[0] == TIMEOUT
    finally:
        server.close()


def test_tcp_port_nobody_listens_on_is_refused():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    assert probe(f"tcp://127.0.0.1:{port}")[0] == REFUSED


def test_daemon_unavailable_lists_attempts_and_fixes(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/missing.sock")
    with pytest.raises(DaemonUnavailable) as info:
        connect()
    message = str(info.value)
    assert f"unix://{tmp_path}/missing.sock (DOCKER_HOST): no such socket" in message
    assert "Start Docker Desktop" in message and "podman.socket" in message
    assert "Traceback" not in message


def test_permission_fix_names_the_docker_group():
    from dockerlens.engine.connect import Attempt
    err = DaemonUnavailable([Attempt("unix:///var/run/docker.sock", "default socket", PERMISSION)])
    assert "sudo usermod -aG docker $USER" in str(err)


def test_without_docker_host_the_usual_sockets_are_tried(monkeypatch):
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    urls = [u for u, _ in candidates()]
    assert "unix:///var/run/docker.sock" in urls
    assert any("podman" in u for u in urls)


def test_docker_host_alone_is_tried_when_set(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///somewhere/docker.sock")
    assert candidates() == [("unix:///somewhere/docker.sock", "DOCKER_HOST")]


def test_current_context_comes_first(tmp_path, monkeypatch):
    import hashlib
    import json
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "class"}))
    meta = tmp_path / "contexts/meta" / hashlib.sha256(b"class").hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(json.dumps(
        {"Name": "class", "Endpoints": {"docker": {"Host": "tcp://127.0.0.1:2376"}}}))
    assert candidates()[0] == ("tcp://127.0.0.1:2376", "docker context 'class'")


def test_notebooks_show_the_message_not_a_traceback():
    from dockerlens.engine.connect import Attempt
    err = DaemonUnavailable([Attempt("unix:///x.sock", "DOCKER_HOST", NO_SOCKET)])
    shown = "\n".join(err._render_traceback_())
    assert shown.startswith("DaemonUnavailable: No Docker daemon answered") and "File " not in shown
