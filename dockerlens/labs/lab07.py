"""Lab 07 · volumes: data that outlives the container that wrote it."""
from __future__ import annotations

import secrets
from datetime import datetime

from ..engine import images, scope
from .case import case_labels, clear
from .context import created_at, describe
from .outcomes import Fail
from .framework import Lab

LAB = Lab("07", "Volumes: data that outlives its container",
          goal="keep data in a named volume beyond the container that wrote it, and see what a "
               "container changes in its own filesystem.")
MESSAGE = "hello from the writer"
FILE = "/data/message.txt"


def read_volume(ctx, vol) -> tuple[str, datetime | None]:
    """The message file's text and modification time, read by a short-lived labelled probe."""
    script = f'cat {FILE} && echo && stat -c "%y" {FILE}'
    # create, wait, read, then remove: ``run(remove=True)`` removes before it reads, and Podman
    # may then drop what the probe wrote (see wire.proxy.LogFollows)
    probe = ctx.client.containers.create(
        images.tag("base"), ["sh", "-c", script], name=scope.name(f"probe-{secrets.token_hex(3)}"),
        labels=scope.labels("07"), volumes={vol.name: {"bind": "/data", "mode": "ro"}})
    try:
        probe.start()
        if probe.wait()["StatusCode"] != 0:  # the file is not there
            return "", None
        out = probe.logs(stdout=True, stderr=False).decode()
    finally:
        probe.remove(force=True)
    text, _, stamp = out.rstrip("\n").rpartition("\n")
    return text.strip(), _parse_stat(stamp)


def _parse_stat(stamp: str) -> datetime | None:
    """Parse busybox ``stat -c %y`` (``2026-11-28 13:35:53.512223031 +0000``) to UTC."""
    try:
        day, clock, _zone = stamp.split()
        whole, _, frac = clock.partition(".")
        return datetime.fromisoformat(f"{day}T{whole}.{(frac + '000000')[:6]}+00:00")
    except ValueError:
        return None


@LAB.task(1, f"a named volume holding `{FILE}` with `{MESSAGE}`",
          section="A named volume outlives its containers",
          goal=f"Make a labelled named volume `lens.name(\"data\")` hold a file `message.txt` with "
               f"the line `{MESSAGE}`, written by a container `lens.name(\"writer\")` that sees the "
               f"volume at `/data`. A container's own filesystem dies with it; a volume does not.",
          hints=("A named volume is an object of its own; a container sees it at a path (its "
                 "mount point) chosen when the container is created.",
                 "`client.volumes.create(name, labels=...)`; `volumes={name: {\"bind\": path, "
                 "\"mode\": \"rw\"}}` (or `mounts=[docker.types.Mount(...)]`, `-v name:path`).",
                 f"`client.containers.run(lens.image(\"base\"), [\"sh\", \"-c\", \"echo {MESSAGE} > "
                 f"{FILE}\"], name=lens.name(\"writer\"), labels=lens.labels(), volumes={{lens.name("
                 "\"data\"): {\"bind\": \"/data\", \"mode\": \"rw\"}}, detach=True)`"))
def volume_holds(ctx):
    vol = ctx.volume("data")
    text, _ = read_volume(ctx, vol)
    if not text:
        raise Fail(f"volume `{vol.name}` holds no `message.txt` at its top: the file must be "
                   "written into the volume, seen by the writer at `/data`")
    if text != MESSAGE:
        raise Fail(f"`message.txt` in volume `{vol.name}` holds `{text[:80]}`, not `{MESSAGE}`")


@LAB.task(2, "the writer container is gone", section="A named volume outlives its containers",
          goal="Remove the writer container, keeping the volume and its message. Removing a "
               "container removes its own filesystem, never a named volume it used.",
          hints=("Removing a container deletes it and its writable layer; the named volumes it "
                 "used stay until removed themselves.",
                 "`ctr.remove()` (`docker rm`); `v=True` would also remove anonymous volumes only.",
                 "`client.containers.get(lens.name(\"writer\")).remove()`"))
def writer_removed(ctx):
    vol = ctx.volume("data")
    try:
        ctr = ctx.container("writer")
    except Fail:
        text, _ = read_volume(ctx, vol)
        if text != MESSAGE:
            raise Fail(f"there is no writer container, but no message in `{vol.name}` either: "
                       "write it first (task 1)") from None
        return
    raise Fail(f"container `{ctr.name}` still exists ({ctr.status}): remove it; the data stays "
               f"in `{vol.name}`")


