"""Lab 06 attempts: a user-defined network, resolving by name, a loopback-published port, the holder."""
from __future__ import annotations

import socket
import time
import urllib.request

from .kit import right, wrong

SUSPECTS = ("web-a", "web-b", "web-c")


def _net(env, labels=None):
    return env.client.networks.create(env.name("net"), driver="bridge",
                                      labels=env.labels() if labels is None else labels)


def _server(env, net, command=("sleep", "60")):
    return env.run("server", list(command), network=net.name, wait=False)


def _holder(env) -> str:
    port = str(env.case["port"])
    return next(c.name for c in env.client.containers.list(filters={"label": "dockerlens.case=06"})
                for bound in c.ports.values() if bound for b in bound if b["HostPort"] == port)


def _answers(url: str) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    for _ in range(40):
        try:
            opener.open(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)


# --- wrong -------------------------------------------------------------------------------
@wrong("06.1", "is not on network `lens-")
def client_on_the_default_network(env):
    net = _net(env)
    _server(env, net)
    env.run("client", ["nslookup", env.name("server")])


@wrong("06.1", "exited with code 0: the server must keep running")
def server_ends_at_once(env):
    net = _net(env)
    _server(env, net, ["true"])
    env.client.networks.get(net.id).reload()
    env.run("client", ["nslookup", env.name("server")], network=net.name)
    env.client.containers.get(env.name("server")).wait()


@wrong("06.1", "was running but did not stay running")
def server_sleeps_briefly(env):
    net = _net(env)
    env.run("client", ["true"], network=net.name)
    _server(env, net, ["sleep", "0.6"])


@wrong("06.1", "a network named `lens-")
def network_unlabelled(env):
    net = _net(env, labels={})
    env.closing.append(type("Remover", (), {"close": lambda self: net.remove()})())


@wrong("06.2", "resolve the server by its name, not by its address")
def client_uses_the_address(env):
    net = _net(env)
    server = _server(env, net)
    address = server.attrs["NetworkSettings"]["Networks"][net.name]["IPAddress"]
    env.run("client", ["ping", "-c", "1", address], network=net.name)


@wrong("06.2", "so it has resolved nothing yet")
def client_never_started(env):
    net = _net(env)
    _server(env, net)
    env.client.containers.create(env.image(), ["nslookup", env.name("server")], name=env.name("client"),
                                 labels=env.labels(), network=net.name)


@wrong("06.2", ", not on `lens-")
def client_resolves_from_the_default_network(env):
    net = _net(env)
    _server(env, net)
    env.run("client", ["nslookup", env.name("server")])


@wrong("06.2", "does not use the name `lens-")
def client_resolves_another_name(env):
    net = _net(env)
    _server(env, net)
    env.run("client", ["nslookup", "server"], network=net.name)


@wrong("06.3", "port 80 is not published; it publishes `8080/tcp`")
def publishes_8080(env):
    env.run("web", image="web", wait=False, ports={"8080/tcp": ("127.0.0.1", None)})


@wrong("06.3", "not the course's web image `dockerlens/web:1`")
def runs_the_base_image(env):
    env.run("web", ["sleep", "60"], wait=False, ports={"80/tcp": ("127.0.0.1", None)})


@wrong("06.3", "which other machines can reach")
def publishes_on_every_interface(env):
    env.run("web", image="web", wait=False, ports={"80/tcp": None})


@wrong("06.3", "exited with code 137, i.e. killed by signal 9, not running")
def web_killed(env):
    ctr = env.run("web", image="web", wait=False, ports={"80/tcp": ("127.0.0.1", None)})
    ctr.kill()
    ctr.wait()


@wrong("06.4", "holds 127.0.0.1:", prepare=True)
def holder_guessed(env):
    return {"holder": next(env.name(s) for s in SUSPECTS if env.name(s) != _holder(env))}


@wrong("06.4", "which is not one of the case containers", prepare=True)
def holder_is_the_task_3_server(env):
    return {"holder": env.name("web")}


# --- right -------------------------------------------------------------------------------
@right("06", 1, 2, 3, 4, prepare=True)
def connect_later_and_ping(env):
    net = _net(env)
    server = env.run("server", ["sleep", "300"], wait=False)
    net.connect(server)
    client = env.client.containers.create(env.image(), ["ping", "-c", "1", env.name("server")],
                                          name=env.name("client"), labels=env.labels(), network=net.name)
    client.start()
    client.wait()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env.run("web", image="web", wait=False, ports={80: ("127.0.0.1", port)})
    _answers(f"http://127.0.0.1:{port}/")
    return {"holder": _holder(env)}


@right("06", 1, 2, 3, 4, prepare=True)
def docker_cli(env):
    env.cli("network", "create", *env.label_flags(), env.name("net"))
    env.cli("run", "-d", "--name", env.name("server"), "--network", env.name("net"), *env.label_flags(),
            env.image(), "sleep", "300")
    env.cli("run", "--name", env.name("client"), "--network", env.name("net"), *env.label_flags(),
            env.image(), "sh", "-c", f"nslookup {env.name('server')}")
    env.cli("run", "-d", "--name", env.name("web"), "-p", "127.0.0.1::80", *env.label_flags(), env.image("web"))
    _answers("http://" + env.cli("port", env.name("web"), "80/tcp").splitlines()[0] + "/")
    port = str(env.case["port"])
    found = [n for n in (env.name(s) for s in SUSPECTS) if port in env.cli("port", n, "80/tcp")]
    return {"holder": found[0].removeprefix(env.name(""))}


@right("06", 1, 2, 3, 4, prepare=True)
def low_level_api(env):
    api = env.client.api
    api.create_network(env.name("net"), driver="bridge", labels=env.labels())
    on_net = api.create_networking_config({env.name("net"): api.create_endpoint_config()})
    for suffix, command in (("server", ["sleep", "300"]), ("client", ["nslookup", env.name("server")])):
        made = api.create_container(env.image(), command, name=env.name(suffix), labels=env.labels(),
                                    networking_config=on_net,
                                    host_config=api.create_host_config(network_mode=env.name("net")))
        api.start(made)
    api.wait(env.name("client"))
    made = api.create_container(env.image("web"), name=env.name("web"), labels=env.labels(), ports=[80],
                                host_config=api.create_host_config(port_bindings={80: ("127.0.0.1",)}))
    api.start(made)
    host_port = api.port(made, 80)[0]["HostPort"]
    _answers(f"http://127.0.0.1:{host_port}/")
    return {"holder": _holder(env)}
