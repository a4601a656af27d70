"""Lab 08 attempts: a watcher's events of a whole life, the exit code from `die`, counted starts."""
from __future__ import annotations

import json
import subprocess
import threading
import time

from dockerlens.engine.facts import facts
from dockerlens.engine.history import past_events

from .kit import right, wrong


def _life(env, command=("sh", "-c", "exit 7"), remove=True, labels=None, suffix="life") -> list[dict]:
    """The daemon's events of one container's life, read back after the fact."""
    since = time.time() - 0.1
    ctr = env.run(suffix, list(command), labels=env.labels() if labels is None else labels)
    if remove:
        ctr.remove()
    return past_events(env.client, since, filters={"container": ctr.id})


def _removed(env) -> str:
    return facts(env.client).removed_action


def _starts(env) -> int:
    ident = env.client.api.inspect_container(env.name("case-flaky"))["Id"]
    return sum(e["Action"] == "start" for e in past_events(env.client, int(time.time()) - 600,
                                                          filters={"container": ident}))


# --- wrong -------------------------------------------------------------------------------
@wrong("08.1", "`seen` is a generator, but this task needs a list")
def seen_is_a_generator(env):
    return {"seen": (e for e in _life(env))}


@wrong("08.1", ", but no ")
def container_never_removed(env):
    return {"seen": _life(env, remove=False)}


@wrong("08.1", "event of `lens-", families=("docker",))  # Podman's log has other timestamps
def events_written_by_hand(env):
    return {"seen": [dict(e, timeNano=e["timeNano"] + 1) for e in _life(env)]}


@wrong("08.1", "none of container `lens-")
def events_of_another_container(env):
    return {"seen": _life(env, suffix="other")}


@wrong("08.1", "every event of its life is there, but not in the order")
def events_reversed(env):
    return {"seen": list(reversed(_life(env)))}


@wrong("08.1", "`seen` holds a str: collect the decoded event dicts")
def events_as_lines(env):
    return {"seen": [json.dumps(e) for e in _life(env)]}


@wrong("08.1", "did not carry your course labels")
def container_unlabelled(env):
    return {"seen": _life(env, labels={})}


@wrong("08.2", "`exit_code` is a str, but this task needs a int")
def exit_code_as_text(env):
    return {"seen": _life(env), "exit_code": "7"}


@wrong("08.2", "exited with code 0, not 7")
def container_exited_0(env):
    return {"seen": _life(env, command=("true",)), "exit_code": 0}


@wrong("08.2", "but the `die` event says 7")
def exit_code_from_elsewhere(env):
    return {"seen": _life(env), "exit_code": 0}


@wrong("08.2", "has no `die` event of")
def watcher_stopped_after_start(env):
    return {"seen": [e for e in _life(env) if e["Action"] in ("create", "start")], "exit_code": 7}


@wrong("08.3", "the number of restarts; the daemon's events count every start", prepare=True)
def starts_read_as_restart_count(env):
    return {"starts": env.client.api.inspect_container(env.name("case-flaky"))["RestartCount"]}


@wrong("08.3", "`start` events of", prepare=True)
def starts_guessed(env):
    return {"starts": 10}


@wrong("08.3", "that counts the starts of every container ever named", prepare=True)
def starts_counted_by_name(env):
    env.case = None
    from dockerlens.labs import lab
    lab("08").prepare(env.client)  # a second case: a new container of the same name
    return {"starts": sum(e["Action"] == "start" for e in past_events(
        env.client, int(time.time()) - 600, filters={"container": env.name("case-flaky")}))}


# --- right -------------------------------------------------------------------------------
def _watch(stream, seen: list, until: str, name: str):
    def run():
        for event in stream:
            seen.append(event)
            if event.get("Action") == until and event["Actor"]["Attributes"].get("name") == name:
                break
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@right("08", 1, 2, 3, prepare=True)
def watcher_filtered_by_label_with_create_then_start(env):
    from dockerlens import connect
    seen: list = []
    watcher = connect(env.proxy)
    stream = watcher.events(decode=True, filters={"type": "container", "label": ["dockerlens.course=1"]})
    thread = _watch(stream, seen, _removed(env), env.name("life"))
    ctr = env.client.containers.create(env.image(), ["sh", "-c", "sleep 0.1; exit 7"], name=env.name("life"),
                                       labels=env.labels())
    ctr.start()
    ctr.wait()
    ctr.remove()
    thread.join(10)
    stream.close()
    watcher.close()
    die = [e for e in seen if e["Action"] == "die" and e["Actor"]["Attributes"]["name"] == env.name("life")]
    return {"seen": seen, "exit_code": int(die[0]["Actor"]["Attributes"]["exitCode"]), "starts": _starts(env)}


@right("08", 1, 2, 3, prepare=True)
def docker_cli_events_as_json(env):
    watcher = subprocess.Popen(["docker", "events", "--format", "{{json .}}", "--filter",
                                f"container={env.name('life')}"], stdout=subprocess.PIPE, text=True,
                               env={"DOCKER_HOST": env.proxy, "PATH": "/usr/local/bin:/usr/bin:/bin"})
    time.sleep(0.5)  # the CLI subscribes before anything happens
    env.cli("run", "--rm", "--name", env.name("life"), *env.label_flags(), env.image(), "sh", "-c",
            "exit 7", check=False)
    seen = []
    for line in watcher.stdout:
        seen.append(json.loads(line))
        if seen[-1].get("Action") == _removed(env):
            break
    watcher.terminate()
    watcher.wait()
    ident = env.cli("inspect", "-f", "{{.Id}}", env.name("case-flaky"))
    ahead = str(int(time.time()) + 2)  # a moment ahead: Podman answers a window already over with nothing
    lines = env.cli("events", "--since", "10m", "--until", ahead, "--format", "{{.Action}}",
                    "--filter", f"container={ident}").splitlines()
    exit_code = next(int(e["Actor"]["Attributes"]["exitCode"]) for e in seen if e["Action"] == "die")
    return {"seen": seen, "exit_code": exit_code, "starts": lines.count("start")}


@right("08", 1, 2, 3, prepare=True)
def low_level_api_stream(env):
    from dockerlens import connect
    seen: list = []
    watcher = connect(env.proxy)
    stream = watcher.api.events(decode=True, filters={"container": env.name("life")})
    thread = _watch(stream, seen, _removed(env), env.name("life"))
    api = env.client.api
    made = api.create_container(env.image(), ["sh", "-c", "exit 7"], name=env.name("life"),
                                labels=env.labels())
    api.start(made)
    code = api.wait(made)["StatusCode"]
    api.remove_container(made)
    thread.join(10)
    stream.close()
    watcher.close()
    assert code == 7
    die = next(e for e in seen if e["Action"] == "die")
    return {"seen": seen, "exit_code": int(die["Actor"]["Attributes"]["exitCode"]), "starts": _starts(env)}
