"""Lab 03 · architecture: reach the daemon over TCP on 127.0.0.1, with mutual TLS, and act there."""
from __future__ import annotations

import random
from urllib.parse import urlparse

from ..engine import scope
from .case import case_labels, clear
from .context import Context
from .outcomes import Fail
from .framework import Lab
from ..wire.remote import TLSForwarder  # moving module: the one place lab 03 imports it

LAB = Lab("03", "Architecture: the daemon over a network interface",
          goal="reach the same daemon over TCP on 127.0.0.1 with mutual TLS, act through it, and "
               "tell from the wire which requests came over which transport.")
SUSPECTS = ("case-a", "case-b", "case-c")


def _forwarder(ctx):
    fwd = ctx.var("fwd", TLSForwarder, "the course's TCP endpoint, `lens.tcp_endpoint()`")
    if not fwd.running:
        raise Fail(f"`fwd` ({fwd.url}) is stopped: start a new one with `fwd = lens.tcp_endpoint()`")
    return fwd


def _remote(ctx):
    import docker
    return ctx.var("remote", docker.DockerClient, "a `docker.DockerClient` that talks TCP to `fwd`")


@LAB.task(1, "`fwd`: the course's mutual-TLS endpoint on 127.0.0.1",
          section="Client and daemon over a network interface: TCP with mutual TLS",
          goal="Keep in `fwd` a running course endpoint that accepts the Docker API over TCP on "
               "127.0.0.1 only, with mutual TLS. An unauthenticated TCP socket would give anyone "
               "who reaches the port root on the host; loopback plus client certificates does not.",
          hints=("The daemon listens on a UNIX socket; the course can open a TCP listener in front "
                 "of it that only accepts clients presenting a certificate its own CA signed.",
                 "`lens.tcp_endpoint()` returns a running `TLSForwarder` (`.url`, `.client()`, "
                 "`.tls_config()`, `.env()`).",
                 "`fwd = lens.tcp_endpoint()`; `fwd` shows its URL"))
def endpoint(ctx):
    fwd = _forwarder(ctx)
    if urlparse(fwd.url).hostname != "127.0.0.1":
        raise Fail(f"`fwd` listens on {fwd.url}: it must listen on 127.0.0.1 only")


@LAB.task(2, "`remote`: an SDK client over TCP + TLS reaching the same daemon",
          section="Client and daemon over a network interface: TCP with mutual TLS",
          goal="Keep in `remote` a Python SDK client that reaches this notebook's daemon through "
               "`fwd`, over TCP with TLS, presenting the course's client certificate. Client and "
               "daemon need not share a machine: only an address and credentials.",
          hints=("A client is configured by where the daemon is (its URL) and how to prove who it "
                 "is (TLS certificates); the same daemon answers, whatever the transport.",
                 "`docker.DockerClient(base_url=..., tls=...)`; `fwd.url` and `fwd.tls_config()` "
                 "hold the address and the certificates (`fwd.client()` does both).",
                 "`remote = fwd.client()` (a `docker.DockerClient(base_url=fwd.url, "
                 "tls=fwd.tls_config())` that ignores a `REQUESTS_CA_BUNDLE` in the environment), "
                 "then `remote.info()[\"ID\"] == client.info()[\"ID\"]`"))
def tcp_client(ctx):
    fwd = _forwarder(ctx)
    remote = _remote(ctx)
    url = urlparse(remote.api.base_url)
    if url.scheme not in ("http", "https"):
        raise Fail(f"`remote` talks to `{remote.api.base_url}`, a local UNIX socket, not TCP on "
                   f"127.0.0.1: make it with the endpoint's URL ({fwd.url})")
    if url.hostname != "127.0.0.1":
        raise Fail(f"`remote` talks TCP to `{url.hostname}:{url.port}`, but `fwd` listens on "
                   f"127.0.0.1:{fwd.port}")
    if url.port != fwd.port:
        raise Fail(f"`remote` talks to port {url.port}, but `fwd` listens on port {fwd.port}")
    if url.scheme != "https":
        raise Fail("`remote` speaks plain HTTP; the endpoint speaks TLS: pass `tls=fwd.tls_config()`")
    try:
        remote_id = _identity(remote, ctx.facts.family)
    except Exception as err:  # SSL errors, refused connections: the learner's client, reported
        raise Fail(f"`remote` could not talk to {fwd.url}: {type(err).__name__}: "
                   f"{str(err)[:160]} (did it present the client certificate?)") from None
    if remote_id != _identity(ctx.client, ctx.facts.family):
        raise Fail("`remote` reaches a different daemon than this notebook's client")


def _identity(client, family: str) -> tuple:
    """What names one daemon: Docker's stable ID; Podman answers a fresh ID per request."""
    info = client.info()
    return (info.get("Name"), info.get("DockerRootDir"), info.get("ID") if family == "docker" else "")


