"""What a check sees: this learner's labelled objects on the daemon, and the learner's variables.

Every lookup filters on the learner's course labels, so learners sharing one daemon never see
each other's work. A missing object or variable raises :class:`Fail` with the fix in words.
"""
from __future__ import annotations

import sys

from ..engine import scope
from .outcomes import Fail
from ..session import client
from ..wire import wiretap


def caller_variables() -> dict:
    """The variables of the first frame outside the dockerlens package (the learner's notebook)."""
    frame = sys._getframe(1)
    while frame is not None and str(frame.f_globals.get("__name__", "")).startswith("dockerlens"):
        frame = frame.f_back
    if frame is None:
        return {}
    return {**frame.f_globals, **frame.f_locals}


def _type_name(value) -> str:
    return type(value).__name__


class Context:
    """The lab's view of the daemon and of the learner's namespace, for one check run."""

    def __init__(self, lab: str, variables: dict, client=None):
        self.lab = lab
        self.variables = variables
        self._client = client

    @property
    def client(self):
        if self._client is None:
            self._client = client()
        return self._client

    @property
    def filters(self) -> dict:
        return scope.filters()

    # --- the learner's variables -------------------------------------------------------
    def var(self, name: str, kind: type | tuple = object, what: str = "") -> object:
        """The learner's variable NAME, of type KIND, or Fail saying what it should hold."""
        if name not in self.variables:
            raise Fail(f"there is no variable `{name}` in your notebook yet"
                       + (f": assign {what} to it" if what else ""))
        value = self.variables[name]
        if not isinstance(value, kind):
            wanted = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
            raise Fail(f"`{name}` is a {_type_name(value)}, but this task needs a {wanted}"
                       + (f" ({what})" if what else ""))
        return value

    @staticmethod
    def transcript() -> list | None:
        """This kernel's wiretap exchanges, or None when the wiretap is not running here."""
        return wiretap.transcript() if wiretap.running() else None

    # --- this learner's objects ----------------------------------------------------------
    def _missing(self, kind: str, name: str, create: str, exists_unlabelled: bool) -> Fail:
        if exists_unlabelled:
            return Fail(f"a {kind} named `{name}` exists but does not carry your course labels: "
                        f"remove it and create it again with `labels=lens.labels()`")
        return Fail(f"there is no {kind} named `{name}` carrying your labels: {create}")

    def container(self, suffix: str):
        """This learner's container ``lens.name(suffix)``, freshly inspected."""
        name = scope.name(suffix)
        found = [c for c in self.client.containers.list(
            all=True, filters={**self.filters, "name": f"^/{name}$"}) if c.name == name]
        if found:
            return found[0]
        raise self._missing("container", name, f"create it with `name=lens.name(\"{suffix}\")` "
                            "and `labels=lens.labels()`", _exists(self.client.containers, name))

    def network(self, suffix: str):
        """This learner's network ``lens.name(suffix)``."""
        name = scope.name(suffix)
        found = [n for n in self.client.networks.list(filters={**self.filters, "name": name})
                 if n.name == name]
        if found:
            return self.client.networks.get(found[0].id)
        others = [n for n in self.client.networks.list(names=[name]) if n.name == name]
        raise self._missing("network", name, f"create it with `client.networks.create("
                            f"lens.name(\"{suffix}\"), labels=lens.labels())`", bool(others))

    def volume(self, suffix: str):
        """This learner's volume ``lens.name(suffix)``."""
        name = scope.name(suffix)
        found = [v for v in self.client.volumes.list(filters={**self.filters, "name": name})
                 if v.name == name]
        if found:
            return found[0]
        raise self._missing("volume", name, f"create it with `client.volumes.create("
                            f"lens.name(\"{suffix}\"), labels=lens.labels())`",
                            _exists(self.client.volumes, name))

    def image(self, ref: str):
        """This learner's image tagged REF (e.g. ``lens-alice-app:1.0``)."""
        found = [i for i in self.client.images.list(name=ref, filters=self.filters) if ref in i.tags]
        if found:
            return found[0]
        if _exists(self.client.images, ref):
            raise Fail(f"an image tagged `{ref}` exists but does not carry your course labels: "
                       "build it again with `labels=lens.labels()`")
        mine = sorted(t for i in self.client.images.list(filters=self.filters) for t in i.tags)
        also = f" (your images: {', '.join(f'`{t}`' for t in mine)})" if mine else ""
        raise Fail(f"there is no image tagged `{ref}` carrying your labels{also}")

    def containers(self) -> list:
        return self.client.containers.list(all=True, filters=self.filters)

    @staticmethod
    def logs(ctr) -> str:
        """Everything the container wrote (stdout and stderr), as text."""
        return ctr.logs(stdout=True, stderr=True).decode("utf-8", "replace")

    @staticmethod
    def state(ctr) -> dict:
        return ctr.attrs["State"]


def _exists(collection, ref: str) -> bool:
    """Whether the daemon has the object at all (labelled or not): a clearer reason if so."""
    import docker.errors
    try:
        collection.get(ref)
        return True
    except docker.errors.NotFound:  # ImageNotFound is a NotFound too
        return False
