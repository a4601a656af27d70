"""Helpers for lab tests: create real daemon objects (right and wrong) for the current learner."""
from __future__ import annotations

import io
import json
import socket
import tarfile
import threading
import time

from dockerlens.engine import images, scope
from dockerlens.engine.connect import find_endpoint


def run(client, suffix: str, command=None, image: str = "base", wait: bool = True, **kw):
    """Run a labelled container ``lens.name(suffix)``; wait for it unless told not to."""
    ctr = client.containers.run(images.tag(image) if "/" not in image and ":" not in image else image,
                                command, name=scope.name(suffix), labels=kw.pop("labels", scope.labels()),
                                detach=True, **kw)
    if wait:
        ctr.wait()
    ctr.reload()
    return ctr


def build(client, dockerfile: str, tag: str, labels: dict | None = None):
    """Build an image from a Dockerfile text, offline."""
    data = dockerfile.encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    img, _ = client.images.build(fileobj=buf, custom_context=True, tag=tag, rm=True,
                                 labels=scope.labels() if labels is None else labels)
    return img


def raw_get(path: str) -> bytes:
    """Every byte the daemon answers to GET PATH (HTTP/1.0) over its UNIX socket."""
    endpoint, _ = find_endpoint()
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(endpoint.removeprefix("unix://"))
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: docker\r\n\r\n".encode())
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    return raw


def body(raw: bytes):
    return json.loads(raw.split(b"\r\n\r\n", 1)[1])


def events_of(client, ctr_name: str, since: float) -> list[dict]:
    """The daemon's events of container CTR_NAME since SINCE, collected after the fact."""
    stream = client.events(since=since, until=time.time() + 0.05, decode=True,
                           filters={"container": ctr_name})
    try:
        return list(stream)
    finally:
        stream.close()


DOCKERFILE = """FROM dockerlens/base:1
RUN mkdir /app
RUN echo "hello from lab 04" > /app/message.txt
RUN chmod 644 /app/message.txt
CMD ["cat", "/app/message.txt"]
"""


def solve(number: str, client) -> dict:
    """The reference solution of a lab (for tests that need a solved lab); returns its variables."""
    if number == "06":
        net = client.networks.create(scope.name("net"), driver="bridge", labels=scope.labels())
        run(client, "server", ["sleep", "3600"], network=net.name, wait=False)
        run(client, "client", ["nslookup", scope.name("server")], network=net.name)
        run(client, "web", image="web", ports={"80/tcp": ("127.0.0.1", None)}, wait=False)
        return {}
    if number == "08":
        seen: list[dict] = []
        from dockerlens import connect
        watcher_client = connect()  # a client per thread: requests.Session is not thread-safe
        watcher_stream = watcher_client.events(decode=True, filters={"container": scope.name("life")})

        def watch():
            for event in watcher_stream:
                seen.append(event)
                if event.get("Action") == "destroy":
                    break
        thread = threading.Thread(target=watch, daemon=True)
        thread.start()
        ctr = run(client, "life", ["sh", "-c", "exit 7"])
        ctr.remove()
        thread.join(10)
        watcher_stream.close()
        watcher_client.close()
        return {"seen": seen, "exit_code": 7}
    raise KeyError(number)
