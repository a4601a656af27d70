"""Lab 07 attempts: a named volume with the message, the writer gone, a reader, the added file."""
from __future__ import annotations

from .kit import right, wrong

MESSAGE = "hello from the writer"
WRITE = ["sh", "-c", f"echo {MESSAGE} > /data/message.txt"]


def _volume(env, labels=None):
    return env.client.volumes.create(env.name("data"), labels=env.labels() if labels is None else labels)


def _written(env):
    vol = _volume(env)
    mount = {vol.name: {"bind": "/data", "mode": "rw"}}
    return vol, mount, env.run("writer", WRITE, volumes=mount)


def _added(env) -> list[str]:
    return [c["Path"] for c in env.client.containers.get(env.name("case-changes")).diff() if c["Kind"] == 1]


# --- wrong -------------------------------------------------------------------------------
@wrong("07.1", "holds no `message.txt` at its top")
def writer_uses_an_anonymous_volume(env):
    _volume(env)
    env.run("writer", WRITE, volumes=["/data"])


@wrong("07.1", "holds `hello`, not `hello from the writer`")
def writer_writes_something_else(env):
    vol = _volume(env)
    env.run("writer", ["sh", "-c", "echo hello > /data/message.txt"], volumes={vol.name: {"bind": "/data"}})


@wrong("07.1", "a volume named `lens-")
def volume_unlabelled(env):
    vol = _volume(env, labels={})
    env.closing.append(type("Remover", (), {"close": lambda self: vol.remove(force=True)})())


@wrong("07.2", "still exists (exited): remove it")
def writer_kept(env):
    _written(env)


@wrong("07.2", "there is no writer container, but no message in")
def writer_removed_before_writing(env):
    _volume(env)
    env.run("writer", ["true"]).remove()


@wrong("07.3", "was written after")
def reader_writes_it_itself(env):
    vol = _volume(env)
    env.run("reader", ["sh", "-c", f"echo {MESSAGE} > /data/message.txt; cat /data/message.txt"],
            volumes={vol.name: {"bind": "/data", "mode": "rw"}})


@wrong("07.3", "mounts a volume `")
def reader_mounts_an_anonymous_volume(env):
    _, _, writer = _written(env)
    writer.remove()
    env.run("reader", ["cat", "/data/message.txt"], volumes=["/data"])


@wrong("07.3", "mounts nothing, not the volume")
def reader_mounts_nothing(env):
    _, _, writer = _written(env)
    writer.remove()
    env.run("reader", ["cat", "/data/message.txt"])


@wrong("07.3", "was created but never started, so its command has not run")
def reader_never_started(env):
    _, mount, writer = _written(env)
    writer.remove()
    env.client.containers.create(env.image(), ["cat", "/data/message.txt"], name=env.name("reader"),
                                 labels=env.labels(), volumes=mount)


@wrong("07.3", "printed `hi`, not `hello from the writer`")
def reader_prints_something_else(env):
    _, mount, writer = _written(env)
    writer.remove()
    env.run("reader", ["echo", "hi"], volumes=mount)


@wrong("07.3", "the writer container still exists")
def reader_while_the_writer_exists(env):
    _, mount, _ = _written(env)
    env.run("reader", ["cat", "/data/message.txt"], volumes=mount)


@wrong("07.4", "it is a folder holding the file", prepare=True)
def added_folder(env):
    return {"added_file": max(_added(env), key=len).rsplit("/", 1)[0]}


@wrong("07.4", "give the absolute path inside the container", prepare=True)
def added_file_relative(env):
    return {"added_file": max(_added(env), key=len).lstrip("/")}


@wrong("07.4", "is not among the paths", prepare=True)
def added_file_guessed(env):
    return {"added_file": "/etc/settings.conf"}


# --- right -------------------------------------------------------------------------------
@right("07", 1, 2, 3, 4, prepare=True)
def mount_objects(env):
    from docker.types import Mount
    vol = _volume(env)
    writer = env.run("writer", ["sh", "-c", f"printf '{MESSAGE}' > /srv/message.txt"],
                     mounts=[Mount("/srv", vol.name, type="volume")])
    writer.remove()
    env.run("reader", ["cat", "/in/message.txt"], mounts=[Mount("/in", vol.name, read_only=True)])
    files = [p for p in _added(env) if not any(q.startswith(p + "/") for q in _added(env))]
    return {"added_file": files[0]}


@right("07", 1, 2, 3, 4, prepare=True)
def docker_cli(env):
    env.cli("volume", "create", *env.label_flags(), env.name("data"))
    env.cli("run", "--name", env.name("writer"), *env.label_flags(), "-v", f"{env.name('data')}:/data",
            env.image(), *WRITE)
    env.cli("rm", env.name("writer"))
    env.cli("run", "--name", env.name("reader"), *env.label_flags(), "-v", f"{env.name('data')}:/data:ro",
            env.image(), "cat", "/data/message.txt")
    lines = env.cli("diff", env.name("case-changes")).splitlines()
    added = [line[2:] for line in lines if line.startswith("A ")]
    return {"added_file": max(added, key=len)}


@right("07", 1, 2, 3, 4, prepare=True)
def low_level_api_with_binds(env):
    api = env.client.api
    api.create_volume(env.name("data"), labels=env.labels())
    writer = api.create_container(env.image(), WRITE, name=env.name("writer"), labels=env.labels(),
                                  host_config=api.create_host_config(binds=[f"{env.name('data')}:/data:rw"]))
    api.start(writer)
    api.wait(writer)
    api.remove_container(writer)
    reader = api.create_container(env.image(), ["sh", "-c", "cat /d/message.txt"], name=env.name("reader"),
                                  labels=env.labels(), volumes=["/d"],
                                  host_config=api.create_host_config(binds={env.name("data"): {"bind": "/d",
                                                                                                "mode": "ro"}}))
    api.start(reader)
    api.wait(reader)
    changes = api.diff(env.name("case-changes"))
    return {"added_file": sorted(c["Path"] for c in changes if c["Kind"] == 1)[-1]}
