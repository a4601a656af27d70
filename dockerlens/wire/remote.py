"""The daemon over a network interface, safely: a TCP listener on 127.0.0.1 with mutual TLS.

``TLSForwarder`` generates a course CA, a server certificate and a client certificate for
this learner (``cryptography``, into a private 0700 directory), listens on
``127.0.0.1:PORT``, refuses every client that does not present a certificate signed by that
CA, and relays the rest to the daemon's UNIX socket — through the wiretap's proxy socket
when the wiretap runs, so TCP requests land in the transcript too. It never listens
unauthenticated: on a shared machine any local user could reach the port, and the Docker
API is root on the host.

In a notebook (it needs a daemon, so it is shown, not run as a doctest)::

    with lens.tcp_endpoint() as fwd:
        c = fwd.client()      # the SDK over TCP + TLS
        fwd.env()             # DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH for the CLI
"""
from __future__ import annotations


import datetime
import html
import ipaddress
import os
import select
import shutil
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from ..render import left_aligned
from . import wiretap
from .scratch import private_dir
from ..engine.connect import socket_path
from ..engine.scope import learner
from ..engine.environ import environment

_FORWARDERS: dict[str, "TLSForwarder"] = {}


@dataclass
class CourseCA:
    """The files of a course CA and the certificates it signed (docker's file names)."""
    directory: Path

    @property
    def ca(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def cert(self) -> Path:          # the client's
        return self.directory / "cert.pem"

    @property
    def key(self) -> Path:
        return self.directory / "key.pem"

    @property
    def server_cert(self) -> Path:
        return self.directory / "server-cert.pem"

    @property
    def server_key(self) -> Path:
        return self.directory / "server-key.pem"

    @classmethod
    def create(cls, directory: Path, learner: str, days: int = 1) -> "CourseCA":
        """A new CA, a server cert for 127.0.0.1/localhost and a client cert for ``learner``."""
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
        found = cls(directory)
        ca_key, ca_cert = _issue(f"dockerlens course CA ({learner})", None, None, days, "ca")
        _write(found.ca, _pem_cert(ca_cert), 0o644)
        server_key, server_cert = _issue("127.0.0.1", ca_key, ca_cert, days, "server")
        _write(found.server_cert, _pem_cert(server_cert), 0o644)
        _write(found.server_key, _pem_key(server_key), 0o600)
        client_key, client_cert = _issue(learner, ca_key, ca_cert, days, "client")
        _write(found.cert, _pem_cert(client_cert), 0o644)
        _write(found.key, _pem_key(client_key), 0o600)
        return found


def _issue(common_name: str, issuer_key, issuer_cert, days: int, role: str):
    """One EC key and its certificate: the CA (self-signed), the server or a client."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "dockerlens"),
                         x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(issuer_cert.subject if issuer_cert else subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=days)))
    is_ca = role == "ca"
    builder = builder.add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    builder = builder.add_extension(x509.KeyUsage(
        digital_signature=not is_ca, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=not is_ca, key_cert_sign=is_ca, crl_sign=is_ca,
        encipher_only=False, decipher_only=False), critical=True)
    if role == "server":
        builder = builder.add_extension(x509.SubjectAlternativeName([
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                                        critical=False)
    elif role == "client":
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]),
                                        critical=False)
    cert = builder.sign(issuer_key or key, hashes.SHA256())
    return key, cert


def _pem_cert(cert) -> bytes:
    from cryptography.hazmat.primitives import serialization
    return cert.public_bytes(serialization.Encoding.PEM)


def _pem_key(key) -> bytes:
    from cryptography.hazmat.primitives import serialization
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _write(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def default_target() -> str:
    """The UNIX socket to relay to: the wiretap's TCP side when it runs, else the daemon."""
    if wiretap.routed():  # this kernel's clients go through the wiretap
        return wiretap.tcp_side()  # its exchanges are stamped transport="tcp"
    url = os.environ.get("DOCKER_HOST", "") or wiretap.daemon_endpoint()
    try:
        return socket_path(url)
    except ValueError:
        raise RuntimeError(f"the daemon answers at {url}, not on a UNIX socket: the TLS "
                           "forwarder relays to a local socket only") from None


class TLSForwarder:
    """``tcp://127.0.0.1:PORT`` with mutual TLS, relaying to the daemon's UNIX socket.

    Args:
        port: the TCP port (0: a free one).
        target: the UNIX socket path to relay to (default: wiretap proxy, else the daemon).
        key: a registry key; starting a forwarder stops the previous one with the same key.
    """

    def __init__(self, port: int = 0, target: str | None = None, key: str = "lesson"):
        self.key = key
        self.target = target or default_target()
        self.directory = Path(private_dir("tls"))
        self.certs = CourseCA.create(self.directory / "certs", learner())
        self.accepted = 0
        self.refused: list[str] = []
        self._stopping = threading.Event()
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", port))
        self._listener.settimeout(0.2)  # accept() wakes up to notice stop()
        self.port = self._listener.getsockname()[1]
        self._context = self._server_context()
        self._thread = threading.Thread(target=self._accept_loop, daemon=True,
                                        name=f"dockerlens-tls-{self.port}")

    def _server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.verify_mode = ssl.CERT_REQUIRED          # mutual TLS: no certificate, no API
        ctx.load_cert_chain(self.certs.server_cert, self.certs.server_key)
        ctx.load_verify_locations(self.certs.ca)
        return ctx

    # -- public API -------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def cert_path(self) -> str:
        return str(self.certs.directory)

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stopping.is_set()

    def start(self) -> "TLSForwarder":
        previous = _FORWARDERS.get(self.key)
        if previous is not None and previous is not self:
            previous.stop()
        _FORWARDERS[self.key] = self
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the listener and every relayed connection; delete the keys and certificates."""
        self._stopping.set()
        _close(self._listener)
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            _close(conn)
        if self._thread.is_alive():
            self._thread.join(1.0)
        if _FORWARDERS.get(self.key) is self:
            del _FORWARDERS[self.key]
        shutil.rmtree(self.directory, ignore_errors=True)

    def env(self) -> dict[str, str]:
        """What the docker CLI (and ``docker.from_env()``) needs to reach this endpoint."""
        return {"DOCKER_HOST": self.url, "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": self.cert_path}

    def tls_config(self, client_cert: bool = True):
        """The SDK's TLS settings: verify the server against the course CA, present our cert."""
        import docker
        cert = (str(self.certs.cert), str(self.certs.key)) if client_cert else None
        return docker.tls.TLSConfig(client_cert=cert, ca_cert=str(self.certs.ca), verify=True)

    def client(self, client_cert: bool = True, timeout: int = 10):
        """A ``docker.DockerClient`` over TCP + TLS (``client_cert=False`` to be refused)."""
        import docker
        with _no_ca_bundle_env():
            client = docker.DockerClient(base_url=self.url, tls=self.tls_config(client_cert),
                                         timeout=timeout)
        client.api.trust_env = False
        return client

    def docker(self, *args: str, context: str | None = None) -> subprocess.CompletedProcess:
        """Run the docker CLI against this endpoint (by env vars, or by a context we created)."""
        env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "DOCKER_CONTEXT")}
        env["DOCKER_CONFIG"] = str(self.directory / "docker-config")
        if context is None:
            env.update(self.env())
        cmd = ["docker", *(["--context", context] if context else []), *args]
        if shutil.which("docker") is None:  # the CLI is optional: say so, as a shell would
            return subprocess.CompletedProcess(cmd, 127, "", "the docker CLI is not installed "
                                               "here; the SDK cells show the same requests")
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=30)

    def create_context(self, name: str = "course-tls") -> subprocess.CompletedProcess:
        """A docker context for this endpoint, in a private DOCKER_CONFIG (never ~/.docker)."""
        c = self.certs
        host = f"host={self.url},ca={c.ca},cert={c.cert},key={c.key}"
        return self.docker("context", "create", name, "--docker", host, context="default")

    # -- the relay ----------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                raw, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(raw,), daemon=True,
                             name=f"dockerlens-tls-conn-{self.port}").start()

    def _serve(self, raw: socket.socket) -> None:
        raw.settimeout(5)
        try:
            tls = self._context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError) as err:
            self.refused.append(getattr(err, "reason", None) or type(err).__name__)
            _close(raw)
            return
        self.accepted += 1
        try:
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            upstream.connect(self.target)
        except OSError:
            _close(tls)
            return
        with self._lock:
            self._conns.update((tls, upstream))
        try:
            _relay(tls, upstream, self._stopping)
        finally:
            with self._lock:
                self._conns.difference_update((tls, upstream))
            _close(tls)
            _close(upstream)

    def __enter__(self) -> "TLSForwarder":
        return self.start() if not self.running else self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "listening" if self.running else "stopped"
        return (f"<TLSForwarder {self.url} {state} (mutual TLS) → unix://{self.target}; "
                f"{self.accepted} accepted, {len(self.refused)} refused>")

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td><code>{k}</code></td><td><code>{html.escape(v)}</code></td></tr>"
                       for k, v in self.env().items())
        return left_aligned(f"<p><b>{html.escape(self.url)}</b> · mutual TLS · relays to "
                f"<code>unix://{html.escape(self.target)}</code> · {self.accepted} accepted, "
                f"{len(self.refused)} refused · {'listening' if self.running else 'stopped'}</p>"
                f"<table>{rows}</table>")


