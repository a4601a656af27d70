"""Find the Docker daemon that answers, and say exactly what was tried when none does.

Candidates, in order: ``DOCKER_HOST`` (alone, when set), the current docker context,
then the usual sockets of Docker Engine, rootless Docker, Docker Desktop and Podman.
Each is probed with a raw ``GET /_ping`` before the SDK is handed the winner, so that a
failure is classified (no such socket, permission denied, connection refused, timeout)
instead of surfacing as a traceback from deep inside requests.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

PROBE_TIMEOUT = 3.0

NO_SOCKET = "no such socket"
PERMISSION = "permission denied"
REFUSED = "connection refused"
TIMEOUT = "timeout"
NOT_DOCKER = "not a Docker API"

FIXES = {
    NO_SOCKET: "nothing is installed or running there. Start Docker Desktop, or "
               "`sudo systemctl start docker` (Engine), or `systemctl --user start docker` "
               "(rootless), or for Podman `systemctl --user start podman.socket` and "
               "`export DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock`.",
    PERMISSION: "the socket exists but your user may not open it. Run "
                "`sudo usermod -aG docker $USER`, then log out and in again (or `newgrp docker`), "
                "and restart JupyterLab.",
    REFUSED: "the socket or port exists but no daemon listens (a stale socket after a crash). "
             "Start the daemon again: Docker Desktop, or `sudo systemctl restart docker`.",
    TIMEOUT: "something accepted the connection but did not answer /_ping in time: the daemon "
             "is hung or overloaded, or a remote host is unreachable. Restart the daemon "
             "or check DOCKER_HOST.",
    NOT_DOCKER: "something answered, but not as a Docker Engine API. Check DOCKER_HOST.",
}


@dataclass
class Attempt:
    """One endpoint tried, where it came from, and why it failed (``None`` when it answered)."""
    url: str
    source: str
    failure: str | None = None
    detail: str = ""

    def __str__(self) -> str:
        if self.failure is None:
            return f"{self.url} ({self.source}): answered"
        return f"{self.url} ({self.source}): {self.failure}{' - ' + self.detail if self.detail else ''}"


class DaemonUnavailable(RuntimeError):
    """No Docker daemon answered; the message lists every endpoint tried and the fix."""

    def __init__(self, attempts: list[Attempt]):
        self.attempts = attempts
        lines = ["No Docker daemon answered. Tried:"]
        lines += [f"  - {a}" for a in attempts]
        seen = []
        for a in attempts:
            if a.failure and a.failure not in seen:
                seen.append(a.failure)
        lines.append("How to fix it:")
        lines += [f"  - {f}: {FIXES[f]}" for f in seen]
        lines.append("Then check with `python -m dockerlens doctor`.")
        super().__init__("\n".join(lines))

    def _render_traceback_(self) -> list[str]:
        """In a notebook, show the message alone: the traceback would only hide the fix."""
        return [f"DaemonUnavailable: {self}"]


def candidates() -> list[tuple[str, str]]:
    """(url, where it came from) for every endpoint worth trying, most specific first."""
    host = os.environ.get("DOCKER_HOST")
    if host:
        return [(host, "DOCKER_HOST")]
    found: list[tuple[str, str]] = []
    context = _context_host()
    if context:
        found.append(context)
    runtime = os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    home = Path.home()
    for path, source in [
        ("/var/run/docker.sock", "default socket"),
        (f"{runtime}/docker.sock", "rootless Docker"),
        (str(home / ".docker/run/docker.sock"), "Docker Desktop"),
        (str(home / ".docker/desktop/docker.sock"), "Docker Desktop"),
        (f"{runtime}/podman/podman.sock", "Podman (rootless)"),
        ("/run/podman/podman.sock", "Podman"),
    ]:
        url = f"unix://{path}"
        if url not in (u for u, _ in found):
            found.append((url, source))
    return found


def _context_host() -> tuple[str, str] | None:
    """The endpoint of the docker CLI's current context, if one other than default is set."""
    config_dir = Path(os.environ.get("DOCKER_CONFIG", Path.home() / ".docker"))
    name = os.environ.get("DOCKER_CONTEXT")
    try:
        name = name or json.loads((config_dir / "config.json").read_text()).get("currentContext")
    except (OSError, ValueError):
        return None
    if not name or name == "default":
        return None
    meta = config_dir / "contexts/meta" / hashlib.sha256(name.encode()).hexdigest() / "meta.json"
    try:
        host = json.loads(meta.read_text())["Endpoints"]["docker"]["Host"]
    except (OSError, ValueError, KeyError):
        return None
    return host, f"docker context {name!r}"


