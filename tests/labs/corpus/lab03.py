"""Lab 03 attempts: the TLS endpoint, a client over TCP, a volume over TCP, which came over TCP."""
from __future__ import annotations

import json
import time

from .kit import right, wrong

SUSPECTS = ("case-a", "case-b", "case-c")


def _fwd(env):
    from dockerlens.wire.remote import TLSForwarder
    fwd = TLSForwarder(key=f"test-{time.monotonic_ns()}").start()
    env.closing.append(fwd)
    return fwd


def _remote(env, fwd, **kw):
    remote = fwd.client(**kw)
    env.closing.append(remote)
    return remote


def _over_tcp(env, kind=("transport", "tcp")) -> str:
    from dockerlens.wire import wiretap
    names = [json.loads(e.request_preview)["Name"] for e in wiretap.transcript()
             if e.path.endswith("/volumes/create") and getattr(e, kind[0]) == kind[1]]
    return [n for n in names if n in {env.name(s) for s in SUSPECTS}][-1]


# --- wrong -------------------------------------------------------------------------------
@wrong("03.1", "is stopped: start a new one")
def endpoint_stopped(env):
    fwd = _fwd(env)
    fwd.stop()
    return {"fwd": fwd}


@wrong("03.1", "`fwd` is a str, but this task needs a TLSForwarder")
def endpoint_as_its_url(env):
    return {"fwd": _fwd(env).url}


@wrong("03.2", "a local UNIX socket, not TCP on 127.0.0.1")
def remote_is_the_local_client(env):
    return {"fwd": _fwd(env), "remote": env.client}


@wrong("03.2", "speaks plain HTTP; the endpoint speaks TLS")
def remote_without_tls(env):
    import docker
    fwd = _fwd(env)
    plain = docker.DockerClient(base_url=fwd.url, version="1.41")  # "auto" would fail right here
    env.closing.append(plain)
    return {"fwd": fwd, "remote": plain}


@wrong("03.2", "(did it present the client certificate?)")
def remote_without_client_certificate(env):
    import docker
    fwd = _fwd(env)
    anonymous = docker.DockerClient(base_url=fwd.url, tls=fwd.tls_config(client_cert=False),
                                    version="1.41")
    anonymous.api.trust_env = False
    env.closing.append(anonymous)
    return {"fwd": fwd, "remote": anonymous}


@wrong("03.2", "but `fwd` listens on port")
def remote_to_another_endpoint(env):
    fwd, other = _fwd(env), _fwd(env)
    return {"fwd": fwd, "remote": _remote(env, other)}


@wrong("03.2", "`remote` is a TLSForwarder, but this task needs a DockerClient")
def remote_is_the_endpoint(env):
    fwd = _fwd(env)
    return {"fwd": fwd, "remote": fwd}


@wrong("03.3", "but `fwd` has accepted no TLS connection yet")
def volume_made_locally(env):
    env.client.volumes.create(env.name("over-tcp"), labels=env.labels())
    return {"fwd": _fwd(env)}


@wrong("03.3", "was created through the local UNIX socket, not over TCP")
def volume_made_locally_while_remote_connected(env):
    fwd = _fwd(env)
    _remote(env, fwd).ping()
    env.client.volumes.create(env.name("over-tcp"), labels=env.labels())
    return {"fwd": fwd}


@wrong("03.3", "exists but does not carry your course labels")
def volume_over_tcp_unlabelled(env):
    fwd = _fwd(env)
    vol = _remote(env, fwd).volumes.create(env.name("over-tcp"))
    env.closing.append(type("Remover", (), {"close": lambda self: vol.remove()})())
    return {"fwd": fwd}


@wrong("03.4", "was created over the local UNIX socket (transport `unix`", prepare=True)
def over_tcp_guessed(env):
    return {"over_tcp": _over_tcp(env, ("transport", "unix"))}


@wrong("03.4", "which is not one of the case volumes", prepare=True)
def over_tcp_is_task_3s_volume(env):
    return {"over_tcp": env.name("over-tcp")}


@wrong("03.4", "is gone: run `lab.prepare()` again")
def over_tcp_without_prepare(env):
    return {"over_tcp": env.name("case-a")}


# --- right -------------------------------------------------------------------------------
@right("03", 1, 2, 3, 4, prepare=True)
def low_level_api_over_tcp(env):
    fwd = _fwd(env)
    remote = _remote(env, fwd)
    remote.api.create_volume(env.name("over-tcp"), labels=env.labels())
    return {"fwd": fwd, "remote": remote, "over_tcp": _over_tcp(env)}


@right("03", 1, 2, 3, 4, prepare=True)
def docker_cli_over_tcp(env):
    fwd = _fwd(env)
    env.cli("volume", "create", *env.label_flags(), env.name("over-tcp"),
            env={**fwd.env(), "DOCKER_CONFIG": str(fwd.directory / "cli")})
    from dockerlens.wire import wiretap
    tcp = [e for e in wiretap.transcript() if e.transport == "tcp" and "/volumes/create" in e.path]
    answer = next(json.loads(e.response_preview)["Name"] for e in reversed(tcp)
                  if json.loads(e.response_preview)["Name"].startswith(env.name("case-")))
    return {"fwd": fwd, "remote": _remote(env, fwd), "over_tcp": answer.removeprefix(env.name(""))}


@right("03", 1, 2, 3, 4, prepare=True)
def sdk_client_made_by_hand(env):
    import docker
    from dockerlens.engine.environ import environment
    fwd = _fwd(env)
    with environment(REQUESTS_CA_BUNDLE=None, CURL_CA_BUNDLE=None):  # they would replace the course CA
        remote = docker.DockerClient(base_url=fwd.url.replace("tcp://", "https://"), tls=fwd.tls_config())
    remote.api.trust_env = False
    env.closing.append(remote)
    remote.volumes.create(name=env.name("over-tcp"), labels=env.labels())
    return {"fwd": fwd, "remote": remote, "over_tcp": _over_tcp(env)}
