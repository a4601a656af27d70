"""Lab 06 · networks: a user-defined network with DNS, and a web server on a published port."""
from __future__ import annotations

import random
import socket
import urllib.error
import urllib.request

from ..engine import images, scope
from .case import case_labels, clear, question
from .context import describe
from .outcomes import Fail, Pending
from .framework import Lab

LAB = Lab("06", "Networks: names that resolve, ports that answer",
          goal="connect containers on a network of your own where names resolve, publish a port "
               "only on loopback, and find who holds a port.")
SUSPECTS = ("web-a", "web-b", "web-c")


def _attached(ctr, net) -> bool:
    return net.name in (ctr.attrs["NetworkSettings"].get("Networks") or {})


def _networks(ctr) -> str:
    names = sorted(ctr.attrs["NetworkSettings"].get("Networks") or {})
    return ", ".join(f"`{n}`" for n in names) or "no network"


@LAB.task(1, "two containers on a user-defined network",
          section="A user-defined network: names that resolve",
          goal="Put two containers, `lens.name(\"server\")` (which stays running) and "
               "`lens.name(\"client\")`, on a user-defined bridge network `lens.name(\"net\")` "
               "of your own. On the default network containers cannot find each other by name; on "
               "a network you create, the engine's DNS answers for them.",
          hints=("A network is an object of its own; a container joins the networks it is "
                 "attached to, when created or later. The server must keep a process running.",
                 "`client.networks.create(name, driver=..., labels=...)`; `network=` when creating a "
                 "container, or `net.connect(ctr)` (`docker network create`, `--network`).",
                 "`net = client.networks.create(lens.name(\"net\"), driver=\"bridge\", "
                 "labels=lens.labels())`; `client.containers.run(lens.image(\"base\"), [\"sleep\", "
                 "\"3600\"], name=lens.name(\"server\"), network=net.name, labels=lens.labels(), "
                 "detach=True)`"))
def same_network(ctx):
    net = ctx.network("net")
    if net.attrs.get("Driver") != "bridge":
        raise Fail(f"network `{net.name}` uses the `{net.attrs.get('Driver')}` driver; "
                   "this task needs a user-defined `bridge` network")
    for suffix in ("server", "client"):
        ctr = ctx.container(suffix)
        if not _attached(ctr, net):
            raise Fail(f"container `{ctr.name}` is not on network `{net.name}`; it is on "
                       f"{_networks(ctr)}: connect it to `{net.name}` (or create it again there)")
    server = ctx.container("server")
    if server.status != "running":
        raise Fail(f"container `{server.name}` {describe(server)}: the server must keep running "
                   "so that its name resolves; give it a command that does")
    ctx.stays_running(server)


@LAB.task(2, "the client resolved the server by name",
          section="A user-defined network: names that resolve", within=10,
          goal="Make `lens.name(\"client\")` find the server by its name (never its address) and "
               "print the server's address on `lens.name(\"net\")` that the name resolved to. "
               "Addresses change when containers are recreated; names do not.",
          hints=("On a user-defined network the engine runs a DNS server that knows every "
                 "attached container's name; any program that looks a name up will ask it.",
                 "busybox's `nslookup NAME` or `ping -c 1 NAME` print the address a name resolves "
                 "to; the client's logs (`ctr.logs()`) keep what it printed.",
                 "`client.containers.run(lens.image(\"base\"), [\"nslookup\", "
                 "lens.name(\"server\")], name=lens.name(\"client\"), network=lens.name(\"net\"), "
                 "labels=lens.labels(), detach=True)`"))
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
    if client.status == "created":
        raise Fail(f"container `{client.name}` {describe(client)}, so it has resolved nothing yet")
    if not _attached(client, net):
        raise Fail(f"container `{client.name}` is on {_networks(client)}, not on `{net.name}`, so "
                   f"the DNS that knows `{server.name}` never answered it")
    last = logs.strip().splitlines()[-1:] or ["nothing"]
    raise Fail(f"the logs of `{client.name}` do not show the server's address {address}; they end "
               f"with `{last[0]}`")


def _bindings(ctr) -> dict:
    return {port: hosts for port, hosts in (ctr.attrs["NetworkSettings"].get("Ports") or {}).items()
            if hosts}


