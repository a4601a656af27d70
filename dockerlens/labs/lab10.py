"""Lab 10 · security: a hardened web server, a process that is not root, a risky container found.

The setup (``lab.prepare()``) creates three containers of the learner, never started, with
different security settings; task 3 asks which of them would be the host's root.
Checks read inspect data, the host's view of the processes (``top``),
and, for "keeps running", the state over a short window.
"""
from __future__ import annotations

import random
import time

from ..engine import images, scope
from ..security import capabilities, host_users, process_status, runs_as_root
from .framework import Lab
from .outcomes import Fail, Pending

LAB = Lab("10", "Security: walls around a container",
          goal="Run containers with only the privileges they need, and spot the one container that would hand over the whole host.")
STAY = 1.5  # seconds a container must stay running to count as running
SETTINGS = {  # what each audit container is created with; only one is the host's root
    "privileged": {"privileged": True},
    "net-admin": {"cap_add": ["NET_ADMIN", "NET_RAW"]},
    "unconfined": {"security_opt": ["seccomp=unconfined"], "volumes": {"/": {"bind": "/host", "mode": "ro"}}},
}


@LAB.preparation
def setup(client) -> list[str]:
    """Create audit-1..3 (never started) with the three settings in a random order."""
    scope.reset(client, "10")
    kinds = list(SETTINGS)
    random.shuffle(kinds)
    made = []
    for number, kind in enumerate(kinds, 1):
        ctr = client.containers.create(images.tag("base"), ["sleep", "3600"],
                                       name=scope.name(f"audit-{number}"), labels=scope.labels("10"),
                                       **SETTINGS[kind])
        made.append(ctr.name)
    return made


def _caps(values) -> set[str]:
    return {str(v).upper().removeprefix("CAP_") for v in values or []}


def _stays_running(ctx, ctr, what: str):
    """The container is running now and still after STAY seconds, with the same start."""
    state = ctx.state(ctr)
    if state["Status"] == "created":
        raise Fail(f"container `{ctr.name}` was created but never started")
    if state["Status"] != "running":
        logs = ctx.logs(ctr).strip().splitlines()[-1:] or ["nothing"]
        why = (": binding a port below 1024 takes NET_BIND_SERVICE where the engine keeps low ports "
               "privileged (Podman does; Docker Engine opens them to every process in a container)"
               if "bind: Permission denied" in logs[0] else f". {what[0].upper()}{what[1:]} must keep running")
        raise Fail(f"container `{ctr.name}` is {state['Status']} (exit code {state['ExitCode']}); "
                   f"its last log line: `{logs[0]}`{why}")
    started = state["StartedAt"]
    time.sleep(STAY)
    ctr.reload()
    again = ctx.state(ctr)
    if again["Status"] != "running" or again["StartedAt"] != started:
        raise Fail(f"container `{ctr.name}` did not stay running: {again['Status']} after "
                   f"{STAY} s (restarts: {ctr.attrs.get('RestartCount', 0)})")


@LAB.task(1, "a web server with no capabilities, a read-only root and no privilege escalation",
          goal='Run the course\'s web server (`lens.image("web")`) as `lens.name("hardened")` so that it keeps serving on port 80 while holding **no** Linux capability beyond what serving port 80 takes on this engine, unable to change its own root filesystem, and with setuid programs unable to gain privileges.',
          section="Capabilities: root, cut into pieces", within=8,
          hints=("start from nothing and allow only what the server needs: no capability (on an engine "
                "that keeps low ports privileged, only the one that binds them), "
                "a root filesystem it cannot change, and a kernel flag that stops setuid programs",
                "`cap_drop`, `read_only`, `security_opt` of `client.containers.run` (`--cap-drop`, "
                "`--read-only`, `--security-opt` on the CLI)",
                "`client.containers.run(lens.image(\"web\"), cap_drop=[\"ALL\"], read_only=True, "
                "security_opt=[\"no-new-privileges\"], ...)`"))
def hardened(ctx):
    ctr = ctx.container("hardened")
    image = ctr.attrs["Config"]["Image"]
    if ctr.attrs["Image"] != ctx.client.images.get(images.tag("web")).id:  # the image it really runs
        raise Fail(f"container `{ctr.name}` runs `{image}`, not the web server `{images.tag('web')}`")
    host = ctr.attrs["HostConfig"]
    if host.get("Privileged"):
        raise Fail(f"container `{ctr.name}` is privileged: that gives it every capability and "
                   "every device, the opposite of this task")
    if not host.get("ReadonlyRootfs"):
        raise Fail(f"container `{ctr.name}` has a writable root filesystem")
    options = host.get("SecurityOpt") or []
    if not any(o.replace("=", ":").startswith("no-new-privileges") and not o.endswith("false")
               for o in options):
        raise Fail(f"container `{ctr.name}` lets setuid programs raise privileges: its security "
                   f"options are {options or 'none'}")
    _stays_running(ctx, ctr, "the web server")
    _no_capabilities(ctr, host)
    answer = ctr.exec_run(["wget", "-q", "-O-", "http://127.0.0.1/"])
    if answer.exit_code != 0:
        raise Pending(f"the web server in `{ctr.name}` does not answer on port 80 yet "
                      f"(wget exit {answer.exit_code}: {answer.output.decode(errors='replace').strip()[:80]})")


