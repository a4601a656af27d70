"""Lab 04 attempts: the tag and label, layers of its own, the default command, the moved tag."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .kit import right, wrong

MESSAGE = "hello from lab 04"
DOCKERFILE = f"""FROM dockerlens/base:1
RUN mkdir /app
RUN echo "{MESSAGE}" > /app/message.txt
RUN chmod 444 /app/message.txt
CMD ["cat", "/app/message.txt"]
"""


def _tag(env) -> str:
    return env.name("app") + ":1.0"


def _app(env, dockerfile=DOCKERFILE, **labels):
    return env.build(dockerfile, _tag(env), env.labels(**(labels or {"purpose": "lab04"})))


# --- wrong -------------------------------------------------------------------------------
@wrong("04.1", ":latest`)")
def tagged_latest(env):
    env.build(DOCKERFILE, env.name("app") + ":latest", env.labels(purpose="lab04"))


@wrong("04.1", "has no `purpose` label; it needs `purpose=lab04`")
def without_purpose(env):
    env.build(DOCKERFILE, _tag(env))


@wrong("04.1", "has `purpose=lab4`; it needs `purpose=lab04`")
def purpose_misspelt(env):
    _app(env, purpose="lab4")


@wrong("04.1", "exists but does not carry your course labels: build it again")
def without_course_labels(env):
    img = env.build(DOCKERFILE, _tag(env), {"purpose": "lab04"})
    env.closing.append(type("Untag", (), {"close": lambda self: env.client.images.remove(img.id, force=True)})())


@wrong("04.1", "inherits `purpose=lab04` from its parent `lens-")
def label_inherited_from_an_own_parent(env):
    env.build(DOCKERFILE, env.name("parent") + ":1", env.labels(purpose="lab04"))
    env.build(f"FROM {env.name('parent')}:1\nRUN touch /a\nRUN touch /b\nRUN touch /c\n", _tag(env))


@wrong("04.2", "adds 2 layer(s) of its own on top of its nearest parent `dockerlens/base:1`")
def two_layers(env):
    _app(env, "FROM dockerlens/base:1\nRUN mkdir /app\nRUN echo hi > /app/x\n")


@wrong("04.2", "adds 0 layer(s) of its own on top of its nearest parent `lens-")
def layers_inherited_from_an_own_parent(env):
    env.build(DOCKERFILE, env.name("parent") + ":1")
    _app(env, f"FROM {env.name('parent')}:1\nLABEL note=mine\nCMD [\"cat\", \"/app/message.txt\"]\n")


@wrong("04.2", "is not built on `dockerlens/base:1`: its first layers are not the base image's")
def built_from_scratch(env):
    files = {"busybox": Path("/bin/busybox").read_bytes() if Path("/bin/busybox").exists() else b"x",
             "a": b"1", "b": b"2"}
    env.build("FROM scratch\nCOPY busybox /bin/busybox\nCOPY a /a\nCOPY b /b\n", _tag(env),
              env.labels(purpose="lab04"), files=files)


@wrong("04.3", "overrides the image's default command with `echo hello from lab 04`")
def command_overridden(env):
    img = _app(env)
    env.run("app", ["echo", MESSAGE], image=img.tags[0])


@wrong("04.3", "was created from an earlier build of")
def container_from_an_earlier_build(env):
    _app(env)
    env.run("app", image=_tag(env))
    _app(env, DOCKERFILE + "LABEL rebuilt=yes\n")


@wrong("04.3", "runs image `dockerlens/base:1`, not `lens-")
def container_from_the_base_image(env):
    _app(env)
    env.run("app", ["cat", "/etc/hostname"])


@wrong("04.3", "printed `hello`, not `hello from lab 04`: the image's default command must print it")
def default_command_prints_something_else(env):
    _app(env, DOCKERFILE.replace('CMD ["cat", "/app/message.txt"]', 'CMD ["echo", "hello"]'))
    env.run("app", image=_tag(env))


@wrong("04.3", "replaces the image's entrypoint with `cat`")
def entrypoint_overridden(env):
    _app(env)
    env.run("app", ["/app/message.txt"], image=_tag(env), entrypoint=["cat"])


@wrong("04.4", "is what the tag `lens-", prepare=True)
def runs_image_read_from_the_tag(env):
    return {"runs_image": env.client.images.get(env.name("case") + ":1").id}


@wrong("04.4", "the task asks for the image ID", prepare=True)
def runs_image_as_the_reference(env):
    return {"runs_image": env.client.containers.get(env.name("case-runner")).attrs["Config"]["Image"]}


@wrong("04.4", "(give at least 12 hex digits)", prepare=True)
def runs_image_too_short(env):
    return {"runs_image": env.client.containers.get(env.name("case-runner")).attrs["Image"][7:13]}


# --- right -------------------------------------------------------------------------------
def _runs(env) -> str:
    return env.client.api.inspect_container(env.name("case-runner"))["Image"]


@right("04", 1, 2, 3, 4, prepare=True)
def label_and_copy_in_the_dockerfile_then_create_and_start(env):
    dockerfile = ("FROM dockerlens/base:1\nLABEL purpose=lab04\nCOPY message.txt /app/message.txt\n"
                  "RUN chmod 444 /app/message.txt\nRUN ln -s /app/message.txt /message\n"
                  'ENTRYPOINT ["cat"]\nCMD ["/message"]\n')
    env.build(dockerfile, _tag(env), env.labels(), files={"message.txt": MESSAGE.encode() + b"\n"})
    ctr = env.client.containers.create(_tag(env), name=env.name("app"), labels=env.labels())
    ctr.start()
    ctr.wait()
    return {"runs_image": _runs(env)}


@right("04", 1, 2, 3, 4, prepare=True)
def docker_cli_build_and_run(env):
    folder = Path(tempfile.mkdtemp())
    (folder / "Dockerfile").write_text(DOCKERFILE.replace('CMD ["cat", "/app/message.txt"]',
                                                          f'CMD ["sh", "-c", "echo {MESSAGE}"]'))
    env.cli("build", "-q", "-t", _tag(env), *env.label_flags(purpose="lab04"), str(folder),
            env={"DOCKER_BUILDKIT": os.environ.get("DOCKER_BUILDKIT", "0")})
    env.cli("run", "--name", env.name("app"), *env.label_flags(), _tag(env))
    return {"runs_image": env.cli("inspect", "-f", "{{.Image}}", env.name("case-runner"))}


@right("04", 1, 2, 3, 4, prepare=True)
def low_level_build_from_an_own_parent(env):
    env.build("FROM dockerlens/base:1\nRUN mkdir /app\n", env.name("parent") + ":1")
    dockerfile = (f"FROM {env.name('parent')}:1\nRUN echo '{MESSAGE}' > /app/message.txt\n"
                  "RUN chmod 600 /app/message.txt\nRUN touch /app/.done\n"
                  'CMD ["cat", "/app/message.txt"]\n')
    env.build(dockerfile, _tag(env), env.labels(purpose="lab04"))
    api = env.client.api
    made = api.create_container(_tag(env), name=env.name("app"), labels=env.labels())
    api.start(made)
    api.wait(made)
    return {"runs_image": _runs(env).removeprefix("sha256:")[:12]}