def probe(url: str, timeout: float = PROBE_TIMEOUT) -> tuple[str | None, str]:
    """Send ``GET /_ping`` to a unix:// or tcp:// endpoint; return (failure or None, detail)."""
    parsed = urlparse(url)
    try:
        if parsed.scheme in ("unix", "http+unix", ""):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            address: object = parsed.path or url
        elif parsed.scheme in ("tcp", "http", "https"):
            if os.environ.get("DOCKER_TLS_VERIFY") or parsed.scheme == "https":
                return None, "TLS endpoint: checked by the SDK"
            sock = socket.create_connection((parsed.hostname, parsed.port or 2375), timeout)
            address = None
        else:
            return None, f"{parsed.scheme}:// endpoint: checked by the SDK"
    except ConnectionRefusedError as err:
        return REFUSED, err.strerror or ""
    except (socket.timeout, TimeoutError):
        return TIMEOUT, f"no connection within {timeout:g} s"
    except OSError as err:
        return NOT_DOCKER, str(err)
    try:
        sock.settimeout(timeout)
        if address is not None:
            sock.connect(address)
        sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
        answer = sock.recv(256)
    except FileNotFoundError:
        return NO_SOCKET, f"{parsed.path} does not exist"
    except PermissionError:
        return PERMISSION, f"cannot open {parsed.path}"
    except ConnectionRefusedError:
        return REFUSED, "nobody listens"
    except (socket.timeout, TimeoutError):
        return TIMEOUT, f"no answer within {timeout:g} s"
    except OSError as err:
        return NOT_DOCKER, err.strerror or str(err)
    finally:
        sock.close()
    if not answer.startswith(b"HTTP/1."):
        return NOT_DOCKER, f"answered {answer[:20]!r}"
    return None, answer.split(b"\r\n", 1)[0].decode("latin-1")


def find_endpoint() -> tuple[str, str]:
    """The first endpoint whose /_ping answers, or DaemonUnavailable listing every attempt."""
    attempts = []
    for url, source in candidates():
        failure, detail = probe(url)
        attempts.append(Attempt(url, source, failure, detail))
        if failure is None:
            return url, source
    raise DaemonUnavailable(attempts)


def socket_path(url: str) -> str:
    """The file of a ``unix://`` endpoint; ValueError naming the endpoint when it is not one.

    >>> socket_path("unix:///var/run/docker.sock")
    '/var/run/docker.sock'
    """
    parsed = urlparse(url)
    if parsed.scheme not in ("unix", "http+unix", "") or not (parsed.path or url):
        raise ValueError(f"{url} is not a UNIX socket endpoint (unix:///path/to/docker.sock)")
    return parsed.path or url


def connect(base_url: str | None = None, timeout: int = 60):
    """A ``docker.DockerClient`` for the daemon that answers, API version negotiated.

    Raises:
        DaemonUnavailable: no endpoint answered; the message says what was tried and the fix.
    """
    import docker

    if base_url is None:
        base_url, _ = find_endpoint()
    if os.environ.get("DOCKER_TLS_VERIFY") and base_url == os.environ.get("DOCKER_HOST"):
        return docker.from_env(timeout=timeout)  # TLS settings come from the environment
    try:
        return docker.DockerClient(base_url=base_url, version=None, timeout=timeout)
    except docker.errors.DockerException as err:
        raise DaemonUnavailable([Attempt(base_url, "SDK", NOT_DOCKER, str(err))]) from None
