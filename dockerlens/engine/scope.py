"""Labels, names and the guard that keep the course away from a learner's own objects.

Every object the course creates carries three labels; names are prefixed per learner
so that learners sharing one daemon never collide. Cleanup filters on these labels,
never on names, and never prunes without them.
"""
from __future__ import annotations


import getpass
import os
import re
from dataclasses import dataclass, field
import html

from .environ import environment

COURSE = "dockerlens.course"
LESSON = "dockerlens.lesson"
LEARNER = "dockerlens.learner"
SHARED = "shared"  # learner value of the course images every learner uses
COURSE_VALUE = "1"

_state = {"lesson": "none"}


class NotOurs(RuntimeError):
    """Raised when a course helper is asked to change an object without our labels."""


def learner() -> str:
    """The current learner's name: ``DOCKERLENS_LEARNER`` or the login name, made name-safe."""
    raw = os.environ.get("DOCKERLENS_LEARNER") or getpass.getuser() or "learner"
    name = re.sub(r"[^a-z0-9_.-]+", "-", raw.lower()).strip("-.") or "learner"
    if name == SHARED:
        raise ValueError(f"the learner name {SHARED!r} is reserved for course images; "
                         "set DOCKERLENS_LEARNER to another name")
    return name


def acting_as(who: str):
    """Be learner WHO for a block (scope.learner() reads the environment, as kernels do)."""
    return environment(DOCKERLENS_LEARNER=who)


def set_lesson(lesson: str) -> None:
    _state["lesson"] = str(lesson)


def current_lesson() -> str:
    return _state["lesson"]


def labels(lesson: str | None = None, **extra: str) -> dict[str, str]:
    """The labels for a new course object of this learner (pass them to any SDK create call).

    >>> sorted(labels("05"))
    ['dockerlens.course', 'dockerlens.learner', 'dockerlens.lesson']
    """
    return {COURSE: COURSE_VALUE, LESSON: str(lesson or current_lesson()),
            LEARNER: learner(), **extra}


def name(suffix: str) -> str:
    """A daemon-wide unique name for this learner's object: ``lens-<learner>-<suffix>``."""
    return f"lens-{learner()}-{suffix}"


def filters(lesson: str | None = None, who: str | None = None) -> dict[str, list[str]]:
    """Label filters for list calls: this learner's course objects (of one lesson if given)."""
    wanted = [f"{COURSE}={COURSE_VALUE}", f"{LEARNER}={who or learner()}"]
    if lesson is not None:
        wanted.append(f"{LESSON}={lesson}")
    return {"label": wanted}


def labels_of(obj) -> dict[str, str]:
    """Labels of an SDK model object (container, image, network or volume)."""
    attrs = obj.attrs
    found = attrs.get("Labels")
    if found is None:
        found = (attrs.get("Config") or {}).get("Labels")
    return found or {}


def is_ours(obj) -> bool:
    found = labels_of(obj)
    return found.get(COURSE) == COURSE_VALUE and found.get(LEARNER) == learner()


def guard(obj) -> None:
    """Refuse to touch an object that is not this learner's course object."""
    if not is_ours(obj):
        what = getattr(obj, "name", None) or getattr(obj, "short_id", "?")
        raise NotOurs(
            f"{type(obj).__name__.lower()} {what!r} does not carry the labels "
            f"{COURSE}={COURSE_VALUE} and {LEARNER}={learner()}, so the course will not "
            "change or remove it. If it is yours, use the SDK or the docker CLI directly.")


@dataclass
class ResetReport:
    """What reset() removed, by kind; renders as text and HTML."""
    removed: dict[str, list[str]] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    def add(self, kind: str, what: str) -> None:
        self.removed.setdefault(kind, []).append(what)

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.removed.values())

    def __repr__(self) -> str:
        if not self.removed and not self.failed:
            return f"reset: nothing to remove for learner {learner()}"
        lines = [f"reset: removed {self.total} object(s) of learner {learner()}"]
        for kind, names in self.removed.items():
            lines.append(f"  {kind:<10} {', '.join(names)}")
        lines += [f"  could not remove {f}" for f in self.failed]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(repr(self)) + "</pre>"


