"""Lab 05 · containers: leave three containers in three states of the lifecycle."""
from __future__ import annotations

from .outcomes import Fail, Pending
from .framework import Lab

LAB = Lab("05", "Containers: the lifecycle, left in three states")


def _status(ctx, ctr) -> str:
    state = ctx.state(ctr)
    return "paused" if state.get("Paused") else state["Status"]


@LAB.task(1, "a paused container", section="Running, and a stale model object",
          hint="start a long-running container (`command=[\"sleep\", \"3600\"]`, `detach=True`), "
               "then call `ctr.pause()`; `ctr.reload()` refreshes `ctr.status`")
def paused(ctx):
    ctr = ctx.container("paused")
    status = _status(ctx, ctr)
    if status == "paused":
        return
    if status == "running":
        raise Fail(f"container `{ctr.name}` is running but not paused: call `ctr.pause()`")
    raise Fail(f"container `{ctr.name}` is {status}; only a running container can be paused: "
               "start a long-running command, then pause it")


@LAB.task(2, "a container that exited with code 3", section="Logs and exit codes", within=10,
          hint="the exit code of a container is the exit code of its main process: "
               "`command=[\"sh\", \"-c\", \"exit 3\"]`")
def exited_3(ctx):
    ctr = ctx.container("exit3")
    state = ctx.state(ctr)
    status = _status(ctx, ctr)
    if status in ("running", "restarting"):
        raise Pending(f"container `{ctr.name}` is still {status}; it must finish with exit code 3")
    if status == "created":
        raise Fail(f"container `{ctr.name}` was created but never started: `ctr.start()`")
    if status != "exited":
        raise Fail(f"container `{ctr.name}` is {status}, not exited")
    if state["ExitCode"] != 3:
        raise Fail(f"container `{ctr.name}` exited with code {state['ExitCode']}, not 3: "
                   "its command must end with `exit 3`")


@LAB.task(3, "a running container with restart policy on-failure", section="Restart policies",
          within=5, hint="`client.containers.run(..., restart_policy={\"Name\": \"on-failure\", "
                        "\"MaximumRetryCount\": 3}, detach=True)` with a long-running command")
def restarting(ctx):
    ctr = ctx.container("keeper")
    policy = (ctr.attrs["HostConfig"].get("RestartPolicy") or {}).get("Name") or "no"
    if policy != "on-failure":
        raise Fail(f"container `{ctr.name}` has restart policy `{policy}`, not `on-failure`: "
                   "restart policies are set when the container is created, "
                   "so create it again with `restart_policy={\"Name\": \"on-failure\"}`")
    status = _status(ctx, ctr)
    if status == "restarting":
        raise Pending(f"container `{ctr.name}` is restarting: its command keeps failing")
    if status != "running":
        raise Fail(f"container `{ctr.name}` has restart policy on-failure but is {status}: "
                   "give it a command that keeps running (e.g. `sleep 3600`) and start it")