def _relay(tls: ssl.SSLSocket, upstream: socket.socket, stopping: threading.Event) -> None:
    """Copy bytes both ways on one thread (an SSL socket must not be used by two at once)."""
    tls.settimeout(None)
    while not stopping.is_set():
        ready = [tls] if tls.pending() else select.select([tls, upstream], [], [], 0.5)[0]
        for sock in ready:
            other = upstream if sock is tls else tls
            try:
                data = sock.recv(65536)
            except ssl.SSLWantReadError:
                continue
            except OSError:
                return
            if not data:
                return
            try:
                other.sendall(data)
            except OSError:
                return


def _no_ca_bundle_env():
    """requests lets REQUESTS_CA_BUNDLE override a session's CA; hide it while connecting."""
    return environment(REQUESTS_CA_BUNDLE=None, CURL_CA_BUNDLE=None)


def _close(sock) -> None:
    try:
        sock.close()
    except Exception:
        pass


def tcp_endpoint(port: int = 0, target: str | None = None, reuse: bool = False) -> TLSForwarder:
    """Start (replacing any previous one) the course's mutual-TLS endpoint on 127.0.0.1; with
    REUSE, the one this kernel already runs, if any (a lesson's resume cell after a restart)."""
    if reuse and _FORWARDERS:
        return next(iter(_FORWARDERS.values()))
    return TLSForwarder(port, target).start()


def stop_all() -> int:
    """Stop every forwarder this kernel started; return how many."""
    found = list(_FORWARDERS.values())
    for fwd in found:
        fwd.stop()
    return len(found)
