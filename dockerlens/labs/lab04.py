"""Lab 04 · images: build your own image from a Dockerfile, with a label and layers of its own."""
from __future__ import annotations

import io
import re
import secrets
import tarfile

from ..engine import images, scope
from ..engine.facts import normalise_ref, same_ref
from .case import case_labels, clear
from .context import created_at, describe
from .outcomes import Fail
from .framework import Lab

LAB = Lab("04", "Images: a Dockerfile of your own",
          goal="build an image of your own on the course's base image, see what is yours in it, "
               "and tell a tag from the image a container really runs.")
LABEL = ("purpose", "lab04")
MESSAGE = "hello from lab 04"


def ref() -> str:
    """The tag this lab asks for: ``lens-<learner>-app:1.0``."""
    return scope.name("app") + ":1.0"


@LAB.task(1, "an image tagged `lens.name(\"app\") + \":1.0\"` with the label purpose=lab04",
          section="Build an image from a Dockerfile: two builders",
          goal="Build, from a Dockerfile of your own, an image tagged `lens.name(\"app\") + "
               "\":1.0\"` that carries the course labels and the label `purpose=lab04`. A tag is "
               "how people find an image; labels are how tools filter and clean up.",
          hints=("An image is built from a build context (a folder with a Dockerfile); the build "
                 "can name it with a tag and stamp labels into its config.",
                 "`client.images.build(path=..., tag=..., labels=...)`, or `LABEL` lines in the "
                 "Dockerfile; `lens.labels(purpose=...)` gives the course labels plus yours.",
                 "`client.images.build(path=folder, tag=lens.name(\"app\") + \":1.0\", "
                 "labels=lens.labels(purpose=\"lab04\"))`"))
def tagged(ctx):
    img = ctx.image(ref())
    labels = img.labels or {}
    key, value = LABEL
    if labels.get(key) != value:
        has = f"`{key}={labels[key]}`" if key in labels else f"no `{key}` label"
        raise Fail(f"image `{ref()}` has {has}; it needs `{key}={value}`: an image's labels are "
                   "fixed when it is built, so build it again with that label")
    parent, _, theirs = _nearest_parent(ctx, img, img.attrs["RootFS"]["Layers"])
    if theirs.get(key) == value:
        raise Fail(f"image `{ref()}` inherits `{key}={value}` from its parent `{parent}`; "
                   "this task asks your build to set it: build it again with that label")


@LAB.task(2, "at least three layers of your own on top of the base image",
          section="An image is layers plus a config",
          goal="Make `lens.name(\"app\") + \":1.0\"` descend from the course's base image and add "
               "at least three filesystem layers of its own, counted above its nearest parent "
               "image (layers it inherits are not yours). Layers are shared between images: "
               "knowing which are yours tells you what a rebuild or a push costs.",
          hints=("An image's filesystem is a stack of layers; a child image repeats its parent's "
                 "layers and adds its own. Only instructions that change files add a layer.",
                 "`img.attrs[\"RootFS\"][\"Layers\"]` lists the layers; `img.history()` says "
                 "which instruction made each; `RUN`, `COPY` and `ADD` make layers, `ENV` or "
                 "`LABEL` never do, and a step that changes no file makes none.",
                 "`FROM dockerlens/base:1`, then `RUN mkdir /app`, `COPY message.txt /app/`, "
                 "`RUN chmod 444 /app/message.txt`"))
def layers(ctx):
    img = ctx.image(ref())
    base = ctx.client.images.get(images.tag("base")).attrs["RootFS"]["Layers"]
    mine = img.attrs["RootFS"]["Layers"]
    if mine[:len(base)] != base:
        raise Fail(f"image `{ref()}` is not built on `{images.tag('base')}`: its first layers "
                   "are not the base image's. Build it `FROM` the course's base image")
    parent, inherited, _ = _nearest_parent(ctx, img, mine)
    added = len(mine) - inherited
    if added >= 3:
        return
    above = f"its nearest parent `{parent}`" if parent else f"`{images.tag('base')}`"
    unchanged = _unchanged_steps(img, parent) if ctx.facts.image_store == "containerd" else []
    why = (f" that really changes a file (`{unchanged[0]}` left every file as it was, so this "
           "engine's containerd image store wrote no layer for it; the classic store writes one "
           "whenever a step touches a file, even without changing it)" if unchanged else "")
    raise Fail(f"image `{ref()}` adds {added} layer(s) of its own on top of {above} "
               f"({inherited} inherited); it needs at least 3: each RUN, COPY or ADD makes one{why}")


