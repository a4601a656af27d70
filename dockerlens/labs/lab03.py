"""Lab 03 · architecture: reach the daemon over TCP on 127.0.0.1, with mutual TLS, and act there."""
from __future__ import annotations

from urllib.parse import urlparse

from .outcomes import Fail
from .framework import Lab
from ..wire.remote import TLSForwarder

LAB = Lab("03", "Architecture: the daemon over a network interface")


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
          hint="`fwd = lens.tcp_endpoint()` listens on `tcp://127.0.0.1:PORT` and relays to the daemon; "
               "it refuses clients without a certificate signed by the course CA")
def endpoint(ctx):
    fwd = _forwarder(ctx)
    if urlparse(fwd.url).hostname != "127.0.0.1":
        raise Fail(f"`fwd` listens on {fwd.url}: it must listen on 127.0.0.1 only")


@LAB.task(2, "`remote`: an SDK client over TCP + TLS reaching the same daemon",
          section="Client and daemon over a network interface: TCP with mutual TLS",
          hint="`remote = fwd.client()`, i.e. `docker.DockerClient(base_url=fwd.url, "
          "tls=fwd.tls_config())`; a client without the course's certificate is refused")
def tcp_client(ctx):
    fwd = _forwarder(ctx)
    remote = _remote(ctx)
    url = urlparse(remote.api.base_url)
    if url.scheme not in ("http", "https") or url.hostname != "127.0.0.1":
        raise Fail(f"`remote` talks to `{remote.api.base_url}`, a local socket, not TCP on "
                   f"127.0.0.1: make it with `base_url=fwd.url` ({fwd.url})")
    if url.port != fwd.port:
        raise Fail(f"`remote` talks to port {url.port}, but `fwd` listens on port {fwd.port}")
    if url.scheme != "https":
        raise Fail("`remote` speaks plain HTTP; the endpoint speaks TLS: pass `tls=fwd.tls_config()`")
    try:
        remote_id = remote.info()["ID"]
    except Exception as err:  # SSL errors, refused connections: the learner's client, reported
        raise Fail(f"`remote` could not talk to {fwd.url}: {type(err).__name__}: "
                   f"{str(err)[:160]} (did it present the client certificate?)") from None
    if remote_id != ctx.client.info()["ID"]:
        raise Fail("`remote` reaches a different daemon than this notebook's client")


@LAB.task(3, "a volume created through `remote`, seen in the wiretap",
          section="Client and daemon over a network interface: TCP with mutual TLS",
          hint="`remote.volumes.create(lens.name(\"over-tcp\"), labels=lens.labels())`; the forwarder "
               "relays through the wiretap, so the request shows in `lens.wiretap` transcripts")
def volume_over_tcp(ctx):
    fwd = _forwarder(ctx)
    vol = ctx.volume("over-tcp")
    if fwd.accepted < 1:
        raise Fail("`fwd` has accepted no TLS connection yet: create the volume through `remote`")
    sent = ctx.transcript()
    if sent is None:
        return  # the wiretap is off in this kernel: the daemon's state is all we can check
    created = [e for e in sent if e.method == "POST" and e.path.endswith("/volumes/create")
               and e.status == 201 and vol.name in e.request_preview]
    if not created:
        raise Fail(f"volume `{vol.name}` exists, but the wiretap of this notebook never saw it "
                   "created: create it here, through `remote`")
    if not any(e.transport == "tcp" for e in created):
        raise Fail(f"volume `{vol.name}` was created through the local UNIX socket, not over "
                   "TCP: remove it and create it with `remote`, the client connected to `fwd`")