@LAB.task(3, "a volume created over TCP, seen in the wiretap",
          section="Client and daemon over a network interface: TCP with mutual TLS",
          goal="Create a labelled volume `lens.name(\"over-tcp\")` through the TCP endpoint `fwd` "
               "(any client will do: the SDK or the docker CLI, as long as it goes over TCP). The "
               "wiretap records which transport each request came over, and the check asks it.",
          hints=("A request over TCP reaches the same daemon and changes the same state; the "
                 "endpoint relays it through the wiretap, which marks it `via tcp`.",
                 "`remote.volumes.create(...)` with `labels=lens.labels()`, or the CLI with "
                 "`fwd.env()` (`DOCKER_HOST`, `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`) or "
                 "`fwd.docker(...)`.",
                 "`remote.volumes.create(lens.name(\"over-tcp\"), labels=lens.labels())`"))
def volume_over_tcp(ctx):
    fwd = _forwarder(ctx)
    vol = ctx.volume("over-tcp")
    if fwd.accepted < 1:
        raise Fail(f"volume `{vol.name}` exists, but `fwd` has accepted no TLS connection yet: it "
                   "was made over the local socket; remove it and create it through `fwd`")
    sent = ctx.transcript()
    if sent is None:
        return  # the wiretap is off in this kernel: the daemon's state is all we can check
    created = ctx.creations("volumes", vol.name, vol)
    if not created:
        raise Fail(f"volume `{vol.name}` exists, but the wiretap of this notebook never saw it "
                   "created: create it here, through `remote`")
    if not any(e.transport == "tcp" for e in created):
        raise Fail(f"volume `{vol.name}` was created through the local UNIX socket, not over "
                   "TCP: remove it and create it again through `fwd`")


@LAB.preparation
def prepare(client) -> list[str]:
    """Three volumes, one created over TCP through a short-lived endpoint, two over the socket."""
    clear(client, "03")
    if Context.transcript() is None:
        return ["task 4 needs the wiretap, which is not running in this kernel: run the setup "
                "cell, then `lab.prepare()` again"]
    chosen = random.choice(SUSPECTS)
    with TLSForwarder(key="lab03-case").start() as fwd:
        remote = fwd.client()
        try:
            for suffix in SUSPECTS:
                via = remote if suffix == chosen else client
                via.volumes.create(scope.name(suffix), labels=case_labels("03"))
        finally:
            remote.close()
    names = ", ".join(f"`{scope.name(s)}`" for s in SUSPECTS)
    return [f"task 4: volumes {names} were just created by this notebook. Which one came over TCP?"]


@LAB.task(4, "investigation: which volume was created over TCP?",
          section="One request, one path",
          goal="`lab.prepare()` created three volumes (`lens.name(\"case-a\")`, `\"case-b\"`, "
               "`\"case-c\"`); one of them through a TCP endpoint, the others over the UNIX "
               "socket. Put the name of the one that came over TCP in `over_tcp`. The daemon "
               "keeps no record of the transport; the wire does.",
          hints=("The objects look the same on the daemon; the difference is in how the requests "
                 "travelled. The wiretap records each exchange with its transport.",
                 "`lens.wiretap.transcript()`: exchanges with `path` ending in `/volumes/create`, "
                 "their `transport` (`unix` or `tcp`) and `request_preview` (the body, with `Name`).",
                 "`tcp = [e for e in lens.wiretap.transcript() if e.path.endswith(\"/volumes/create\") "
                 "and e.transport == \"tcp\"]`; the body's `Name` (`json.loads(e.request_preview)[\"Name\"]`) "
                 "of the one that is a case volume is `over_tcp`"))
def which_over_tcp(ctx):
    answer = ctx.var("over_tcp", str, "the name of the case volume created over TCP").strip()
    truth = {}
    for suffix in SUSPECTS:
        try:
            vol = ctx.volume(suffix)
        except Fail:
            raise Fail(f"the case volume `{scope.name(suffix)}` is gone: run `lab.prepare()` "
                       "again") from None
        made = ctx.creations("volumes", vol.name, vol)
        if made is None:
            raise Fail("the wiretap is not running in this kernel: run the setup cell, then "
                       "`lab.prepare()`")
        if not made:
            raise Fail(f"this notebook's transcript never saw `{vol.name}` created: run "
                       "`lab.prepare()` again in this kernel")
        truth[vol.name] = made[-1].transport
    answer = answer if answer in truth else scope.name(answer)
    if truth.get(answer) == "tcp":
        return
    if answer in truth:
        raise Fail(f"volume `{answer}` was created over the local UNIX socket (transport "
                   f"`{truth[answer]}` in the transcript), not over TCP")
    raise Fail(f"`over_tcp` is `{answer[:60]}`, which is not one of the case volumes "
               f"({', '.join(f'`{n}`' for n in truth)})")
