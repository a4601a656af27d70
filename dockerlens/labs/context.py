"""What a check sees: this learner's labelled objects on the daemon, and the learner's variables.

Every lookup filters on the learner's course labels, so learners sharing one daemon never see
each other's work. A missing object or variable raises :class:`Fail` with the fix in words.
"""
from __future__ import annotations

import sys
import time
from datetime import datetime, timezone
from urllib.parse import parse_qs

from ..engine import scope
from ..engine.facts import facts, normalise_ref, same_ref
from .outcomes import Fail, Pending
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
            all=True, filters={**self.filters, "name": f"^/{name}$"}) if c.name == name
            and scope.is_ours(c)]
        if found:
            return found[0]
        raise self._missing("container", name, f"create it with `name=lens.name(\"{suffix}\")` "
                            "and `labels=lens.labels()`", _exists(self.client.containers, name))

    def network(self, suffix: str):
        """This learner's network ``lens.name(suffix)``."""
        name = scope.name(suffix)
        found = [n for n in self.client.networks.list(filters={**self.filters, "name": name})
                 if n.name == name and scope.is_ours(n)]
        if found:
            return self.client.networks.get(found[0].id)
        others = [n for n in self.client.networks.list(names=[name]) if n.name == name]
        raise self._missing("network", name, f"create it with `client.networks.create("
                            f"lens.name(\"{suffix}\"), labels=lens.labels())`", bool(others))

    def volume(self, suffix: str):
        """This learner's volume ``lens.name(suffix)``."""
        name = scope.name(suffix)
        found = [v for v in self.client.volumes.list(filters={**self.filters, "name": name})
                 if v.name == name and scope.is_ours(v)]  # some engines filter volume labels loosely
        if found:
            return found[0]
        raise self._missing("volume", name, f"create it with `client.volumes.create("
                            f"lens.name(\"{suffix}\"), labels=lens.labels())`",
                            _exists(self.client.volumes, name))

    def image(self, ref: str):
        """This learner's image tagged REF (e.g. ``lens-alice-app:1.0``)."""
        found = [i for i in self.client.images.list(name=ref, filters=self.filters)
                 if any(same_ref(t, ref) for t in i.tags) and scope.is_ours(i)]
        if found:
            return found[0]
        if _exists(self.client.images, ref):
            raise Fail(f"an image tagged `{ref}` exists but does not carry your course labels: "
                       "build it again with `labels=lens.labels()`")
        mine = sorted(normalise_ref(t) for i in self.client.images.list(filters=self.filters)
                      for t in i.tags)
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

    @property
    def facts(self):
        """What the engine is and how it behaves (event names, default network, ...)."""
        return facts(self.client)

    # --- states read robustly --------------------------------------------------------------
    def stays_running(self, ctr, window: float | None = None) -> None:
        """Fail unless CTR is running and stays so (no exit, no restart) for WINDOW seconds."""
        ctr.reload()
        if status_of(ctr) != "running":
            raise Fail(f"container `{ctr.name}` {describe(ctr)}, not running")
        first = (ctr.attrs["State"].get("StartedAt"), ctr.attrs.get("RestartCount", 0))
        deadline = time.monotonic() + (WINDOW if window is None else window)
        while time.monotonic() < deadline:
            time.sleep(0.2)
            ctr.reload()
            now = (ctr.attrs["State"].get("StartedAt"), ctr.attrs.get("RestartCount", 0))
            if status_of(ctr) != "running" or now != first:
                what = "restarted" if now != first and status_of(ctr) == "running" else describe(ctr)
                raise Fail(f"container `{ctr.name}` was running but did not stay running: within "
                           f"{WINDOW:g} s it {what}; its main process must keep running")

    def ended(self, ctr, needs: str = "") -> dict:
        """CTR's state once its main process has ended (Pending while it runs, Fail if it never ran)."""
        ctr.reload()
        status = status_of(ctr)
        if status in ("running", "restarting", "paused"):
            raise Pending(f"container `{ctr.name}` {describe(ctr)}" + (f": {needs}" if needs else ""))
        if status == "created":
            raise Fail(f"container `{ctr.name}` {describe(ctr)}: {never_ran_fix(ctr)}")
        return ctr.attrs["State"]

    # --- which client made what (the wiretap's transcript) ---------------------------------
    def creations(self, kind: str, name: str, obj=None) -> list | None:
        """Successful create exchanges of object NAME (of OBJ itself, when given: not an earlier
        object of the same name); None when the wiretap is off in this kernel."""
        sent = self.transcript()
        if sent is None:
            return None
        found = [e for e in sent if e.method == "POST" and e.path.endswith(f"/{kind}/create")
                 and e.status is not None and e.status < 300 and _names(e, name)]
        mark = _identity(obj)
        return [e for e in found if mark in (e.response_preview or "")] if mark else found


def _exists(collection, ref: str) -> bool:
    """Whether the daemon has the object at all (labelled or not): a clearer reason if so."""
    import docker.errors
    try:
        collection.get(ref)
        return True
    except docker.errors.NotFound:  # ImageNotFound is a NotFound too
        return False


def created_at(obj) -> datetime:
    """When a container or image was created (its ``Created``: ``2026-11-28T13:35:53.123456789Z``),
    in UTC to the microsecond; ValueError when the daemon's stamp is not one."""
    whole, _, frac = obj.attrs["Created"].rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{whole}.{(frac + '000000')[:6]}").replace(tzinfo=timezone.utc)


WINDOW = 1.2  # seconds a container must stay running for a check to call it running


def status_of(ctr) -> str:
    """The container's status, with paused told apart from running."""
    state = ctr.attrs["State"]
    return "paused" if state.get("Paused") else state.get("Status", "?")


def describe(ctr) -> str:
    """What the container is and did, in words that are true for its state (no advice)."""
    state = ctr.attrs["State"]
    status = status_of(ctr)
    if status == "created":
        if state.get("Error"):
            return f"was created, but the daemon could not start it (`{start_error(ctr)}`)"
        return "was created but never started, so its command has not run"
    if status == "exited":
        if state.get("OOMKilled"):
            return f"was killed by the kernel for exceeding its memory limit (exit code {state['ExitCode']})"
        code = state.get("ExitCode")
        signal = f", i.e. killed by signal {code - 128}" if code and code > 128 else ""
        return f"exited with code {code}{signal}"
    if status == "restarting":
        return f"is restarting (its command keeps ending; restarts so far: {ctr.attrs.get('RestartCount', 0)})"
    return f"is {status}"


def start_error(ctr) -> str:
    """The telling part of a failed start's error (runc's ``exec: ...`` when there is one)."""
    error = str(ctr.attrs["State"].get("Error") or "")
    found = error.find("exec:")
    return _cut(error[found:] if found >= 0 else error).removesuffix(": unknown")


def never_ran_fix(ctr) -> str:
    """The one next step for a container that never ran its command."""
    if ctr.attrs["State"].get("Error"):
        return ("its command is fixed when the container is created, so remove it and create it "
                "again with a program that exists in the image")
    return "start it"


def _cut(text: str, limit: int = 140) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _identity(obj) -> str:
    """What a create answer holds of OBJ alone: a container's ID, a volume's creation time."""
    if obj is None:
        return ""
    if "Id" in obj.attrs:
        return obj.id
    return obj.attrs.get("CreatedAt") or ""


def _names(exchange, name: str) -> bool:
    """Whether a create exchange names NAME (in ?name= for containers, in the body otherwise)."""
    if name in parse_qs(exchange.query).get("name", []):
        return True
    return f'"{name}"' in (exchange.request_preview or "")
