"""Lab 04 · images: build your own image from a Dockerfile, with a label and layers of its own."""
from __future__ import annotations

from ..engine import images, scope
from .outcomes import Fail, Pending
from .framework import Lab

LAB = Lab("04", "Images: a Dockerfile of your own")
LABEL = ("purpose", "lab04")
MESSAGE = "hello from lab 04"


def ref() -> str:
    """The tag this lab asks for: ``lens-<learner>-app:1.0``."""
    return scope.name("app") + ":1.0"


@LAB.task(1, "an image tagged `lens.name(\"app\") + \":1.0\"` with the label purpose=lab04",
          section="Build an image from a Dockerfile: two builders",
          hint="`client.images.build(path=folder, tag=lens.name(\"app\") "
          "+ \":1.0\", labels=lens.labels(purpose=\"lab04\"))`")
def tagged(ctx):
    img = ctx.image(ref())
    labels = img.labels or {}
    key, value = LABEL
    if labels.get(key) != value:
        has = f"`{key}={labels[key]}`" if key in labels else f"no `{key}` label"
        raise Fail(f"image `{ref()}` has {has}; it needs `{key}={value}` "
                   f"(`labels=lens.labels({key}=\"{value}\")` or `LABEL {key}={value}`)")


@LAB.task(2, "at least three layers of your own on top of the base image",
          section="An image is layers plus a config",
          hint="`FROM dockerlens/base:1`, then three instructions that change files "
               "(e.g. `RUN mkdir /app`, `COPY message.txt /app/`, `RUN chmod 644 /app/message.txt`)")
def layers(ctx):
    img = ctx.image(ref())
    base = ctx.client.images.get(images.tag("base")).attrs["RootFS"]["Layers"]
    mine = img.attrs["RootFS"]["Layers"]
    if mine[:len(base)] != base:
        raise Fail(f"image `{ref()}` is not built on `{images.tag('base')}`: start the Dockerfile "
                   f"with `FROM {images.tag('base')}`")
    added = len(mine) - len(base)
    if added < 3:
        raise Fail(f"image `{ref()}` adds {added} layer(s) on top of `{images.tag('base')}`; it "
                   "needs at least 3: each RUN, COPY or ADD instruction makes one")


@LAB.task(3, f"a container whose default command printed `{MESSAGE}`",
          section="Build an image from a Dockerfile: two builders",
          within=5, hint=f"end the Dockerfile with `CMD [\"cat\", \"/app/message.txt\"]` (the file "
                         f"holding `{MESSAGE}`), then run `lens.name(\"app\")` without a command")
def default_command(ctx):
    img = ctx.image(ref())
    ctr = ctx.container("app")
    if ctr.attrs["Image"] != img.id:
        if ctr.attrs["Config"]["Image"] == ref():
            raise Fail(f"container `{ctr.name}` was created from an earlier build of `{ref()}`: "
                       "remove it and run it again from the image you built last")
        raise Fail(f"container `{ctr.name}` runs image `{ctr.attrs['Config']['Image']}`, "
                   f"not `{ref()}`")
    if ctr.attrs["Config"].get("Cmd") != img.attrs["Config"].get("Cmd"):
        raise Fail(f"container `{ctr.name}` overrides the image's default command with "
                   f"`{' '.join(ctr.attrs['Config'].get('Cmd') or [])}`: run it without a command "
                   "and let the image's CMD print the message")
    if ctx.state(ctr)["Status"] == "running":
        raise Pending(f"container `{ctr.name}` is still running")
    if MESSAGE not in ctx.logs(ctr):
        printed = ctx.logs(ctr).strip()[:80] or "nothing"
        raise Fail(f"container `{ctr.name}` printed `{printed}`, not `{MESSAGE}`: "
                   "check the image's CMD")
