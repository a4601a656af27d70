"""Lab 05 · containers: leave containers in lifecycle states, and find out why one exits at once."""
from __future__ import annotations

import random

import docker.errors

from ..engine import images, scope
from ..engine.facts import facts
from .case import case_labels, clear
from .context import describe, never_ran_fix, status_of
from .outcomes import Fail, Pending
from .framework import Lab

LAB = Lab("05", "Containers: the lifecycle, left in states, and one that exits at once",
          goal="drive containers through the lifecycle state machine, leave them in "
                           "chosen states, and read the daemon's state to explain a container "
                           "that does not stay up.")
CAUSES = ("no-such-program", "exit", "oom")


@LAB.task(1, "a paused container", section="Running, and a stale model object",
          goal="Leave a container `lens.name(\"paused\")` paused: its process still exists but the "
               "kernel does not schedule it. Pausing freezes a container without losing its "
               "memory, unlike stopping it. (A daemon without cgroups, rootless Docker on a cgroup "
               "v1 host, refuses to pause: there, leave it running.)",
          hints=("Only a running container can be paused, and it runs only while its main process "
                 "does: it needs a command that keeps running.",
                 "`ctr.pause()` / `ctr.unpause()` (`docker pause`); `ctr.reload()` refreshes the "
                 "cached `ctr.status`.",
                 "`ctr = client.containers.run(lens.image(\"base\"), [\"sleep\", \"3600\"], "
                 "name=lens.name(\"paused\"), labels=lens.labels(), detach=True)`; `ctr.pause()`"))
def paused(ctx):
    ctr = ctx.container("paused")
    status = status_of(ctr)
    if status == "paused":
        return
    if status == "running" and not ctx.facts.can_pause:
        return  # running is all this daemon can do: the lesson showed its refusal to pause
    if status == "running":
        raise Fail(f"container `{ctr.name}` is running but not paused: pause it")
    if status == "created":
        fix = never_ran_fix(ctr)
        raise Fail(f"container `{ctr.name}` {describe(ctr)}: {fix}" +
                   (", then pause it" if fix == "start it" else ""))
    raise Fail(f"container `{ctr.name}` {describe(ctr)}; only a running container can be paused: "
               "its command must keep running (create it again with one that does)")


@LAB.task(2, "a container that exited with code 3", section="Logs and exit codes", within=10,
          goal="Leave a container `lens.name(\"exit3\")` that has finished with exit code 3. A "
               "container's exit code is its main process's: scripts and orchestrators read it "
               "to tell success from each kind of failure.",
          hints=("The container ends when its main process ends, and the daemon keeps that "
                 "process's exit status.",
                 "`ctr.wait()` returns `{\"StatusCode\": ...}`; `ctr.attrs[\"State\"][\"ExitCode\"]` "
                 "after `ctr.reload()`; a shell's `exit N` ends it with code N.",
                 "`client.containers.run(lens.image(\"base\"), [\"sh\", \"-c\", \"exit 3\"], "
                 "name=lens.name(\"exit3\"), labels=lens.labels(), detach=True)`"))
def exited_3(ctx):
    ctr = ctx.container("exit3")
    state = ctx.ended(ctr, "it must finish with exit code 3")
    if status_of(ctr) != "exited":
        raise Fail(f"container `{ctr.name}` {describe(ctr)}, not exited")
    if state["ExitCode"] != 3:
        raise Fail(f"container `{ctr.name}` {describe(ctr)}, not 3: its main process must end "
                   "with status 3")


def _policy(ctr) -> tuple[str, int]:
    found = ctr.attrs["HostConfig"].get("RestartPolicy") or {}
    return found.get("Name") or "no", int(found.get("MaximumRetryCount") or 0)


def _change_policy(ctx) -> str:
    if ctx.facts.family == "docker":
        return "change it in place with `update` (`ctr.update(restart_policy=...)`)"
    return "create it again with that policy"


@LAB.task(3, "a running container with restart policy on-failure, at most 3 retries",
          section="Restart policies", within=5,
          goal="Leave a container `lens.name(\"keeper\")` running, that stays running, whose "
               "restart policy restarts it only when it fails, at most 3 times. A bounded "
               "policy keeps a service up through a crash without looping forever on a broken one.",
          hints=("A restart policy is the daemon's promise about what to do when a container's "
                 "process ends: never, always, unless stopped, or only on failure (a non-zero "
                 "code), with a cap on retries.",
                 "`restart_policy={\"Name\": ..., \"MaximumRetryCount\": ...}` when creating it, or "
                 "`ctr.update(restart_policy=...)` later (`docker update --restart`).",
                 "`client.containers.run(lens.image(\"base\"), [\"sleep\", \"3600\"], "
                 "name=lens.name(\"keeper\"), labels=lens.labels(), detach=True, "
                 "restart_policy={\"Name\": \"on-failure\", \"MaximumRetryCount\": 3})`"))