@LAB.task(3, "the web image answering on a published port on 127.0.0.1",
          section="A published port, reached from this notebook", within=5,
          goal="Run the course's web image as `lens.name(\"web\")` so that its port 80 answers "
               "HTTP from this notebook through a port published on 127.0.0.1 only. A port "
               "published on every interface is reachable by every machine on the network.",
          hints=("A container's ports are private to its network; publishing maps a host address "
                 "and port to one of them. The host address decides who can connect.",
                 "`ports={\"80/tcp\": (host_ip, host_port)}` of `client.containers.run` (`-p "
                 "IP:HOSTPORT:80`); `ctr.ports` after `ctr.reload()` shows the mapping; `None` picks "
                 "a free port.",
                 "`client.containers.run(lens.image(\"web\"), name=lens.name(\"web\"), "
                 "labels=lens.labels(), detach=True, ports={\"80/tcp\": (\"127.0.0.1\", None)})`"))
def published(ctx):
    ctr = ctx.container("web")
    web = ctx.client.images.get(images.tag("web"))
    if ctr.attrs["Image"] != web.id:
        raise Fail(f"container `{ctr.name}` runs image `{ctr.attrs['Config']['Image']}`, not the "
                   f"course's web image `{images.tag('web')}`: only that one serves HTTP on port 80")
    if ctr.status != "running":
        raise Fail(f"container `{ctr.name}` {describe(ctr)}, not running")
    bound = _bindings(ctr)
    if "80/tcp" not in bound:
        others = ", ".join(f"`{p}`" for p in sorted(bound)) or "no port at all"
        raise Fail(f"container `{ctr.name}` exists but port 80 is not published; it publishes "
                   f"{others}. The web server listens on port 80 inside the container")
    wrong = [h for h in bound["80/tcp"] if h.get("HostIp") != "127.0.0.1"]
    if wrong:
        where = ", ".join(f"{h.get('HostIp') or '0.0.0.0'}:{h['HostPort']}" for h in wrong)
        raise Fail(f"container `{ctr.name}` publishes port 80 on {where}, which other machines "
                   "can reach: published ports are fixed at creation, so create it again bound "
                   "to 127.0.0.1 only")
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@LAB.preparation
def prepare(client) -> list[str]:
    """Three web servers on loopback ports; the question names the port one of them holds."""
    clear(client, "06")
    port, holder = _free_port(), random.choice(SUSPECTS)
    for suffix in SUSPECTS:
        client.containers.run(images.tag("web"), name=scope.name(suffix), detach=True,
                              labels=case_labels("06", **{"dockerlens.question": f"127.0.0.1:{port}"}),
                              ports={"80/tcp": ("127.0.0.1", port if suffix == holder else None)})
    return [f"task 4: something on this machine holds port 127.0.0.1:{port} (`case[\"port\"]`). "
            "Which of your containers is it?"], {"port": port}


@LAB.task(4, "investigation: which container holds the port?",
          section="A published port, reached from this notebook",
          goal="`lab.prepare()` started three web servers (`lens.name(\"web-a\")`, `\"web-b\"`, "
               "`\"web-c\"`) and printed a host port on 127.0.0.1 that one of them holds (also "
               "in `case[\"port\"]`, an int). Put that "
               "container's name in `holder`. \"Port is already allocated\" errors start here.",
          hints=("A published port is part of a container's network settings: the daemon knows "
                 "which host address and port map to which container port.",
                 "`ctr.ports` (after `ctr.reload()`) or `ctr.attrs[\"NetworkSettings\"][\"Ports\"]`; "
                 "`docker ps` and `docker port` show the same; list with `filters=lens.filters()`.",
                 "`holder = [c.name for c in client.containers.list(filters=lens.filters()) "
                 "if any(h[\"HostPort\"] == str(case[\"port\"]) for hs in c.ports.values() if hs "
                 "for h in hs)][0]`"))
def port_holder(ctx):
    answer = ctx.var("holder", str, "the name of the container holding the port").strip()
    cases = {}
    for suffix in SUSPECTS:
        try:
            cases[scope.name(suffix)] = ctx.container(suffix)
        except Fail:
            raise Fail(f"the case container `{scope.name(suffix)}` is gone: run `lab.prepare()` "
                       "again") from None
    asked = question(next(iter(cases.values())))
    port = asked.rpartition(":")[2]
    holders = [n for n, c in cases.items()
               if any(h.get("HostPort") == port for h in (_bindings(c).get("80/tcp") or []))]
    if not holders:
        raise Fail(f"none of the case containers holds {asked} any more: run `lab.prepare()` again")
    answer = answer if answer in cases else scope.name(answer)
    if answer == holders[0]:
        return
    if answer in cases:
        held = ", ".join(f"127.0.0.1:{h['HostPort']}" for h in _bindings(cases[answer]).get("80/tcp", []))
        raise Fail(f"`{answer}` holds {held or 'no published port'}, not {asked}")
    raise Fail(f"`holder` is `{answer[:60]}`, which is not one of the case containers "
               f"({', '.join(f'`{n}`' for n in cases)})")
