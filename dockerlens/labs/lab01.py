"""Lab 01 · containers vs VMs: a memory limit the kernel enforces, one kernel for all, host PIDs."""
from __future__ import annotations

import random
import time

from ..engine import images, scope
from ..engine.facts import facts
from .case import case_labels, clear
from .context import describe
from .outcomes import Fail
from .framework import Lab

LAB = Lab("01", "Containers vs VMs: cgroups, a shared kernel, a host process",
          goal="show, with real containers, that a container is a process of the host's kernel: "
               "limited by a cgroup, reporting the host's kernel, numbered by the host's PID space.")
MIB = 1024 * 1024
SUSPECTS = ("suspect-a", "suspect-b", "suspect-c")


@LAB.task(1, "the kernel enforced a 64 MiB memory limit",
          section="cgroups: a memory limit and what happens past it", within=10,
          goal="Leave a container `lens.name(\"oom\")` whose memory limit is 64 MiB and that the "
               "kernel killed because its process wanted more. This is the cgroup at work: no "
               "virtual machine is involved, the host's kernel counts the container's memory.",
          hints=("A memory limit is a setting of the container, fixed when it is created; a process "
                 "that keeps allocating past it is killed by the kernel's OOM killer, and the "
                 "container's state records that it was OOM-killed.",
                 "`mem_limit` (and `memswap_limit`, so swap cannot absorb it) of "
                 "`client.containers.run`; read `State.OOMKilled` from `ctr.attrs` after `ctr.reload()`.",
                 "`client.containers.run(lens.image(\"base\"), [\"tail\", \"/dev/zero\"], "
                 "name=lens.name(\"oom\"), labels=lens.labels(), mem_limit=\"64m\", "
                 "memswap_limit=\"64m\", detach=True)`"))
def oom_killed(ctx):
    ctr = ctx.container("oom")
    limit = ctr.attrs["HostConfig"].get("Memory") or 0
    if limit != 64 * MIB:
        what = f"a memory limit of {limit / MIB:g} MiB" if limit else "no memory limit"
        raise Fail(f"container `{ctr.name}` has {what}; it needs 64 MiB. The limit is fixed at "
                   "creation: remove it and create it again with a 64 MiB limit")
    state = ctx.ended(ctr, "its command must keep using memory until it passes 64 MiB")
    if state.get("ExitCode") == 137:
        _until_oom_recorded(ctr, 2.0)
        state = ctx.state(ctr)
        if not state.get("OOMKilled"):
            raise Fail(f"container `{ctr.name}` {describe(ctr)}, but the daemon recorded no OOM "
                       "kill (`State.OOMKilled` is false): something other than the kernel's OOM "
                       "killer sent the signal (on a very busy host the kernel's notice can be "
                       "lost: then run it again)")
    if not state.get("OOMKilled"):
        raise Fail(f"container `{ctr.name}` {describe(ctr)}, and the kernel did not OOM-kill it: "
                   "its command must keep allocating memory past 64 MiB")


@LAB.task(2, "a container printed the host's kernel release", section="One kernel", within=5,
          goal="Leave a finished container `lens.name(\"kernel\")` whose whole output is the kernel "
               "release of the daemon's host (the daemon's `/info` reports it as `KernelVersion`). "
               "A VM would report its own kernel; a container has none of its own.",
          hints=("Any program in the container asks the one kernel there is; the daemon's system "
                 "information names the host's kernel too, so the two can be compared.",
                 "`uname -r` prints the kernel release; `client.info()[\"KernelVersion\"]` is the "
                 "daemon's view; `ctr.logs()` is what the container printed.",
                 "`client.containers.run(lens.image(\"base\"), [\"uname\", \"-r\"], "
                 "name=lens.name(\"kernel\"), labels=lens.labels(), detach=True)`"))
def shared_kernel(ctx):
    ctr = ctx.container("kernel")
    ctx.ended(ctr, "wait for it to finish")
    kernel = ctx.client.info()["KernelVersion"]
    printed = ctx.logs(ctr).strip()
    if printed == kernel:
        return
    if not printed:
        raise Fail(f"container `{ctr.name}` {describe(ctr)} and printed nothing: its command "
                   "must print the kernel release")
    shown = printed if len(printed) < 80 else printed[:77] + "..."
    raise Fail(f"container `{ctr.name}` printed `{shown}`, not just the kernel release "
               f"`{kernel}` of the daemon's host")


@LAB.task(3, "`host_pid`: the host's PID of a container's main process",
          section="PID 1 inside, an ordinary PID outside",
          goal="Keep a container `lens.name(\"sleeper\")` running and put in `host_pid` (an int) "
               "the PID the host's kernel gives its main process. Inside, that process is PID 1; "
               "the host numbers it like any other process.",
          hints=("The daemon knows the host-side PID of every running container's main process and "
                 "reports it when the container is inspected.",
                 "`ctr.reload()`, then `ctr.attrs[\"State\"][\"Pid\"]` (`docker inspect` shows it "
                 "as `.State.Pid`).",
                 "`ctr = client.containers.run(lens.image(\"base\"), [\"sleep\", \"3600\"], "
                 "name=lens.name(\"sleeper\"), labels=lens.labels(), detach=True)`; `ctr.reload()`; "
                 "`host_pid = ctr.attrs[\"State\"][\"Pid\"]`"))