@LAB.task(3, "a reader container read the message through the volume",
          section="A named volume outlives its containers", within=5,
          goal="After the writer is gone, leave a finished container `lens.name(\"reader\")` that "
               "printed the message by reading it from the volume (it must not write it itself). "
               "That is the point of a volume: the next container finds the data.",
          hints=("A new container sees the same data when it mounts the same named volume; it can "
                 "mount it read-only, since it only reads.",
                 "the same `volumes=` (or `mounts=`) with `\"mode\": \"ro\"`; busybox's `cat` prints "
                 "a file; `ctr.logs()` shows it.",
                 f"`client.containers.run(lens.image(\"base\"), [\"cat\", \"{FILE}\"], "
                 "name=lens.name(\"reader\"), labels=lens.labels(), volumes={lens.name(\"data\"): "
                 "{\"bind\": \"/data\", \"mode\": \"ro\"}}, detach=True)`"))
def reader_reads(ctx):
    vol = ctx.volume("data")
    ctr = ctx.container("reader")
    mounts = {m.get("Destination"): m for m in ctr.attrs.get("Mounts") or []}
    used = [m for m in mounts.values() if m.get("Type") == "volume" and m.get("Name") == vol.name]
    if not used:
        shown = ", ".join(f"a {m.get('Type')} `{m.get('Name') or m.get('Source')}` at "
                          f"`{m.get('Destination')}`" for m in mounts.values()) or "nothing"
        raise Fail(f"container `{ctr.name}` mounts {shown}, not the volume `{vol.name}`: a "
                   "container's mounts are fixed at creation, so create it again with the volume")
    ctx.ended(ctr, "wait for it to finish")
    if MESSAGE not in ctx.logs(ctr):
        printed = ctx.logs(ctr).strip()[:80]
        what = f"printed `{printed}`" if printed else f"{describe(ctr)} and printed nothing"
        raise Fail(f"container `{ctr.name}` {what}, not `{MESSAGE}` from `message.txt` in the "
                   f"volume (mounted at `{used[0]['Destination']}`)")
    _, written = read_volume(ctx, vol)
    if written is not None and written > created_at(ctr):
        raise Fail(f"`message.txt` was written after `{ctr.name}` was created: the reader must "
                   "only read what the removed writer left in the volume")
    try:
        ctx.container("writer")
    except Fail:
        return
    raise Fail("the writer container still exists: the point is to read the data after it is removed")


@LAB.preparation
def prepare(client) -> list[str]:
    """A container that adds a file to its own filesystem (not to any volume), and finishes."""
    clear(client, "07")
    path = f"/srv/{secrets.token_hex(3)}/settings.conf"
    ctr = client.containers.run(images.tag("base"), ["sh", "-c", f"mkdir -p {path.rsplit('/', 1)[0]} "
                                f"&& echo ready > {path}"], name=scope.name("case-changes"),
                                labels=case_labels("07"), detach=True)
    ctr.wait(timeout=30)
    return [f"task 4: `{scope.name('case-changes')}` ran and wrote a file into its own "
            "filesystem. Which file?"]


def _added_files(ctr) -> list[str]:
    """Paths the container added that are no other added path's parent (the files, not folders)."""
    added = [c["Path"] for c in ctr.diff() or [] if c.get("Kind") == 1]
    return [p for p in added if not any(q.startswith(p + "/") for q in added)]


@LAB.task(4, "investigation: what did the container change in its filesystem?",
          section="Data written in a container dies with it",
          goal="`lab.prepare()` ran `lens.name(\"case-changes\")`, which wrote one file into its "
               "own filesystem. Without starting anything, put that file's path in `added_file`. "
               "The daemon tracks every change to a container's writable layer, which is exactly "
               "what dies with the container.",
          hints=("A container's filesystem is the image's read-only layers plus one writable "
                 "layer of its own; the daemon can list what is different from the image.",
                 "`ctr.diff()` (`docker diff`): a list of `{\"Path\", \"Kind\"}` where Kind 0 is "
                 "changed, 1 added, 2 deleted.",
                 "`[c[\"Path\"] for c in client.containers.get(lens.name(\"case-changes\")).diff() "
                 "if c[\"Kind\"] == 1]`, then the deepest one"))
def what_changed(ctx):
    answer = ctx.var("added_file", str, "the path of the file the case container added").strip()
    try:
        ctr = ctx.container("case-changes")
    except Fail:
        raise Fail(f"the case container `{scope.name('case-changes')}` is gone: run "
                   "`lab.prepare()` again") from None
    files = _added_files(ctr)
    if answer.rstrip("/") in files:
        return
    folder = answer.rstrip("/")
    if any(f.startswith(folder + "/") for f in files):
        raise Fail(f"`{answer}` was added, but it is a folder holding the file, not the file")
    if not answer.startswith("/"):
        raise Fail(f"`added_file` is `{answer[:60]}`: give the absolute path inside the container")
    raise Fail(f"`{answer[:60]}` is not among the paths `{ctr.name}` added to its filesystem")
