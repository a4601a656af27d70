"""Lab 02 · the Docker Engine: the SDK and raw HTTP are two ways to speak one REST API."""
from __future__ import annotations

import json
import secrets
from urllib.parse import parse_qs

from ..engine import images, scope
from ..engine.facts import same_ref
from ..wire.http import Incomplete, Malformed, dechunk, parse_head
from .case import case_labels, clear
from .context import Context
from .outcomes import Fail
from .framework import Lab

LAB = Lab("02", "The Docker Engine: SDK calls and raw HTTP",
          goal="drive the daemon with the SDK and with raw HTTP, and read the wire to see that "
               "both are one REST API.")
ROLE = ("role", "target")
MESSAGE = "made with the SDK"


@LAB.task(1, "a container made with the Python SDK, labelled role=target, that said its line",
          section="One action, three ways: run a container", within=5,
          goal=f"Leave a finished container `lens.name(\"sdk\")`, created from Python with the "
               f"Docker SDK, labelled `role=target`, whose output is `{MESSAGE}`. The daemon does "
               "not care which client asks; the wiretap does, and the check asks it which client "
               "created your container.",
          hints=("Every client speaks the same REST API; the SDK is the Python one. Labels are "
                 "key=value metadata fixed when a container is created, and they can be filtered on.",
                 "`client.containers.run` (or `client.containers.create` then `start`, or the "
                 "low-level `client.api.create_container`); `labels=lens.labels(role=...)` adds "
                 "your own label to the course's.",
                 f"`client.containers.run(lens.image(\"base\"), [\"echo\", \"{MESSAGE}\"], "
                 "name=lens.name(\"sdk\"), labels=lens.labels(role=\"target\"), detach=True)`"))
def sdk_container(ctx):
    ctr = ctx.container("sdk")
    key, value = ROLE
    labels = ctr.labels
    if labels.get(key) != value:
        has = f"`{key}={labels[key]}`" if key in labels else f"no `{key}` label"
        raise Fail(f"container `{ctr.name}` has {has}; it needs `{key}={value}`. Labels are "
                   "fixed at creation: remove it and create it again with that label")
    made = ctx.creations("containers", ctr.name, ctr)
    if made is not None:
        if not made:
            raise Fail(f"the wiretap of this notebook never saw `{ctr.name}` created: remove it "
                       "and create it here, from Python")
        if made[-1].client != "sdk":
            who = {"cli": "the docker CLI", "http": "raw HTTP"}.get(made[-1].client, made[-1].client)
            agent = made[-1].user_agent or "no User-Agent"
            raise Fail(f"container `{ctr.name}` was created by {who} ({agent}), not by the "
                       "Python SDK: remove it and create it again from Python")
    ctx.ended(ctr, "it must finish after printing its line")
    printed = ctx.logs(ctr).strip()
    if printed != MESSAGE:
        shown = printed[:80] or "nothing"
        raise Fail(f"container `{ctr.name}` printed `{shown}`, not `{MESSAGE}`")


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


@LAB.task(2, "`raw`: the daemon's own HTTP answer listing containers, and `target`: the ID of yours",
          section="Raw HTTP over the socket",
          goal="Without the SDK, ask the daemon for its list of containers, stopped ones included, "
               "and keep the complete HTTP answer it sent (status line, headers, body) in `raw`. "
               "Then put in `target` the ID of the container labelled `role=target`, read from that "
               "answer. Any of the daemon's UNIX sockets will do: the one the setup line printed, "
               "or the wiretap's proxy in front of it (`DOCKER_HOST`). Under every client there is "
               "just this: bytes of HTTP on a socket.",
          hints=("HTTP is text: a request line, headers, a blank line. The daemon listens on a UNIX "
                 "socket, and its answer is a status line, headers and a JSON body. By default "
                 "the listing shows running containers only.",
                 "Python's `socket` module with `AF_UNIX`; the operation is `GET /containers/json` "
                 "with the query `all=1`; `json.loads` the body after the blank line.",
                 "`s = socket.socket(socket.AF_UNIX); s.connect(path)`; `s.sendall(b\"GET "
                 "/containers/json?all=1 HTTP/1.0\\r\\nHost: docker\\r\\n\\r\\n\")`; read with "
                 "`s.recv` until it returns `b\"\"`; `target = [c[\"Id\"] for c in "
                 "json.loads(raw.split(b\"\\r\\n\\r\\n\", 1)[1]) if c[\"Labels\"].get(\"role\") "
                 "== \"target\"][0]`"))
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
    server = headers.get("server", "")
    if not any(word in server for word in ("Docker", "Libpod", "Podman")):
        raise Fail(f"`raw` names the server `{server or 'nobody'}`: keep the daemon's own answer, "
                   "headers included, as the socket sent it")
    if scope.labels_of(ctr).get(ROLE[0]) != ROLE[1]:
        raise Fail(f"container `{ctr.name}` does not carry `role=target` (task 1)")


