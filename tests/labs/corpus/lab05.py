"""Lab 05 attempts: paused, exited 3, a bounded on-failure policy, why a container does not stay up."""
from __future__ import annotations

from .kit import right, wrong

CAUSES = ("no-such-program", "exit", "oom")


def _missing_program(env, suffix: str):
    ctr = env.client.containers.create(env.image(), ["/bin/servr"], name=env.name(suffix),
                                       labels=env.labels())
    try:
        ctr.start()
    except Exception:
        pass


def _truth(env) -> tuple[str, int]:
    state = env.client.api.inspect_container(env.name("case-quick"))["State"]
    cause = "oom" if state["OOMKilled"] else "no-such-program" if state["Error"] else "exit"
    return cause, state["ExitCode"]


# --- wrong -------------------------------------------------------------------------------
@wrong("05.1", "is running but not paused: pause it")
def running_not_paused(env):
    env.run("paused", ["sleep", "60"], wait=False)


@wrong("05.1", "so its command has not run: start it, then pause it")
def paused_never_started(env):
    env.client.containers.create(env.image(), ["sleep", "60"], name=env.name("paused"), labels=env.labels())


@wrong("05.1", "exited with code 0; only a running container can be paused")
def paused_command_ends(env):
    env.run("paused", ["true"])


@wrong("05.1", "could not start it (`exec: \"/bin/servr\"")
def paused_program_missing(env):
    _missing_program(env, "paused")


@wrong("05.2", "exited with code 0, not 3")
def exit_0(env):
    env.run("exit3", ["true"])


@wrong("05.2", "is running: it must finish with exit code 3", within=0.3)
def exit3_still_running(env):
    env.run("exit3", ["sleep", "60"], wait=False)


@wrong("05.2", "exited with code 137, i.e. killed by signal 9, not 3")
def exit3_killed(env):
    ctr = env.run("exit3", ["sleep", "60"], wait=False)
    ctr.kill()
    ctr.wait()


@wrong("05.2", "never started, so its command has not run: start it")
def exit3_never_started(env):
    env.client.containers.create(env.image(), ["sh", "-c", "exit 3"], name=env.name("exit3"),
                                 labels=env.labels())


@wrong("05.3", "has restart policy `always`, not `on-failure`: ")
def policy_always(env):
    env.run("keeper", ["sleep", "60"], wait=False, restart_policy={"Name": "always"})


@wrong("05.3", "with unlimited retries (0 means no cap); the task allows at most 3")
def policy_unbounded(env):
    env.run("keeper", ["sleep", "60"], wait=False, restart_policy={"Name": "on-failure"})


@wrong("05.3", "with 5 retries; the task allows at most 3")
def policy_five_retries(env):
    env.run("keeper", ["sleep", "60"], wait=False,
            restart_policy={"Name": "on-failure", "MaximumRetryCount": 5})


@wrong("05.3", "on-failure does not restart a container that ended with code 0")
def keeper_ends_with_0(env):
    env.run("keeper", ["true"], restart_policy={"Name": "on-failure", "MaximumRetryCount": 3})


@wrong("05.3", "was running but did not stay running")
def keeper_crashes_soon(env):
    env.run("keeper", ["sh", "-c", "sleep 0.6; exit 1"], wait=False,
            restart_policy={"Name": "on-failure", "MaximumRetryCount": 3})


@wrong("05.3", "its policy gave up, as it should")
def keeper_crash_loop_over(env):
    import time
    ctr = env.run("keeper", ["sh", "-c", "exit 1"], wait=False,
                  restart_policy={"Name": "on-failure", "MaximumRetryCount": 1})
    for _ in range(50):  # until the one retry has ended too
        ctr.reload()
        if ctr.status == "exited" and ctr.attrs["RestartCount"] >= 1:
            break
        time.sleep(0.1)


@wrong("05.4", "does not say so: it", prepare=True)
def cause_guessed(env):
    truth, code = _truth(env)
    return {"quick_cause": next(c for c in CAUSES if c != truth), "quick_exit_code": code}


@wrong("05.4", "it must be one of", prepare=True)
def cause_in_own_words(env):
    return {"quick_cause": "it crashed", "quick_exit_code": 1}


@wrong("05.4", "but the daemon recorded exit code", prepare=True)
def exit_code_guessed(env):
    truth, code = _truth(env)
    return {"quick_cause": truth, "quick_exit_code": code + 1}


# --- right -------------------------------------------------------------------------------
@right("05", 1, 2, 3, 4, prepare=True)
def low_level_api(env):
    api = env.client.api
    for suffix, command, host in (("paused", ["sleep", "300"], {}), ("exit3", ["sh", "-c", "exit 3"], {}),
                                  ("keeper", ["sleep", "300"],
                                   {"restart_policy": {"Name": "on-failure", "MaximumRetryCount": 2}})):
        made = api.create_container(env.image(), command, name=env.name(suffix), labels=env.labels(),
                                    host_config=api.create_host_config(**host))
        api.start(made)
    api.pause(env.name("paused"))
    api.wait(env.name("exit3"))
    cause, code = _truth(env)
    return {"quick_cause": cause, "quick_exit_code": code}


@right("05", 1, 2, 3, 4, prepare=True)
def docker_cli(env):
    env.cli("run", "-d", "--name", env.name("paused"), *env.label_flags(), env.image(), "sleep", "300")
    env.cli("pause", env.name("paused"))
    env.cli("run", "--name", env.name("exit3"), *env.label_flags(), env.image(), "sh", "-c", "exit 3",
            check=False)
    env.cli("run", "-d", "--restart", "on-failure:3", "--name", env.name("keeper"), *env.label_flags(),
            env.image(), "sleep", "300")
    error = env.cli("inspect", "-f", "{{.State.Error}}", env.name("case-quick"))
    oom = env.cli("inspect", "-f", "{{.State.OOMKilled}}", env.name("case-quick")) == "true"
    return {"quick_cause": "oom" if oom else "no-such-program" if error else "exit",
            "quick_exit_code": int(env.cli("inspect", "-f", "{{.State.ExitCode}}", env.name("case-quick")))}


@right("05", 1, 2, 3, 4, prepare=True)
def policy_updated_after_creation(env):
    ctr = env.run("paused", ["sleep", "300"], wait=False)
    ctr.pause()
    env.run("exit3", ["sh", "-c", "sleep 0.2; exit 3"])
    keeper = env.run("keeper", ["sleep", "300"], wait=False)
    keeper.update(restart_policy={"Name": "on-failure", "MaximumRetryCount": 1})
    quick = env.client.containers.get(env.name("case-quick"))
    state = quick.attrs["State"]
    cause = "oom" if state["OOMKilled"] else ("no-such-program" if state["Status"] == "created" else "exit")
    return {"quick_cause": cause, "quick_exit_code": state["ExitCode"]}
