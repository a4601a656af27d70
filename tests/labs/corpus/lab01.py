"""Lab 01 attempts: memory limits, the kernel release, host PIDs, the OOM victim."""
from __future__ import annotations

from .kit import right, wrong

SUSPECTS = ("suspect-a", "suspect-b", "suspect-c")


# --- wrong -------------------------------------------------------------------------------
@wrong("01.1", "has no memory limit; it needs 64 MiB")
def oom_without_limit(env):
    env.run("oom", ["true"])


@wrong("01.1", "has a memory limit of 128 MiB; it needs 64 MiB")
def oom_with_128_mb(env):
    env.run("oom", ["tail", "/dev/zero"], mem_limit="128m", memswap_limit="128m")


@wrong("01.1", "exited with code 0, and the kernel did not OOM-kill it")
def oom_limit_right_command_tiny(env):
    env.run("oom", ["true"], mem_limit="64m", memswap_limit="64m")


@wrong("01.1", "was created but never started, so its command has not run: start it")
def oom_created_only(env):
    env.client.containers.create(env.image(), ["tail", "/dev/zero"], name=env.name("oom"),
                                 labels=env.labels(), mem_limit="64m", memswap_limit="64m")


@wrong("01.1", "could not start it (`exec: \"/bin/eatmem\"")
def oom_program_missing(env):
    ctr = env.client.containers.create(env.image(), ["/bin/eatmem"], name=env.name("oom"),
                                       labels=env.labels(), mem_limit="64m", memswap_limit="64m")
    try:
        ctr.start()
    except Exception:
        pass


@wrong("01.1", "exited with code 137, i.e. killed by signal 9, but the daemon recorded no OOM kill")
def oom_killed_from_outside(env):
    ctr = env.run("oom", ["sleep", "60"], wait=False, mem_limit="64m", memswap_limit="64m")
    ctr.kill()
    ctr.wait()


@wrong("01.1", "is running: its command must keep using memory", within=0.3)
def oom_still_running(env):
    env.run("oom", ["sleep", "60"], wait=False, mem_limit="64m", memswap_limit="64m")


@wrong("01.2", "not just the kernel release")
def kernel_uname_a(env):
    env.run("kernel", ["uname", "-a"])


@wrong("01.2", "and printed nothing: its command must print the kernel release")
def kernel_prints_nothing(env):
    env.run("kernel", ["true"])


@wrong("01.2", "was created but never started, so its command has not run")
def kernel_never_started(env):
    env.client.containers.create(env.image(), ["uname", "-r"], name=env.name("kernel"),
                                 labels=env.labels())


@wrong("01.3", "PID inside the container's own PID namespace")
def pid_is_one(env):
    env.run("sleeper", ["sleep", "60"], wait=False)
    return {"host_pid": 1}


@wrong("01.3", "`host_pid` is a str, but this task needs a int")
def pid_as_string(env):
    ctr = env.run("sleeper", ["sleep", "60"], wait=False)
    return {"host_pid": str(ctr.attrs["State"]["Pid"])}


@wrong("01.3", "was running but did not stay running")
def pid_of_a_short_sleep(env):
    ctr = env.run("sleeper", ["sleep", "0.6"], wait=False)
    return {"host_pid": ctr.attrs["State"]["Pid"]}


@wrong("01.3", ", not of `lens-")
def pid_of_another_container(env):
    env.run("sleeper", ["sleep", "60"], wait=False)
    other = env.run("other", ["sleep", "60"], wait=False)
    return {"host_pid": other.attrs["State"]["Pid"]}


@wrong("01.4", "but its state says it was not OOM-killed", prepare=True)
def victim_by_exit_code_only(env):
    suspects = [env.client.containers.get(env.name(s)) for s in SUSPECTS]
    return {"oom_victim": next(c.name for c in suspects if not c.attrs["State"]["OOMKilled"])}


@wrong("01.4", "which is not one of the case containers", prepare=True)
def victim_is_the_oom_task_container(env):
    return {"oom_victim": env.name("oom")}


@wrong("01.4", "is gone: run `lab.prepare()`")
def victim_without_prepare(env):
    return {"oom_victim": env.name("suspect-a")}


# --- right, made differently from solution.ipynb -------------------------------------------
def _victim(env, inspect) -> str:
    return next(env.name(s) for s in SUSPECTS if inspect(env.name(s))["State"]["OOMKilled"])


@right("01", 1, 2, 3, 4, prepare=True)
def low_level_api(env):
    api = env.client.api
    for suffix, command, extra in (("oom", ["sh", "-c", "x=a; while true; do x=$x$x; done"],
                                    {"mem_limit": "64m", "memswap_limit": "64m"}),
                                   ("kernel", ["sh", "-c", "uname -r"], {}),
                                   ("sleeper", ["sleep", "300"], {})):
        made = api.create_container(env.image(), command, name=env.name(suffix), labels=env.labels(),
                                    host_config=api.create_host_config(**extra))
        api.start(made["Id"])
    api.wait(env.name("oom"))
    api.wait(env.name("kernel"))
    return {"host_pid": api.inspect_container(env.name("sleeper"))["State"]["Pid"],
            "oom_victim": _victim(env, api.inspect_container)}


@right("01", 1, 2, 3, 4, prepare=True)
def docker_cli(env):
    env.cli("run", "--name", env.name("oom"), *env.label_flags(), "-m", "64m",
            "--memory-swap", "64m", env.image(), "tail", "/dev/zero", check=False)
    env.cli("run", "--name", env.name("kernel"), *env.label_flags(), env.image(), "uname", "-r")
    env.cli("run", "-d", "--name", env.name("sleeper"), *env.label_flags(), env.image(), "sleep", "300")
    pid = int(env.cli("inspect", "-f", "{{.State.Pid}}", env.name("sleeper")))
    flags = {s: env.cli("inspect", "-f", "{{.State.OOMKilled}}", env.name(s)) for s in SUSPECTS}
    return {"host_pid": pid, "oom_victim": next(s for s, f in flags.items() if f == "true")}


@right("01", 1, 2, 3, 4, prepare=True)
def create_then_start(env):
    made = env.client.containers
    oom = made.create(env.image(), ["tail", "/dev/zero"], name=env.name("oom"), labels=env.labels(),
                      mem_limit=64 * 1024 * 1024, memswap_limit=64 * 1024 * 1024)
    kernel = made.create(env.image(), ["uname", "-r"], name=env.name("kernel"), labels=env.labels())
    sleeper = made.create(env.image(), ["sleep", "300"], name=env.name("sleeper"), labels=env.labels())
    for ctr in (oom, kernel, sleeper):
        ctr.start()
    oom.wait()
    kernel.wait()
    sleeper.reload()
    victim = [c for c in made.list(all=True, filters={"label": "dockerlens.case=01"})
              if c.attrs["State"]["OOMKilled"] and c.labels.get("dockerlens.learner") == sleeper.labels[
                  "dockerlens.learner"]]
    return {"host_pid": sleeper.attrs["State"]["Pid"], "oom_victim": victim[0].name.removeprefix(
        env.name(""))}  # the short suffix ("suspect-b") is accepted too
