"""Chromium in a network namespace of its own, so Docker's network changes cannot reach it.

Why: every container the course starts adds a veth interface (and IPv6 addresses) to the
host. Chromium watches the host's addresses and aborts in-flight requests with
``net::ERR_NETWORK_CHANGED`` when they change, which broke JupyterLab's page loads
(theme CSS, checkpoints) at random while lessons ran containers. In its own namespace
Chromium sees only ``lo``.

How: the launcher (``python netns.py SOCKET PORT -- chromium ARGS``, run under
``unshare --net``) brings ``lo`` up, forks a relay from 127.0.0.1:PORT *inside* the
namespace to the Unix socket SOCKET (Unix sockets are files, shared across namespaces),
and execs Chromium. In the test process, `UnixToTcp` relays SOCKET to JupyterLab on the
host's 127.0.0.1:PORT. Same port on both sides, so URLs read the same everywhere.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import socket
import struct
import sys
import threading
import time
from pathlib import Path

SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def pump(src: socket.socket, dst: socket.socket) -> None:
    """Copy bytes one way until EOF, then half-close the other side."""
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def relay(conn: socket.socket, connect) -> None:
    """Join CONN to a new upstream connection, both directions, then close both."""
    try:
        upstream = connect()
    except OSError:
        conn.close()
        return
    back = threading.Thread(target=pump, args=(upstream, conn), daemon=True)
    back.start()
    pump(conn, upstream)
    back.join()
    conn.close()
    upstream.close()


def serve(listener: socket.socket, connect) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return  # listener closed
        threading.Thread(target=relay, args=(conn, connect), daemon=True).start()


class UnixToTcp:
    """In the test process: a Unix socket whose connections go to 127.0.0.1:PORT."""

    def __init__(self, path: Path, port: int):
        self.path, self.port = path, port
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(str(path))
        self.listener.listen(64)
        threading.Thread(target=serve, args=(self.listener, self._connect), daemon=True,
                         name="browser-relay").start()

    def _connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port))

    def close(self) -> None:
        self.listener.close()


def launcher(directory: Path, socket_path: Path, port: int, chromium: str) -> str | None:
    """An executable for Playwright that starts CHROMIUM in a new network namespace.

    None when namespaces are not available here (no ``unshare``, or not permitted).
    """
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    flags = ["--net"] if os.geteuid() == 0 else ["--user", "--map-root-user", "--net"]
    if os.spawnv(os.P_WAIT, unshare, [unshare, *flags, "true"]) != 0:
        return None
    script = directory / "chromium-netns"
    script.write_text("#!/bin/sh\n" + " ".join([
        "exec", unshare, *flags, "--", sys.executable, str(Path(__file__).resolve()),
        str(socket_path), str(port), "--", chromium, '"$@"']) + "\n")
    script.chmod(0o755)
    return str(script)


def bring_up_loopback() -> None:
    """A new network namespace starts with ``lo`` down: set IFF_UP (what `ip link set lo up` does)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(s, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))


def _relay_child(listener: socket.socket, socket_path: str) -> None:
    """The forked relay: LISTENER (127.0.0.1:PORT here) → SOCKET; ends with its parent."""
    parent, keep = os.getppid(), listener.fileno()
    os.closerange(3, keep)  # never hold Playwright's pipes to Chromium open
    os.closerange(keep + 1, 1024)

    def connect() -> socket.socket:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(socket_path)
        return s

    threading.Thread(target=serve, args=(listener, connect), daemon=True).start()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main(argv: list[str]) -> None:
    socket_path, port, sep, *chromium = argv
    assert sep == "--" and chromium, "usage: netns.py SOCKET PORT -- CHROMIUM [ARGS...]"
    bring_up_loopback()
    listener = socket.create_server(("127.0.0.1", int(port)), backlog=64)  # before Chromium
    if os.fork() == 0:
        _relay_child(listener, socket_path)
    listener.close()
    os.execv(chromium[0], chromium)


if __name__ == "__main__":
    main(sys.argv[1:])