def _no_capabilities(ctr, host: dict) -> None:
    """The kernel's word, not the settings': PID 1's effective set must be empty.

    (Podman lists every dropped capability in CapDrop instead of ``ALL``.)
    """
    status = process_status(ctr.exec_run(["cat", "/proc/1/status"]).output.decode(errors="replace"))
    kept = capabilities(status.get("CapEff", "0")).names
    needed = {"NET_BIND_SERVICE"} if _low_ports_privileged(ctr) else set()
    kept -= needed  # what this engine needs to serve port 80 is not held against the learner
    if not kept:
        return
    dropped, added = _caps(host.get("CapDrop")), _caps(host.get("CapAdd"))
    names = ", ".join(sorted(kept))
    if added and kept <= added:
        what = "only NET_BIND_SERVICE (low ports are privileged here)" if needed else \
            "none (any process in its container may bind port 80)"
        raise Fail(f"container `{ctr.name}` drops all capabilities but adds back {names}: "
                   f"on this engine the web server needs {what}")
    if not dropped:
        raise Fail(f"container `{ctr.name}` keeps Docker's default capabilities: its web server "
                   f"holds {len(kept)} ({names}); drop all of them")
    raise Fail(f"container `{ctr.name}` drops only {', '.join(sorted(dropped))}: its web server "
               f"still holds {len(kept)} capabilities ({names}); drop all of them")


def _low_ports_privileged(ctr) -> bool:
    """True where binding port 80 needs NET_BIND_SERVICE (the container's unprivileged-port sysctl)."""
    found = ctr.exec_run(["cat", "/proc/sys/net/ipv4/ip_unprivileged_port_start"])
    text = found.output.decode(errors="replace").strip()
    return found.exit_code == 0 and text.isdigit() and int(text) > 80


@LAB.task(2, "a long-running process that is not root on the host",
          goal='Run `lens.name("unprivileged")` from `lens.image("base")` with a process that keeps running and whose uid, as the **host** sees it, is not 0.',
          section="Not root at all: a non-root user", within=8,
          hints=("without a user setting a container's process is uid 0, the same uid 0 as the "
                "host's root unless the daemon remaps users",
                "`user=` of `client.containers.run` (`--user` on the CLI), with a numeric uid",
                "`client.containers.run(lens.image(\"base\"), [\"sleep\", \"3600\"], user=\"1000:1000\", ...)`"))
def not_root(ctx):
    ctr = ctx.container("unprivileged")
    _stays_running(ctx, ctr, "the process")
    if runs_as_root(host_users(ctr)):
        user = ctr.attrs["Config"].get("User") or "not set"
        raise Fail(f"container `{ctr.name}` runs a process as uid 0 on the host (its user setting: "
                   f"`{user}`): run it as an ordinary uid")


@LAB.task(3, "investigation: which audit container would be root on the host?",
          goal='Of the three audit containers, exactly one would have the whole host in its hands if it ran. Find it from what the daemon says about each, and put its name into `risky`.',
          section="Why `--privileged` is the thing to avoid",
          hints=("one of them has every capability, no seccomp filter and every device; "
                "the others are risky in smaller ways",
                "inspect each (`ctr.attrs[\"HostConfig\"]`, `docker inspect`): `Privileged`, "
                "`CapAdd`, `SecurityOpt`, `Binds`",
                "`[c.name for c in client.containers.list(all=True, filters={\"name\": \"audit\"}) "
                "if c.attrs[\"HostConfig\"][\"Privileged\"]]`"))
def risky(ctx):
    value = ctx.var("risky", (str, object), "the name of the audit container that would be root on the host")
    name = getattr(value, "name", value)
    if not isinstance(name, str):
        raise Fail(f"`risky` is a {type(value).__name__}; put the container's name in it")
    audits = {c.name: c for c in ctx.containers() if c.name.startswith(scope.name("audit-"))}
    if len(audits) != 3:
        raise Fail(f"{len(audits)} of the 3 audit containers exist: run the setup cell "
                   "(`lab.prepare()`) again")
    chosen = audits.get(name) or next((c for c in audits.values() if c.id.startswith(name) and len(name) >= 12), None)
    if chosen is None:
        raise Fail(f"`{name}` is not one of the audit containers ({', '.join(sorted(audits))})")
    host = chosen.attrs["HostConfig"]
    if host.get("Privileged"):
        return
    if _caps(host.get("CapAdd")):
        raise Fail(f"`{chosen.name}` adds {', '.join(sorted(_caps(host['CapAdd'])))}: powerful over "
                   "networks, but it keeps seccomp and lacks SYS_ADMIN; another one has everything")
    raise Fail(f"`{chosen.name}` runs without seccomp and can read the host's files, but keeps the "
               "default capabilities and cannot write there; another one has everything")