METADATA = {"LABEL", "ENV", "CMD", "ENTRYPOINT", "EXPOSE", "USER", "WORKDIR", "VOLUME", "ARG",
            "STOPSIGNAL", "HEALTHCHECK", "SHELL", "ONBUILD", "MAINTAINER"}


def _unchanged_steps(img, parent: str) -> list[str]:
    """IMG's own RUN, COPY and ADD steps (above PARENT) that wrote nothing: on the containerd
    store such a step leaves no layer, which is why a count of layers falls short."""
    steps = []
    for h in img.history():  # newest first
        if parent and parent in {normalise_ref(t) for t in h.get("Tags") or []}:
            break
        made_by = h.get("CreatedBy") or ""
        step = re.sub(r"^/bin/sh -c (#\(nop\)\s*)?", "", made_by).removesuffix("# buildkit").strip()
        keyword = step.split(" ", 1)[0]
        if "#(nop)" in made_by and keyword not in {"COPY", "ADD"} or keyword in METADATA:
            continue
        if not h.get("Size"):
            steps.append(step if keyword in {"RUN", "COPY", "ADD"} else f"RUN {step}")
    return steps[::-1]


def _nearest_parent(ctx, img, mine: list[str]) -> tuple[str, int, dict]:
    """The tagged image IMG was built on whose layers are the longest prefix of MINE: (its tag,
    its layer count, its labels). Candidates are IMG's local ancestors (the IDs its history names) and the
    course's own images; other images that merely share layers (the build cache makes identical
    steps identical layers) are no parents of IMG."""
    import docker.errors
    ancestors = {h.get("Id") for h in img.history()
                 if h.get("Id") and "<missing>" not in h["Id"]} - {img.id}  # Podman: sha256:<missing>
    shared = ctx.client.api.images(filters={"label": [f"{scope.LEARNER}={scope.SHARED}"]})
    candidates = ancestors | {i["Id"] for i in shared}
    if ctx.facts.image_store != "classic":  # their histories name no ancestors: the learner's older images
        try:
            made = int(created_at(img).timestamp())  # /images/json lists Unix seconds
        except ValueError:
            made = 0
        candidates |= {i["Id"] for i in ctx.client.api.images(filters=ctx.filters)
                       if i.get("RepoTags") and i.get("Created", 0) <= made} - {img.id}
    best, count, labels = "", 0, {}
    for ident in candidates:
        try:
            other = ctx.client.images.get(ident)
        except docker.errors.NotFound:  # removed meanwhile (another session's cleanup)
            continue
        theirs = other.attrs.get("RootFS", {}).get("Layers") or []
        if other.tags and count < len(theirs) <= len(mine) and mine[:len(theirs)] == theirs:
            best, count, labels = _familiar_tag(other.tags), len(theirs), other.labels or {}
    return best, count, labels


def _familiar_tag(tags: list[str]) -> str:
    """The tag a learner knows an image by: the course's or their own before a registry's copy."""
    tags = [normalise_ref(t) for t in tags]
    ours = [t for t in tags if t.startswith(("dockerlens/", scope.name("")))]
    return sorted(ours or tags, key=len)[0]


@LAB.task(3, f"a container whose default command printed `{MESSAGE}`",
          section="Build an image from a Dockerfile: two builders", within=5,
          goal=f"Leave a finished container `lens.name(\"app\")`, made from your latest build of "
               f"`lens.name(\"app\") + \":1.0\"` without giving it a command, that printed `{MESSAGE}`. "
               "An image carries its default command: whoever runs it gets the same behaviour.",
          hints=("An image's config says what a container runs when nobody names a command; a "
                 "command given at run time replaces it.",
                 "`CMD` (or `ENTRYPOINT`) in the Dockerfile; then create the container from the "
                 "tag with no command; `img.attrs[\"Config\"][\"Cmd\"]` shows the default.",
                 f"end the Dockerfile with `CMD [\"cat\", \"/app/message.txt\"]` (the file holds "
                 f"`{MESSAGE}`), then `client.containers.run(lens.name(\"app\") + \":1.0\", "
                 "name=lens.name(\"app\"), labels=lens.labels(), detach=True)`"))
