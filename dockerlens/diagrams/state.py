"""A read-only snapshot of daemon state: the list API's JSON, four requests in all.

The object graph and ``lens.diff()`` are built from it; unit tests build it from JSON
recorded from a real daemon (``tests/unit/fixtures``).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..engine import scope


@dataclass
class Snapshot:
    """Containers, images, networks and volumes as the daemon's list endpoints return them."""
    containers: list[dict] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    networks: list[dict] = field(default_factory=list)
    volumes: list[dict] = field(default_factory=list)
    learner: str = ""

    @classmethod
    def take(cls, client, everything: bool = False, lesson: str | None = None) -> "Snapshot":
        """This learner's course objects (or ``everything``); never changes anything."""
        api = client.api
        wanted = None if everything else scope.filters(lesson)
        containers = api.containers(all=True, filters=wanted)
        networks = api.networks(filters=wanted)
        volumes = api.volumes(filters=wanted).get("Volumes") or []
        images = api.images(all=False)
        if not everything:
            used = {c.get("ImageID") for c in containers}
            images = [i for i in images if i["Id"] in used or _ours(i.get("Labels"), lesson)]
        return cls(containers, images, networks, volumes, scope.learner())

    @classmethod
    def load(cls, path: str | Path) -> "Snapshot":
        return cls(**json.loads(Path(path).read_text()))

    def dump(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.__dict__, indent=1, sort_keys=True) + "\n")

    def __len__(self) -> int:
        return len(self.containers) + len(self.images) + len(self.networks) + len(self.volumes)

    def __repr__(self) -> str:
        return (f"<Snapshot {len(self.containers)} containers, {len(self.images)} images, "
                f"{len(self.networks)} networks, {len(self.volumes)} volumes>")


def _ours(labels: dict | None, lesson: str | None) -> bool:
    labels = labels or {}
    return (labels.get(scope.COURSE) == scope.COURSE_VALUE
            and labels.get(scope.LEARNER) == scope.learner()
            and (lesson is None or labels.get(scope.LESSON) == lesson))


def container_name(c: dict) -> str:
    return (c.get("Names") or ["/" + c["Id"][:12]])[0].lstrip("/")


def display_name(name: str, learner: str = "") -> str:
    """``lens-<learner>-web`` → ``web``: the part of a course name a learner chose."""
    prefix = f"lens-{learner or scope.learner()}-"
    return name[len(prefix):] if name.startswith(prefix) and len(name) > len(prefix) else name


def image_name(i: dict) -> str:
    tags = [t for t in (i.get("RepoTags") or []) if t != "<none>:<none>"]
    return tags[0] if tags else i["Id"].split(":", 1)[-1][:12]


def ports(c: dict) -> list[str]:
    """Published ports as ``127.0.0.1:8080→80/tcp`` (unpublished ones are left out)."""
    out = []
    for p in c.get("Ports") or []:
        if p.get("PublicPort"):
            out.append(f"{p.get('IP', '')}:{p['PublicPort']}→{p['PrivatePort']}/{p['Type']}")
    return sorted(set(out))


def networks_of(c: dict) -> dict[str, dict]:
    return (c.get("NetworkSettings") or {}).get("Networks") or {}
