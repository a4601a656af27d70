"""Lab 01 · containers vs VMs: a memory limit the kernel enforces, one kernel for all."""
from __future__ import annotations

from .outcomes import Fail, Pending
from .framework import Lab

LAB = Lab("01", "Containers vs VMs: cgroups, a shared kernel, a host process")
MIB = 1024 * 1024


@LAB.task(1, "a 64 MB container that was OOM-killed",
          section="cgroups: a memory limit and what happens past it",
          within=10, hint="`mem_limit=\"64m\", memswap_limit=\"64m\"` and a command that never stops "
                          "allocating, e.g. `[\"tail\", \"/dev/zero\"]` (it waits for a newline "
                          "that never comes, keeping everything in memory)")
def oom_killed(ctx):
    ctr = ctx.container("oom")
    limit = ctr.attrs["HostConfig"].get("Memory") or 0
    if limit != 64 * MIB:
        what = f"a memory limit of {limit / MIB:g} MiB" if limit else "no memory limit"
        raise Fail(f"container `{ctr.name}` has {what}; it needs 64 MiB (`mem_limit=\"64m\"`)")
    state = ctx.state(ctr)
    if state["Status"] == "running":
        raise Pending(f"container `{ctr.name}` is still running: its command must keep using "
                      "memory until it passes 64 MiB")
    if state["Status"] == "created":
        raise Fail(f"container `{ctr.name}` was created but never started")
    if not state.get("OOMKilled"):
        raise Fail(f"container `{ctr.name}` exited with code {state['ExitCode']} without being "
                   "OOM-killed: its command never used more than 64 MiB")


@LAB.task(2, "a container that printed the host's kernel release", section="One kernel",
          within=5, hint="`uname -r` prints the kernel release; run it in a container named "
                         "`lens.name(\"kernel\")` and compare with `client.info()[\"KernelVersion\"]`")
def shared_kernel(ctx):
    ctr = ctx.container("kernel")
    if ctx.state(ctr)["Status"] == "running":
        raise Pending(f"container `{ctr.name}` is still running")
    kernel = ctx.client.info()["KernelVersion"]
    printed = ctx.logs(ctr).strip()
    if printed == kernel:
        return
    shown = printed if len(printed) < 80 else printed[:77] + "..."
    raise Fail(f"container `{ctr.name}` printed `{shown or 'nothing'}`, not just the kernel "
               f"release `{kernel}` the daemon's host runs")


@LAB.task(3, "`host_pid`: the host's PID of a container's main process",
          section="PID 1 inside, an ordinary PID outside", hint="start `lens.name(\"sleeper\")` with "
          "`[\"sleep\", \"3600\"]`, `ctr.reload()`, then `host_pid = ctr.attrs[\"State\"][\"Pid\"]`")
def host_pid(ctx):
    pid = ctx.var("host_pid", int, "the PID the host sees for the sleeper's main process")
    ctr = ctx.container("sleeper")
    state = ctx.state(ctr)
    if state["Status"] != "running":
        raise Fail(f"container `{ctr.name}` is {state['Status']}: only a running container has "
                   "a process on the host")
    if pid == state["Pid"]:
        return
    if pid == 1:
        raise Fail("`host_pid` is 1: that is the PID inside the container's own PID namespace; "
                   "the host numbers the same process differently")
    raise Fail(f"`host_pid` is {pid}, but the main process of `{ctr.name}` is PID "
               f"{state['Pid']} on the host")