def _newest_first(found: list) -> list:
    """Children before parents, so no removal fails on a dependent image."""
    return sorted(found, key=lambda i: i.attrs.get("Created", ""), reverse=True)


def _remove_image(client, image) -> None:
    """Untag each tag (an ID with several tags cannot be removed unforced), then the ID."""
    for tag in image.tags:
        client.images.remove(tag)
    if not image.tags:
        client.images.remove(image.id)


def remove_now(ctr) -> None:
    """Remove a course container at once, running or not.

    Why: Podman's forced removal first stops the container with its stop timeout, 10 s for a
    PID 1 that ignores SIGTERM (``sleep``); Docker's kills at once. On Podman it is stopped
    with timeout 0 first, so a reset takes as long on both; Docker's requests stay the same.
    """
    import docker.errors

    from .facts import facts
    if ctr.status in ("running", "restarting") and facts(ctr.client).family == "podman":
        try:
            ctr.stop(timeout=0)
        except docker.errors.APIError:
            pass  # gone or not stoppable: the forced removal below says what it says
    ctr.remove(force=True, v=False)


def reset(client, lesson: str | None = None) -> ResetReport:
    """Remove this learner's labelled containers, networks, volumes and images, in that order."""
    import docker.errors

    report = ResetReport()
    wanted = filters(lesson)
    steps = [
        ("container", lambda: client.containers.list(all=True, filters=wanted, ignore_removed=True),
         remove_now),
        ("network", lambda: client.networks.list(filters=wanted), lambda n: n.remove()),
        ("volume", lambda: client.volumes.list(filters=wanted), lambda v: v.remove()),
        ("image", lambda: _newest_first(_images_of(client, lesson)), lambda i: _remove_image(client, i)),
    ]
    for kind, listing, remove in steps:
        for obj in listing():
            if not is_ours(obj):  # belt and braces: the daemon filtered, we check again
                continue
            label = getattr(obj, "name", None) or (obj.tags[0] if getattr(obj, "tags", None)
                                                   else obj.short_id)
            try:
                remove(obj)
                report.add(kind, label)
            except docker.errors.NotFound:
                pass  # already gone (e.g. a container started with auto_remove)
            except docker.errors.APIError as err:
                report.failed.append(f"{kind} {label}: {err.explanation or err}")
    _end_registries(report, lesson)  # and the hooks' things (registries)
    return report


INHERITED_LESSON = "images"  # the lesson label of the course images every build starts from


def _images_of(client, lesson: str | None) -> list:
    """This learner's images of LESSON, with the classic builder's intermediates of its builds.

    The classic builder writes `labels=` as one LABEL step per key, in sorted order, so the
    intermediate after `dockerlens.learner` is this learner's but keeps the course image's
    lesson "images". The classic store deletes such untagged parents with the image; the
    containerd store keeps them (they had outlived every lesson there).
    """
    found = client.images.list(all=True, filters=filters())

    def of_lesson(image) -> bool:
        said = labels_of(image).get(LESSON)
        return said == lesson or (said == INHERITED_LESSON and not image.tags)
    return [i for i in found if lesson is None or of_lesson(i)]


_RESET_HOOKS: list = []  # (kind, fn(lesson) -> names) for course things that are not Docker objects


def on_reset(kind: str, fn) -> None:
    """Let reset() also end course things the daemon cannot label (the registry wing's processes)."""
    if (kind, fn) not in _RESET_HOOKS:
        _RESET_HOOKS.append((kind, fn))


def _end_registries(report: ResetReport, lesson: str | None) -> None:
    for kind, fn in list(_RESET_HOOKS):
        try:
            for name in fn(lesson):
                report.add(kind, name)
        except Exception as err:  # report it, never leave the Docker part of reset undone
            report.failed.append(f"{kind}: {err}")
