"""JupyterHub's LocalProcessSpawner plus a private rootless daemon that lives and dies with the server.

Runs inside the hub process (root). Before JupyterLab starts: the course is copied into the
learner's home, their daemon is started and the course images are built into it. While the
server runs, a watchdog restarts the daemon if it dies and records the death for the
learner's doctor. ``DOCKER_HOST`` in the server's environment points at that daemon only.
"""
from __future__ import annotations

import asyncio
import os
import pwd
import shutil
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from tornado.ioloop import PeriodicCallback
from traitlets import Unicode

from .accounts import stop_processes, subids_of
from .daemon import LearnerDaemon

WATCH_EVERY_MS = 2000
STOP_GRACE = 20  # dockerd's own shutdown stops running containers first (15 s at most)
COURSE_PARTS = ("notebooks", "labs", "images")


def copy_course(source: Path, user: str) -> Path:
    """Copy the course's notebooks and labs into the learner's ~/course (once), owned by them."""
    account = pwd.getpwnam(user)
    target = Path(account.pw_dir) / "course"
    for part in COURSE_PARTS:
        if (source / part).is_dir() and not (target / part).exists():
            shutil.copytree(source / part, target / part)
    for path in [target, *target.rglob("*")]:
        os.lchown(path, account.pw_uid, account.pw_gid)
    return target


class ClassroomSpawner(LocalProcessSpawner):
    """A learner's JupyterLab, as their Unix account, with their own rootless Docker daemon."""

    course = Unicode(help="the course checkout whose notebooks/ and labs/ each learner gets").tag(config=True)
    board_api = Unicode(help="where lab checks post results (the board service's API)").tag(config=True)

    _daemon_proc = None
    _watch = None
    _steps: list[str] = []  # what start() has begun, for the spawn page

    @property
    def daemon(self) -> LearnerDaemon:
        return LearnerDaemon(self.user.name)

    async def start(self):
        self._steps = ["copying the course into ~/course"]
        await asyncio.to_thread(copy_course, Path(self.course), self.user.name)
        self._steps.append("starting your private rootless Docker daemon")
        await asyncio.to_thread(self._start_daemon)
        self._steps.append("giving it the course images (offline)")
        await asyncio.to_thread(self.daemon.install_images)
        self._steps.append("starting JupyterLab")
        self._watch = PeriodicCallback(self._check_daemon, WATCH_EVERY_MS)
        self._watch.start()
        try:
            return await super().start()
        except Exception:
            await self._stop_daemon()  # no server, no daemon
            raise

    def _start_daemon(self) -> None:
        self._daemon_proc = self.daemon.start()
        self.daemon.wait(self._daemon_proc)

    async def _check_daemon(self) -> None:
        """The watchdog: a daemon that exited or stopped answering is noted and started again."""
        proc = self._daemon_proc
        if proc is None or (proc.poll() is None and self.daemon.answers(timeout=5)):
            return
        self.log.warning("%s's rootless daemon stopped (exit %s): restarting it", self.user.name, proc.poll())
        self._daemon_proc = None
        await asyncio.to_thread(self._restart_daemon, proc)

    def _restart_daemon(self, old) -> None:
        self.daemon.stop(old, grace=3)
        self.daemon.died(old.returncode)
        self._start_daemon()

    async def stop(self, now=False):
        await super().stop(now=now)
        await self._stop_daemon()

    async def _stop_daemon(self) -> None:
        if self._watch is not None:
            self._watch.stop()
            self._watch = None
        proc, self._daemon_proc = self._daemon_proc, None
        await asyncio.to_thread(self.daemon.stop, proc, STOP_GRACE)
        # the server is gone: what is left of the account's processes (containerd, shims, the
        # containers' processes, under the learner's uid or subordinate IDs) belonged to the daemon
        account = pwd.getpwnam(self.user.name)
        await asyncio.to_thread(stop_processes, account.pw_uid, subids_of(self.user.name))

    async def progress(self):
        """Progress lines on the spawn page while the daemon and images get ready (the hub stops
        reading when the spawn ends)."""
        shown = 0
        while True:
            for line in self._steps[shown:]:
                shown += 1
                yield {"progress": min(20 * shown, 90), "message": line}
            await asyncio.sleep(0.5)

    def get_env(self):
        env = super().get_env()
        env.update(DOCKER_HOST=self.daemon.url, DOCKERLENS_LEARNER=self.user.name,
                   DOCKERLENS_BOARD_API=self.board_api,
                   DOCKERLENS_CLASSROOM_DAEMON=str(self.daemon.state_file))
        return env
