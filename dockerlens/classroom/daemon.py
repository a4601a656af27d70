"""A learner's private rootless Docker daemon: started as the learner, found by its socket, stopped.

Debian's ``docker.io`` ships ``dockerd-rootless.sh``: rootlesskit gives dockerd a user
namespace (the learner's uid is its root, the subordinate range the rest) and slirp4netns
a network of its own. Its data lives in the learner's home, its socket in a runtime
directory only the learner may open.
"""
from __future__ import annotations

import json
import os
import pwd
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .config import RUN, STATE
from .flags import LOCAL_MTU, dockerd_flags

ROOTLESS_SH = "/usr/share/docker.io/contrib/dockerd-rootless.sh"
PATH = "/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin"
IMAGES = STATE / "images"  # the course images saved once per class, loaded into each daemon
PORTS_FROM, PORTS_EACH, PORT_SLOTS = 33000, 500, 56  # ephemeral host ports: 33000-60999 in slots
# dockerd-rootless.sh runs `dockerd` from PATH inside the learner's namespaces: this one first gives
# that network namespace the learner's own ephemeral port range. Every daemon would otherwise hand
# out 32768, 32769, ... and rootlesskit binds them on the host, where learners' ports collide (the
# daemon gives up after 10 tries: "Error starting userland proxy" with 20 learners at once).
DOCKERD_WRAPPER = """#!/bin/sh
echo "$DOCKERLENS_PORT_RANGE" > /proc/sys/net/ipv4/ip_local_port_range
exec /usr/sbin/dockerd "$@"
"""


@dataclass
class LearnerDaemon:
    """The rootless daemon of one learner account."""
    user: str

    @property
    def runtime_dir(self) -> Path:
        return RUN / self.user

    @property
    def socket(self) -> Path:
        return self.runtime_dir / "docker.sock"

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    @property
    def log(self) -> Path:
        return self.runtime_dir / "dockerd.log"

    @property
    def state_file(self) -> Path:
        """Pid, starts and the last death, written by the classroom, read by the learner's doctor."""
        return self.runtime_dir / "daemon.json"

    @property
    def port_range(self) -> tuple[int, int]:
        """This learner's ephemeral host ports (distinct for up to 56 consecutive uids)."""
        low = PORTS_FROM + (pwd.getpwnam(self.user).pw_uid % PORT_SLOTS) * PORTS_EACH
        return low, low + PORTS_EACH - 1

    @property
    def data_root(self) -> Path:
        return Path(pwd.getpwnam(self.user).pw_dir) / ".local/share/docker"

    def state(self) -> dict:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}

    def _write_state(self, **changes) -> None:
        data = {**self.state(), **changes}
        self.state_file.write_text(json.dumps(data))
        self.state_file.chmod(0o644)

    def start(self) -> subprocess.Popen:
        """Start dockerd-rootless.sh as the learner, in a session of its own; return the process."""
        account = pwd.getpwnam(self.user)
        self.runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chown(self.runtime_dir, account.pw_uid, account.pw_gid)
        self.socket.unlink(missing_ok=True)
        wrapper = self.runtime_dir / "bin" / "dockerd"
        wrapper.parent.mkdir(exist_ok=True)
        wrapper.write_text(DOCKERD_WRAPPER)
        wrapper.chmod(0o755)
        env = {"HOME": account.pw_dir, "USER": self.user, "LOGNAME": self.user,
               "PATH": f"{wrapper.parent}:{PATH}", "XDG_RUNTIME_DIR": str(self.runtime_dir),
               "DOCKERLENS_PORT_RANGE": "%d %d" % self.port_range}
        with open(self.log, "ab") as out:
            os.chown(self.log, account.pw_uid, account.pw_gid)
            proc = subprocess.Popen([ROOTLESS_SH, *dockerd_flags(str(self.socket), LOCAL_MTU)],
                                    user=account.pw_uid, group=account.pw_gid, extra_groups=[],
                                    env=env, cwd=account.pw_dir, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=out, start_new_session=True)
        state = self.state()
        self._write_state(pid=proc.pid, started=time.time(), starts=state.get("starts", 0) + 1)
        return proc

    def answers(self, timeout: float = 2.0) -> bool:
        """True when the daemon's socket answers ``GET /_ping``."""
        import socket
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(timeout)
                sock.connect(str(self.socket))
                sock.sendall(b"GET /_ping HTTP/1.0\r\n\r\n")
                return sock.recv(64).split(b"\r\n")[0].endswith(b" 200 OK")
        except OSError:
            return False

    def wait(self, proc: subprocess.Popen, seconds: float = 60) -> None:
        """Wait until the daemon answers; raise with the end of its log if it stops or never does."""
        deadline = time.monotonic() + seconds
        while not self.answers():
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = self.log.read_text(errors="replace").splitlines()[-12:]
                raise RuntimeError(f"{self.user}'s rootless dockerd did not answer "
                                   f"(see {self.log}):\n" + "\n".join(tail))
            time.sleep(0.2)

    def died(self, code: int | None) -> None:
        """Note that the daemon stopped on its own (the learner's doctor reports it)."""
        self._write_state(last_death=time.time(), last_exit=code, deaths=self.state().get("deaths", 0) + 1)

    def stop(self, proc: subprocess.Popen | None, grace: float = 10) -> None:
        """SIGTERM the daemon's process group, SIGKILL it after GRACE seconds."""
        pid = proc.pid if proc else self.state().get("pid")
        if not pid:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(pid, sig)
            except (ProcessLookupError, PermissionError):
                break
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline and _group_alive(pid):
                if proc is not None:
                    proc.poll()
                time.sleep(0.1)
            if not _group_alive(pid):
                break
        self._write_state(pid=None)

    def install_images(self, log=lambda line: None) -> str:
        """Give this daemon the course images, offline: load the class's saved copies (under a
        second) when ``up`` saved them, else build them here (about 15 s on a rootless daemon)."""
        import docker
        from ..engine import images
        client = docker.DockerClient(base_url=self.url, timeout=120)
        try:
            saved = [IMAGES / f"{name}.tar" for name in images.ORDER]
            if all(path.exists() for path in saved):
                for path in saved:
                    with open(path, "rb") as tarball:
                        client.images.load(tarball.read())
                if all(images.current_hash(client, n) == h for n, h in images.expected_hashes().items()):
                    return "loaded"
            images.build_all(client, log=log)
            return "built"
        finally:
            client.close()


def save_course_images(log=print) -> bool:
    """Save the host daemon's current course images for the spawner to load (when it has them)."""
    import docker
    from ..engine import images
    try:
        host = docker.from_env(timeout=30)
        current = all(images.current_hash(host, n) == h for n, h in images.expected_hashes().items())
    except docker.errors.DockerException:
        return False
    if not current:
        host.close()
        return False
    IMAGES.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name in images.ORDER:
        with open(IMAGES / f"{name}.tar", "wb") as out:
            for chunk in host.api.get_image(images.tag(name)):
                out.write(chunk)
    host.close()
    log(f"      course images saved from the host daemon into {IMAGES} (each learner's daemon loads them)")
    return True


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except (ProcessLookupError, PermissionError):
        return False