def default_command(ctx):
    img = ctx.image(ref())
    ctr = ctx.container("app")
    if ctr.attrs["Image"] != img.id:
        if same_ref(ctr.attrs["Config"]["Image"], ref()):
            raise Fail(f"container `{ctr.name}` was created from an earlier build of `{ref()}`: "
                       "remove it and run it again from the image you built last")
        raise Fail(f"container `{ctr.name}` runs image `{normalise_ref(ctr.attrs['Config']['Image'])}`, "
                   f"not `{ref()}`")
    if (ctr.attrs["Config"].get("Entrypoint") or None) != (img.attrs["Config"].get("Entrypoint") or None):
        raise Fail(f"container `{ctr.name}` replaces the image's entrypoint with "
                   f"`{' '.join(ctr.attrs['Config'].get('Entrypoint') or [])}`: run it without one")
    if ctr.attrs["Config"].get("Cmd") != img.attrs["Config"].get("Cmd"):
        raise Fail(f"container `{ctr.name}` overrides the image's default command with "
                   f"`{' '.join(ctr.attrs['Config'].get('Cmd') or [])}`: run it without a command "
                   "and let the image's CMD print the message")
    ctx.ended(ctr, "wait for it to finish")
    if MESSAGE not in ctx.logs(ctr):
        printed = ctx.logs(ctr).strip()[:80]
        what = f"printed `{printed}`" if printed else f"{describe(ctr)} and printed nothing"
        raise Fail(f"container `{ctr.name}` {what}, not `{MESSAGE}`: the image's default command "
                   "must print it")


def _build(client, marker: str) -> str:
    """Build the case image ``lens-<learner>-case:1`` with a file holding MARKER; its ID."""
    dockerfile = (f"FROM {images.tag('base')}\nRUN echo {marker} > /version\n"
                  'CMD ["cat", "/version"]\n').encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(dockerfile)
        tar.addfile(info, io.BytesIO(dockerfile))
    buf.seek(0)
    img, _ = client.images.build(fileobj=buf, custom_context=True, tag=scope.name("case") + ":1",
                                 labels=case_labels("04"), rm=True)
    return img.id


@LAB.preparation
def prepare(client) -> list[str]:
    """A container created from a tag, and the tag rebuilt since: it now names another image."""
    clear(client, "04")
    _build(client, f"old-{secrets.token_hex(3)}")
    client.containers.create(scope.name("case") + ":1", name=scope.name("case-runner"),
                             labels=case_labels("04"))
    _build(client, f"new-{secrets.token_hex(3)}")
    return [f"task 4: `{scope.name('case-runner')}` was created from `{scope.name('case')}:1`, "
            "and that tag was rebuilt afterwards. Which image does the container really run?"]


@LAB.task(4, "investigation: which image does the container really run?",
          section="Tags and IDs",
          goal="`lab.prepare()` created `lens.name(\"case-runner\")` from the tag "
               "`lens.name(\"case\") + \":1\"`, then rebuilt that tag. Put in `runs_image` the ID "
               "of the image the container really runs. A tag is a movable name; a container is "
               "bound to an image ID when it is created.",
          hints=("A tag points at one image ID at a time, and a build can move it; a container "
                 "remembers the ID it was created from, not the tag's future.",
                 "the container's `attrs[\"Image\"]` (`docker inspect -f '{{.Image}}'`) versus "
                 "`client.images.get(tag).id`; `ctr.image` is the image model.",
                 "`runs_image = client.containers.get(lens.name(\"case-runner\")).attrs[\"Image\"]`"))
def really_runs(ctx):
    answer = ctx.var("runs_image", str, "the ID of the image the case container runs").strip()
    try:
        ctr = ctx.container("case-runner")
    except Fail:
        raise Fail(f"the case container `{scope.name('case-runner')}` is gone: run "
                   "`lab.prepare()` again") from None
    truth = ctr.attrs["Image"]
    bare = answer.removeprefix("sha256:")
    if len(bare) >= 12 and truth.removeprefix("sha256:").startswith(bare):
        return
    try:
        tagged = ctx.client.images.get(scope.name("case") + ":1").id
    except Exception:
        tagged = ""
    if tagged and len(bare) >= 12 and tagged.removeprefix("sha256:").startswith(bare):
        raise Fail(f"`{answer[:19]}` is what the tag `{scope.name('case')}:1` names now, after the "
                   f"rebuild; `{ctr.name}` was created before it")
    if ":" in answer and not answer.startswith("sha256:"):
        raise Fail(f"`runs_image` is the reference `{answer[:60]}`: the task asks for the image ID")
    raise Fail(f"`runs_image` is `{answer[:24]}`, not the ID of the image `{ctr.name}` runs "
               "(give at least 12 hex digits)")