def host_pid(ctx):
    pid = ctx.var("host_pid", int, "the PID the host sees for the sleeper's main process")
    ctr = ctx.container("sleeper")
    ctx.stays_running(ctr)
    actual = ctx.state(ctr)["Pid"]
    if pid == actual:
        return
    if pid == 1:
        raise Fail("`host_pid` is 1: that is the PID inside the container's own PID namespace; "
                   "the host numbers the same process differently")
    others = {c.attrs["State"].get("Pid"): c.name for c in ctx.containers() if c.name != ctr.name}
    if pid in others:
        raise Fail(f"`host_pid` is {pid}, the main process of `{others[pid]}`, not of `{ctr.name}`")
    raise Fail(f"`host_pid` is {pid}, but the main process of `{ctr.name}` is PID {actual} on the "
               "host (a container started again gets a new PID: read it after the last start)")


@LAB.preparation
def prepare(client) -> list[str]:
    """Three containers die at once with similar exit codes; only one was OOM-killed."""
    clear(client, "01")
    if not facts(client).memory_limit:  # no limit to exceed: `tail /dev/zero` would grow without end
        return [f"task 4 cannot be set up on this daemon: {facts(client).no_cgroups_reason()}"]
    order = random.sample(SUSPECTS, 3)  # the OOM victim, one that exits 137, one killed from outside
    for _ in range(3):  # a loaded host sometimes loses the kernel's OOM notice: try again then
        if _oom_victim(client, order[0]).attrs["State"].get("OOMKilled"):
            break
        scope.remove_now(client.containers.get(scope.name(order[0])))
    for suffix, command in zip(order[1:], (["sh", "-c", "exit 137"], ["sleep", "60"])):
        ctr = client.containers.run(images.tag("base"), command, name=scope.name(suffix),
                                    labels=case_labels("01"), mem_limit="64m", memswap_limit="64m",
                                    detach=True)
        if command[0] == "sleep":
            ctr.kill()
        ctr.wait(timeout=30)
    names = ", ".join(f"`{scope.name(s)}`" for s in SUSPECTS)
    return [f"task 4: {names} all died at once with exit code 137. Which one did the kernel kill "
            "for exceeding its memory limit?"]


def _oom_victim(client, suffix: str):
    """A container that allocates past its 32 MiB limit, once it has ended (and its notice arrived)."""
    ctr = client.containers.run(images.tag("base"), ["tail", "/dev/zero"], name=scope.name(suffix),
                                labels=case_labels("01"), mem_limit="32m", memswap_limit="32m",
                                detach=True)
    ctr.wait(timeout=30)
    ctr.reload()
    _until_oom_recorded(ctr)
    return ctr


def _until_oom_recorded(ctr, seconds: float = 3.0) -> None:
    """The kernel's OOM notice can reach the daemon just after the exit: wait for it briefly."""
    deadline = time.monotonic() + seconds
    while not ctr.attrs["State"].get("OOMKilled") and time.monotonic() < deadline:
        time.sleep(0.1)
        ctr.reload()


@LAB.task(4, "investigation: which container did the kernel kill for memory?",
          section="cgroups: a memory limit and what happens past it",
          goal="`lab.prepare()` left three containers (`lens.name(\"suspect-a\")`, `\"suspect-b\"`, "
               "`\"suspect-c\"`) that all died with exit code 137. Put in `oom_victim` the name of "
               "the one the kernel killed for exceeding its memory limit. An exit code alone "
               "does not say who sent the kill: the container's state does.",
          hints=("Exit code 137 means \"killed by signal 9\": the OOM killer sends it, but so can "
                 "anyone. The daemon records separately whether the kernel's OOM killer did it.",
                 "`ctr.attrs[\"State\"][\"OOMKilled\"]` (`docker inspect -f '{{.State.OOMKilled}}'`) "
                 "of each suspect (`client.containers.get(lens.name(...))`).",
                 "`suspects = [client.containers.get(lens.name(s)) for s in (\"suspect-a\", "
                 "\"suspect-b\", \"suspect-c\")]`; `oom_victim = [c.name for c in suspects if "
                 "c.attrs[\"State\"][\"OOMKilled\"]][0]`"))
def oom_victim(ctx):
    answer = ctx.var("oom_victim", str, "the name of the OOM-killed case container")
    cases = {}
    for suffix in SUSPECTS:
        try:
            cases[suffix] = ctx.container(suffix)
        except Fail:
            raise Fail(f"the case container `{scope.name(suffix)}` is gone: run `lab.prepare()` "
                       "again to set the case up afresh") from None
    victims = [c.name for c in cases.values() if c.attrs["State"].get("OOMKilled")]
    if not victims:
        raise Fail("none of the case containers was OOM-killed (were they started again?): run "
                   "`lab.prepare()` again")
    if answer.strip() in (victims[0], victims[0].removeprefix(scope.name(""))):
        return
    by_name = {c.name: c for c in cases.values()}
    named = by_name.get(answer.strip()) or by_name.get(scope.name(answer.strip()))
    if named is not None:
        code = named.attrs["State"]["ExitCode"]
        raise Fail(f"`{named.name}` exited with code {code}, but its state says it was not "
                   "OOM-killed: something else sent it signal 9")
    raise Fail(f"`oom_victim` is `{answer[:60]}`, which is not one of the case containers "
               f"({', '.join(f'`{c}`' for c in by_name)})")
