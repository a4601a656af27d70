"""Lab 02 · the Docker Engine: the SDK and raw HTTP are two ways to speak one REST API."""
from __future__ import annotations

import json

from ..engine import scope
from ..wire.http import Incomplete, Malformed, dechunk, parse_head
from .outcomes import Fail, Pending
from .framework import Lab

LAB = Lab("02", "The Docker Engine: SDK calls and raw HTTP")
ROLE = ("role", "target")
MESSAGE = "made with the SDK"


@LAB.task(1, "a container made with the SDK, with the label role=target and its own command",
          section="One action, three ways: run a container", within=5,
          hint="`client.containers.run(lens.image(\"base\"), "
          f"[\"echo\", \"{MESSAGE}\"], name=lens.name(\"sdk\"), labels=lens.labels(role=\"target\"), "
          "detach=True)`")
def sdk_container(ctx):
    ctr = ctx.container("sdk")
    labels = ctr.labels
    key, value = ROLE
    if labels.get(key) != value:
        has = f"`{key}={labels[key]}`" if key in labels else f"no `{key}` label"
        raise Fail(f"container `{ctr.name}` has {has}; it needs `{key}={value}`: "
                   f"`labels=lens.labels({key}=\"{value}\")` (labels are fixed at creation)")
    command = ctr.attrs["Config"].get("Cmd") or []
    if command != ["echo", MESSAGE]:
        raise Fail(f"container `{ctr.name}` runs `{' '.join(command) or '(the image default)'}`, "
                   f"not `echo {MESSAGE}`: pass the command as a list, `[\"echo\", \"{MESSAGE}\"]`")
    status = ctx.state(ctr)["Status"]
    if status == "running":
        raise Pending(f"container `{ctr.name}` is still running")
    if status == "created":
        raise Fail(f"container `{ctr.name}` was created but never started: `ctr.start()`")


def _parse(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of a raw HTTP response, or Fail."""
    try:
        head, at = parse_head(raw, request=False) or (None, 0)
    except Malformed:
        head = None
    if head is None:
        raise Fail(f"`raw` does not start with an HTTP status line (it starts with "
                   f"`{raw[:30]!r}`): keep everything the socket sent, headers included")
    body = raw[at:]
    if head.chunked:
        try:
            body = dechunk(body)
        except Incomplete:
            raise Fail("the chunked body in `raw` is cut short: read until the socket closes") from None
        except Malformed:
            raise Fail("the chunked body in `raw` is not chunked encoding: keep the bytes as "
                       "the socket sent them") from None
    return head.status, {name.lower(): value for name, value in head.headers}, body


@LAB.task(2, "`raw`: the daemon's raw HTTP answer listing containers, and `target`: the ID of yours",
          section="Raw HTTP over the socket", hint="open an `AF_UNIX` socket to the daemon's socket, "
          "send `GET /containers/json?all=1 HTTP/1.0\\r\\nHost: docker\\r\\n\\r\\n`, read until it "
          "closes into `raw`; `json.loads` the body after the blank line, and set `target` to the "
          "`Id` of the entry whose `Labels` have `role=target`")
def raw_listing(ctx):
    raw = ctx.var("raw", (bytes, str), "the bytes the daemon's socket sent back")
    raw = raw.encode("latin-1", "replace") if isinstance(raw, str) else raw
    status, headers, body = _parse(raw)
    if status != 200:
        raise Fail(f"`raw` holds an HTTP {status} answer, not 200: the endpoint is "
                   "`GET /containers/json`")
    if "api-version" not in headers:
        raise Fail("`raw` has no `Api-Version` header, so it did not come from the Docker daemon")
    try:
        listing = json.loads(body)
    except ValueError:
        raise Fail("the body of `raw` is not complete JSON: read until the socket closes") from None
    if not isinstance(listing, list) or not all(isinstance(c, dict) and "Id" in c for c in listing):
        raise Fail("the body of `raw` is not a list of containers: the endpoint is "
                   "`GET /containers/json?all=1`")
    ctr = ctx.container("sdk")
    if not any(c["Id"] == ctr.id for c in listing):
        raise Fail(f"the list in `raw` has {len(listing)} container(s) but not `{ctr.name}`: "
                   "it has exited, and only `?all=1` lists stopped containers too")
    target = ctx.var("target", str, "the Id of the container labelled role=target")
    if len(target) < 12 or not ctr.id.startswith(target):
        raise Fail(f"`target` is `{target[:20]}`, not the ID of `{ctr.name}` (the container "
                   "labelled `role=target`)")
    sent = ctx.transcript()
    if sent is not None and not any(e.client == "http" and e.method == "GET" and e.status == 200
                                    and e.path.endswith("/containers/json") for e in sent):
        raise Fail("the wiretap saw no raw HTTP `GET /containers/json` from this notebook (only SDK "
                   "or CLI requests): write the request bytes to the socket yourself")
    if scope.labels_of(ctr).get(ROLE[0]) != ROLE[1]:
        raise Fail(f"container `{ctr.name}` does not carry `role=target` (task 1)")