def restarting(ctx):
    ctr = ctx.container("keeper")
    name, retries = _policy(ctr)
    if name != "on-failure":
        raise Fail(f"container `{ctr.name}` has restart policy `{name}`, not `on-failure`: "
                   f"{_change_policy(ctx)}")
    if not 1 <= retries <= 3:
        allowed = "unlimited retries (0 means no cap)" if retries == 0 else f"{retries} retries"
        raise Fail(f"container `{ctr.name}` has restart policy on-failure with {allowed}; the task "
                   f"allows at most 3: {_change_policy(ctx)}")
    status = status_of(ctr)
    if status == "restarting":
        raise Pending(f"container `{ctr.name}` {describe(ctr)}")
    if status == "created":
        raise Fail(f"container `{ctr.name}` {describe(ctr)}: {never_ran_fix(ctr)}")
    if status != "running":
        code, restarts = ctx.state(ctr).get("ExitCode"), ctr.attrs.get("RestartCount", 0)
        if code and restarts >= retries:
            raise Fail(f"container `{ctr.name}` {describe(ctr)} after {restarts} restart(s): its "
                       "policy gave up, as it should; its command must keep running instead "
                       "of failing")
        raise Fail(f"container `{ctr.name}` {describe(ctr)}: on-failure does not restart a "
                   "container that ended with code 0 or was stopped; give it a command that "
                   "keeps running and start it")
    ctx.stays_running(ctr)


@LAB.preparation
def prepare(client) -> list[str]:
    """A container that does not stay up, for one of three reasons the daemon's state records."""
    clear(client, "05")
    # a daemon that cannot enforce a memory limit would let `tail /dev/zero` eat memory without end
    cause = random.choice(CAUSES if facts(client).memory_limit else CAUSES[:2])
    command, limit = {"no-such-program": (["/bin/servr", "--port", "80"], None),
                      "exit": (["sh", "-c", f"echo config missing >&2; exit {random.randint(2, 9)}"], None),
                      "oom": (["tail", "/dev/zero"], "8m")}[cause]
    extra = {"mem_limit": limit, "memswap_limit": limit} if limit else {}
    ctr = client.containers.create(images.tag("base"), command, name=scope.name("case-quick"),
                                   labels=case_labels("05"), **extra)
    try:
        ctr.start()
        ctr.wait(timeout=30)
    except docker.errors.APIError:
        pass  # the daemon could not start it: that is one of the causes
    return [f"task 4: `{scope.name('case-quick')}` does not stay up. Why?"]


@LAB.task(4, "investigation: why does this container not stay up?", section="Logs and exit codes",
          goal="`lab.prepare()` left a container `lens.name(\"case-quick\")` that does not stay up. "
               "Find out why from the daemon, and put in `quick_cause` one of "
               "`\"no-such-program\"` (the daemon could not start it), `\"exit\"` (its program "
               "ended by itself) or `\"oom\"` (the kernel killed it for memory), and in "
               "`quick_exit_code` (an int) the exit code the daemon recorded. Telling these "
               "apart is the first step of every \"my container keeps dying\" question.",
          hints=("The daemon records a container's state: whether it ever ran, the error of a "
                 "start that failed, its exit code, and whether the OOM killer ended it; its logs "
                 "say what the program printed.",
                 "`ctr.attrs[\"State\"]`: `Status`, `Error`, `ExitCode`, `OOMKilled`; `ctr.logs()` "
                 "(`docker inspect`, `docker logs`).",
                 "`ctr = client.containers.get(lens.name(\"case-quick\"))`; `ctr.attrs[\"State\"]`; "
                 "`ctr.logs()`; then set `quick_cause` and `quick_exit_code` from what they show"))
def why_quick(ctx):
    try:
        ctr = ctx.container("case-quick")
    except Fail:
        raise Fail(f"the case container `{scope.name('case-quick')}` is gone: run "
                   "`lab.prepare()` again") from None
    state = ctx.state(ctr)
    truth = ("oom" if state.get("OOMKilled") else "no-such-program" if state.get("Error")
             else "exit")
    cause = ctx.var("quick_cause", str, f"one of {', '.join(repr(c) for c in CAUSES)}").strip()
    if cause not in CAUSES:
        raise Fail(f"`quick_cause` is `{cause[:40]}`; it must be one of "
                   f"{', '.join(f'`{c}`' for c in CAUSES)}")
    if cause != truth:
        raise Fail(f"`quick_cause` is `{cause}`, but the daemon's state of `{ctr.name}` does not "
                   f"say so: it {_evidence(ctr, cause)}")
    code = ctx.var("quick_exit_code", int, "the exit code the daemon recorded, as an int")
    if code != state["ExitCode"]:
        raise Fail(f"`quick_exit_code` is {code}, but the daemon recorded exit code "
                   f"{state['ExitCode']} for `{ctr.name}`")


def _evidence(ctr, claimed: str) -> str:
    """What the state shows against the learner's claimed cause (without giving the answer away)."""
    state = ctr.attrs["State"]
    if claimed == "oom":
        return "has `OOMKilled` false"
    if claimed == "no-such-program":
        return "has no start error: its program did start"
    return ("never ran its program" if state.get("Error")
            else "was ended by the kernel, not by its own program")
