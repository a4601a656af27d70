"""Lab 07 · volumes: data that outlives the container that wrote it."""
from __future__ import annotations

import secrets
from datetime import datetime, timezone

from ..engine import images, scope
from .outcomes import Fail, Pending
from .framework import Lab

LAB = Lab("07", "Volumes: data that outlives its container")
MESSAGE = "hello from the writer"
FILE = "/data/message.txt"


def read_volume(ctx, vol) -> tuple[str, datetime | None]:
    """The message file's text and modification time, read by a short-lived labelled probe."""
    script = f'cat {FILE} && echo && stat -c "%y" {FILE}'
    try:
        out = ctx.client.containers.run(
            images.tag("base"), ["sh", "-c", script], remove=True,
            name=scope.name(f"probe-{secrets.token_hex(3)}"), labels=scope.labels("07"),
            volumes={vol.name: {"bind": "/data", "mode": "ro"}}).decode()
    except Exception:  # ContainerError: the file is not there
        return "", None
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


def _created(ctr) -> datetime:
    raw = ctr.attrs["Created"]  # 2026-11-28T13:35:53.123456789Z
    whole, _, frac = raw.rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{whole}.{(frac + '000000')[:6]}").replace(tzinfo=timezone.utc)


@LAB.task(1, f"a named volume holding `{FILE}` with `{MESSAGE}`",
          section="A named volume outlives its containers",
          hint="create the volume with `labels=lens.labels()`, then run `lens.name(\"writer\")` with "
               f"`volumes={{vol.name: {{\"bind\": \"/data\", \"mode\": \"rw\"}}}}` and "
               f"`[\"sh\", \"-c\", \"echo {MESSAGE} > {FILE}\"]`")
def volume_holds(ctx):
    vol = ctx.volume("data")
    text, _ = read_volume(ctx, vol)
    if not text:
        raise Fail(f"volume `{vol.name}` has no `message.txt`: did the writer mount it at `/data`?")
    if text != MESSAGE:
        raise Fail(f"`message.txt` in volume `{vol.name}` holds `{text[:80]}`, not `{MESSAGE}`")


@LAB.task(2, "the writer container is gone", section="A named volume outlives its containers",
          hint="`ctr.remove()` removes the container; its named volume stays")
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
    raise Fail(f"container `{ctr.name}` still exists ({ctr.status}): remove it, the data stays "
               f"in `{vol.name}`")


@LAB.task(3, "a reader container read the message through the volume",
          section="A named volume outlives its containers",
          within=5, hint=f"run `lens.name(\"reader\")` with the same volume mounted at `/data` and "
                         f"`[\"cat\", \"{FILE}\"]`, after the writer is removed")
def reader_reads(ctx):
    vol = ctx.volume("data")
    ctr = ctx.container("reader")
    mounts = {m.get("Destination"): m for m in ctr.attrs.get("Mounts") or []}
    mount = mounts.get("/data")
    if mount is None:
        raise Fail(f"container `{ctr.name}` mounts nothing at `/data`: pass "
                   f"`volumes={{lens.name(\"data\"): {{\"bind\": \"/data\", \"mode\": \"ro\"}}}}`")
    if mount.get("Type") != "volume" or mount.get("Name") != vol.name:
        source = mount.get("Name") or mount.get("Source")
        raise Fail(f"container `{ctr.name}` mounts a {mount.get('Type')} `{source}` at `/data`, "
                   f"not the volume `{vol.name}`")
    if ctx.state(ctr)["Status"] == "running":
        raise Pending(f"container `{ctr.name}` is still running")
    if MESSAGE not in ctx.logs(ctr):
        raise Fail(f"container `{ctr.name}` did not print `{MESSAGE}`: its command should be "
                   f"`cat {FILE}`")
    _, written = read_volume(ctx, vol)
    if written is not None and written > _created(ctr):
        raise Fail(f"`message.txt` was written after `{ctr.name}` was created: the reader must "
                   "only read what the removed writer left in the volume")
    try:
        ctx.container("writer")
    except Fail:
        return
    raise Fail("the writer container still exists: the point is to read the data after it is removed")
