"""Lab 06 · networks: a user-defined network with DNS, and a web server on a published port."""
from __future__ import annotations

import urllib.error
import urllib.request

from ..engine import images
from .outcomes import Fail, Pending
from .framework import Lab

LAB = Lab("06", "Networks: names that resolve, ports that answer")


def _attached(ctr, net) -> bool:
    return net.name in (ctr.attrs["NetworkSettings"].get("Networks") or {})


def _networks(ctr) -> str:
    names = sorted(ctr.attrs["NetworkSettings"].get("Networks") or {})
    return ", ".join(f"`{n}`" for n in names) or "no network"


@LAB.task(1, "two containers on a user-defined network",
          section="A user-defined network: names that resolve",
          hint="`net = client.networks.create(lens.name(\"net\"), driver=\"bridge\", "
               "labels=lens.labels())`, then `network=net.name` when you run each container")
def same_network(ctx):
    net = ctx.network("net")
    if net.attrs.get("Driver") != "bridge":
        raise Fail(f"network `{net.name}` uses the `{net.attrs.get('Driver')}` driver; "
                   "this task needs a user-defined `bridge` network")
    for suffix in ("server", "client"):
        ctr = ctx.container(suffix)
        if not _attached(ctr, net):
            raise Fail(f"container `{ctr.name}` is not on network `{net.name}`; it is on "
                       f"{_networks(ctr)}: pass `network=lens.name(\"net\")` when you create it")
    server = ctx.container("server")
    if server.status != "running":
        raise Fail(f"container `{server.name}` is {server.status}: the server must keep running "
                   "(e.g. `command=[\"sleep\", \"3600\"]`) so its name resolves")


@LAB.task(2, "the client resolved the server by name",
          section="A user-defined network: names that resolve",
          within=10, hint="run the client with `command=[\"nslookup\", lens.name(\"server\")]` on "
                          "the same network; the daemon's DNS server (127.0.0.11) answers")
def resolves(ctx):
    net = ctx.network("net")
    server, client = ctx.container("server"), ctx.container("client")
    address = ((server.attrs["NetworkSettings"].get("Networks") or {}).get(net.name) or {}).get("IPAddress")
    if not address:
        raise Fail(f"container `{server.name}` has no address on `{net.name}`: it must be running "
                   "on that network")
    command = " ".join(client.attrs["Config"].get("Cmd") or [])
    if server.name not in command:
        raise Fail(f"the command of `{client.name}` (`{command}`) does not use the name "
                   f"`{server.name}`: resolve the server by its name, not by its address")
    logs = ctx.logs(client)
    if address in logs:
        return
    if client.status == "running" and not logs:
        raise Pending(f"container `{client.name}` is still running and has printed nothing yet")
    last = logs.strip().splitlines()[-1:] or ["nothing"]
    raise Fail(f"the logs of `{client.name}` do not show the server's address {address}; they end "
               f"with `{last[0]}`: is the client on network `{net.name}`, where names resolve?")


def _bindings(ctr) -> dict:
    return {port: hosts for port, hosts in (ctr.attrs["NetworkSettings"].get("Ports") or {}).items()
            if hosts}


@LAB.task(3, "the web image answering on a published port on 127.0.0.1",
          section="A published port, reached from this notebook",
          within=5, hint="`client.containers.run(lens.image(\"web\"), detach=True, "
                         "ports={\"80/tcp\": (\"127.0.0.1\", None)}, ...)`, then read the host "
                         "port from `ctr.ports` after `ctr.reload()`")
def published(ctx):
    ctr = ctx.container("web")
    image = ctr.attrs["Config"]["Image"]
    if image != images.tag("web"):
        raise Fail(f"container `{ctr.name}` runs image `{image}`, not `{images.tag('web')}` "
                   "(`lens.image(\"web\")`): only the web image serves HTTP on port 80")
    if ctr.status != "running":
        raise Fail(f"container `{ctr.name}` is {ctr.status}, not running")
    bound = _bindings(ctr)
    if "80/tcp" not in bound:
        others = ", ".join(f"`{p}`" for p in sorted(bound)) or "no port at all"
        raise Fail(f"container `{ctr.name}` exists but port 80 is not published; it publishes "
                   f"{others}. The web server listens on port 80 inside the container")
    wrong = [h for h in bound["80/tcp"] if h.get("HostIp") != "127.0.0.1"]
    if wrong:
        where = ", ".join(f"{h.get('HostIp') or '0.0.0.0'}:{h['HostPort']}" for h in wrong)
        raise Fail(f"container `{ctr.name}` publishes port 80 on {where}, which other machines "
                   "can reach: bind it to 127.0.0.1 only (`ports={\"80/tcp\": (\"127.0.0.1\", None)}`)")
    url = f"http://127.0.0.1:{bound['80/tcp'][0]['HostPort']}/"
    try:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
        with opener.open(url, timeout=2) as answer:
            if answer.status == 200:
                return
            raise Fail(f"{url} answered HTTP {answer.status}, not 200")
    except (urllib.error.URLError, OSError) as err:
        raise Pending(f"port 80 of `{ctr.name}` is published on {url} but nothing answers "
                      f"there ({getattr(err, 'reason', err)})")
