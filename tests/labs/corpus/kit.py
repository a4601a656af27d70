"""The attempt corpus: plausible wrong attempts and differently-made right solutions, as data.

Each lab module registers attempts with ``@wrong(key, expect)`` (the check of task KEY must fail
with a reason containing EXPECT) and ``@right(keys)`` (every task in KEYS must pass). An attempt
is a function of an :class:`Env`: it makes real objects on the daemon and returns the learner's
variables. ``tests/labs/test_attempts.py`` runs them all.
"""
from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import tarfile
from dataclasses import dataclass, field
from typing import Callable

from dockerlens.engine import images, scope

WRONG: list["Attempt"] = []
RIGHT: list["Attempt"] = []


@dataclass
class Attempt:
    """One attempt at a lab: what it does, which tasks it is checked on, what they must say."""
    lab: str
    keys: tuple[int, ...]
    what: str
    make: Callable
    expect: str = ""            # a wrong attempt's reason must contain this
    within: float | None = None  # a shorter retry bound for attempts that stay Pending
    prepare: bool = False        # run lab.prepare() first (investigation tasks)
    families: tuple[str, ...] = ("docker", "podman")  # engines whose check can tell it wrong

    @property
    def id(self) -> str:
        return f"{self.lab}.{'+'.join(map(str, self.keys))}-{self.what}"


def wrong(key: str, expect: str, *, within: float | None = None, prepare: bool = False,
          families: tuple[str, ...] = ("docker", "podman")):
    """A wrong attempt; FAMILIES narrows the engines whose check can detect it (the task's goal
    must then say why the others cannot)."""
    lab, task = key.split(".")

    def register(fn):
        WRONG.append(Attempt(lab, (int(task),), fn.__name__, fn, expect, within, prepare, families))
        return fn
    return register


def right(lab: str, *tasks: int, prepare: bool = False):
    def register(fn):
        RIGHT.append(Attempt(lab, tasks, fn.__name__, fn, prepare=prepare))
        return fn
    return register


@dataclass
class Env:
    """What an attempt works with: the wiretapped client, the CLI, and small builders."""
    client: object            # goes through the wiretap, as a notebook's does
    proxy: str                # unix:// URL of the wiretap's proxy (DOCKER_HOST in a notebook)
    daemon: str               # unix:// URL of the daemon itself (what the setup line prints)
    case: object = None       # the briefing of lab.prepare(), for investigation attempts
    closing: list = field(default_factory=list)

    name = staticmethod(scope.name)

    @staticmethod
    def labels(lesson: str | None = None, **extra):
        return scope.labels(lesson, **extra)

    @staticmethod
    def image(name: str = "base") -> str:
        return images.tag(name)

    def run(self, suffix: str, command=None, image: str = "base", wait: bool = True, **kw):
        """A labelled container ``lens.name(suffix)`` run with the SDK; waited for unless told not."""
        ctr = self.client.containers.run(images.tag(image) if "/" not in image and ":" not in image
                                         else image, command, name=scope.name(suffix),
                                         labels=kw.pop("labels", scope.labels()), detach=True, **kw)
        if wait:
            ctr.wait(timeout=60)
        ctr.reload()
        return ctr

    def cli(self, *args: str, env: dict | None = None, check: bool = True) -> str:
        """The docker CLI through the wiretap (as `!docker` in a notebook); its stdout."""
        full = {**os.environ, "DOCKER_HOST": self.proxy, **(env or {})}
        done = subprocess.run(["docker", *args], capture_output=True, text=True, env=full, timeout=60)
        if check and done.returncode != 0:
            raise RuntimeError(f"docker {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout.strip()

    def label_flags(self, **extra) -> list[str]:
        flags = []
        for key, value in scope.labels(**extra).items():
            flags += ["--label", f"{key}={value}"]
        return flags

    def build(self, dockerfile: str, tag: str, labels: dict | None = None, files: dict | None = None):
        """Build an image from a Dockerfile text (and FILES), offline."""
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            for path, data in {"Dockerfile": dockerfile.encode(), **(files or {})}.items():
                info = tarfile.TarInfo(path)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        buf.seek(0)
        img, _ = self.client.images.build(fileobj=buf, custom_context=True, tag=tag, rm=True,
                                          labels=scope.labels() if labels is None else labels)
        return img

    def raw(self, request: bytes, via: str | None = None) -> bytes:
        """Every byte a UNIX socket of the daemon answers to REQUEST (HTTP/1.0: it closes)."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect((via or self.proxy).removeprefix("unix://"))
            sock.sendall(request)
            raw = b""
            while chunk := sock.recv(65536):
                raw += chunk
        return raw

    def get(self, path: str, via: str | None = None) -> bytes:
        return self.raw(f"GET {path} HTTP/1.0\r\nHost: docker\r\n\r\n".encode(), via)

    @staticmethod
    def body(raw: bytes):
        return json.loads(raw.split(b"\r\n\r\n", 1)[1])