@LAB.preparation
def prepare(client) -> list[str]:
    """A request that fails, sent through the wiretap: the learner reads what it asked for."""
    import docker.errors
    clear(client, "02")
    wrong = f"{images.tag('base').split(':')[0].replace('base', 'bsae')}:{secrets.token_hex(2)}"
    try:
        client.api.create_container(wrong, ["true"], name=scope.name("case-typo"),
                                    labels=case_labels("02"))
    except docker.errors.APIError:
        pass  # the point: the daemon refused it, and the wiretap recorded the exchange
    if Context.transcript() is None:
        return ["task 3 needs the wiretap, which is not running in this kernel: run the setup "
                "cell (`lens.setup(\"02\")`), then `lab.prepare()` again"]
    return [f"task 3: this notebook just asked the daemon to create `{scope.name('case-typo')}` "
            "and the daemon refused. The wiretap has the request and the answer."]


def _failed_create(ctx):
    sent = ctx.transcript()
    if sent is None:
        raise Fail("the wiretap is not running in this kernel, so there is no transcript to read: "
                   "run the setup cell, then `lab.prepare()`")
    name = scope.name("case-typo")
    failed = [e for e in sent if e.method == "POST" and e.path.endswith("/containers/create")
              and name in parse_qs(e.query).get("name", []) and (e.status or 0) >= 400]
    if not failed:
        raise Fail(f"the transcript holds no failed request to create `{name}`: run "
                   "`lab.prepare()` (it sends that request)")
    try:
        image = json.loads(failed[-1].request_preview).get("Image", "")
    except ValueError:
        image = ""
    return failed[-1], image


@LAB.task(3, "investigation: what did the failed request ask for?",
          section="When the daemon says no",
          goal="`lab.prepare()` sent the daemon a request that failed. From the wiretap's "
               "transcript alone, find it and put in `failed_status` (an int) the HTTP status the "
               "daemon answered and in `asked_for` (a str) the image reference the request asked "
               "for. When a client's error message is unclear, the exchange on the wire is the truth.",
          hints=("Every request has a method, a path, a body; every answer a status and a body. "
                 "The daemon says what went wrong in its answer's `message`.",
                 "`lens.wiretap.transcript()` is the list of exchanges; each has `status`, `path`, "
                 "`request_preview` (the JSON body sent) and `message`.",
                 "`ex = [e for e in lens.wiretap.transcript() if e.status == 404][-1]`; "
                 "`failed_status = ex.status`; `asked_for = json.loads(ex.request_preview)[\"Image\"]` "
                 "(`lens.explain(ex)` explains it)"))
def failed_request(ctx):
    status = ctx.var("failed_status", int, "the HTTP status of the failed request, as an int")
    exchange, image = _failed_create(ctx)
    if status != exchange.status:
        near = " (the status of a successful create)" if status == 201 else ""
        raise Fail(f"`failed_status` is {status}{near}, but the daemon answered the failed "
                   f"`POST /containers/create` with {exchange.status}")
    asked = ctx.var("asked_for", str, "the image reference the failed request asked for")
    if asked.strip() == image or same_ref(asked.strip(), image):
        return
    if same_ref(asked.strip(), images.tag("base")):
        raise Fail(f"`asked_for` is `{asked}`, an image that exists: the failed request asked for "
                   "another one (read its body, not what you expect it to say)")
    raise Fail(f"`asked_for` is `{asked[:60]}`, but the failed request's body asked for a "
               "different image: read `Image` in the request body")
