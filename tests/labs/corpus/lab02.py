"""Lab 02 attempts: the SDK's container (and which client made it), raw HTTP, the failed request."""
from __future__ import annotations

import json

from .kit import right, wrong

MESSAGE = "made with the SDK"


def _target(env, **kw):
    return env.run("sdk", ["echo", MESSAGE], labels=env.labels(role="target"), **kw)


def _failed(env):
    from dockerlens.wire import wiretap
    return [e for e in wiretap.transcript() if e.path.endswith("/containers/create")
            and (e.status or 0) >= 400 and env.name("case-typo") in e.query][-1]


# --- wrong -------------------------------------------------------------------------------
@wrong("02.1", "has no `role` label; it needs `role=target`")
def sdk_without_role(env):
    env.run("sdk", ["echo", MESSAGE])


@wrong("02.1", "has `role=tagret`; it needs `role=target`")
def sdk_role_misspelt(env):
    env.run("sdk", ["echo", MESSAGE], labels=env.labels(role="tagret"))


@wrong("02.1", "was created by the docker CLI (Docker-Client/")
def sdk_made_by_the_cli(env):
    env.cli("run", "--name", env.name("sdk"), *env.label_flags(role="target"), env.image(), "echo", MESSAGE)


@wrong("02.1", "was created by raw HTTP (")
def sdk_made_by_raw_http(env):
    body = json.dumps({"Image": env.image(), "Cmd": ["echo", MESSAGE],
                       "Labels": env.labels(role="target")}).encode()
    env.raw(f"POST /containers/create?name={env.name('sdk')} HTTP/1.0\r\nHost: docker\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
    env.client.containers.get(env.name("sdk")).start()


@wrong("02.1", "the wiretap of this notebook never saw `lens-")
def sdk_made_in_another_kernel(env):
    from dockerlens import connect
    direct = connect(env.daemon)  # straight to the daemon: this notebook's wiretap never sees it
    try:
        direct.containers.run(env.image(), ["echo", MESSAGE], name=env.name("sdk"),
                              labels=env.labels(role="target"), detach=True).wait()
    finally:
        direct.close()


@wrong("02.1", "printed `hello`, not `made with the SDK`")
def sdk_prints_something_else(env):
    env.run("sdk", ["echo", "hello"], labels=env.labels(role="target"))


@wrong("02.1", "was created but never started, so its command has not run: start it")
def sdk_never_started(env):
    env.client.containers.create(env.image(), ["echo", MESSAGE], name=env.name("sdk"),
                                 labels=env.labels(role="target"))


@wrong("02.2", "does not start with an HTTP status line")
def raw_is_the_sdk_answer(env):
    ctr = _target(env)
    return {"raw": json.dumps(env.client.api.containers(all=True)).encode(), "target": ctr.id}


@wrong("02.2", "only `?all=1` lists stopped containers too")
def raw_without_all(env):
    ctr = _target(env)
    return {"raw": env.get("/containers/json"), "target": ctr.id}


@wrong("02.2", "holds an HTTP 404 answer, not 200")
def raw_wrong_path(env):
    _target(env)
    return {"raw": env.get("/containerz/json"), "target": "x"}


@wrong("02.2", ", not the ID of `lens-")
def raw_target_is_another_container(env):
    _target(env)
    other = env.run("other", ["true"])
    return {"raw": env.get("/containers/json?all=1"), "target": other.id}


@wrong("02.2", "is not complete JSON: read until the socket closes")
def raw_read_once(env):
    ctr = _target(env)
    raw = env.get("/containers/json?all=1")
    return {"raw": raw[:raw.index(b"\r\n\r\n") + 40], "target": ctr.id}


@wrong("02.2", "`raw` names the server `nobody`")
def raw_written_by_hand(env):
    ctr = _target(env)
    listing = json.dumps(env.client.api.containers(all=True)).encode()
    fake = b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\n\r\n" + listing
    return {"raw": fake, "target": ctr.id}


@wrong("02.3", "(the status of a successful create)", prepare=True)
def failed_status_guessed(env):
    return {"failed_status": 201, "asked_for": json.loads(_failed(env).request_preview)["Image"]}


@wrong("02.3", "`failed_status` is a str", prepare=True)
def failed_status_as_text(env):
    return {"failed_status": str(_failed(env).status)}


@wrong("02.3", "an image that exists: the failed request asked for another one", prepare=True)
def asked_for_what_it_should_have(env):
    return {"failed_status": _failed(env).status, "asked_for": env.image()}


@wrong("02.3", "read `Image` in the request body", prepare=True)
def asked_for_the_container_name(env):
    return {"failed_status": _failed(env).status, "asked_for": env.name("case-typo")}


# --- right -------------------------------------------------------------------------------
def _listing_answer(raw: bytes) -> str:
    from dockerlens.engine import scope
    head, _, body = raw.partition(b"\r\n\r\n")
    if b"chunked" in head.lower():
        out, rest = b"", body
        while rest:
            size, _, rest = rest.partition(b"\r\n")
            if int(size, 16) == 0:
                break
            out, rest = out + rest[:int(size, 16)], rest[int(size, 16) + 2:]
        body = out
    return next(c["Id"] for c in json.loads(body) if (c["Labels"] or {}).get("role") == "target"
                and c["Labels"].get(scope.LEARNER) == scope.learner())


@right("02", 1, 2, 3, prepare=True)
def create_then_start_and_the_daemons_own_socket(env):
    ctr = env.client.containers.create(env.image(), ["sh", "-c", f"echo {MESSAGE}"],
                                       name=env.name("sdk"), labels=env.labels(role="target"))
    ctr.start()
    ctr.wait()
    raw = env.get("/containers/json?all=1", via=env.daemon)  # the socket the setup line printed
    ex = _failed(env)
    return {"raw": raw, "target": _listing_answer(raw), "failed_status": ex.status,
            "asked_for": "docker.io/" + json.loads(ex.request_preview)["Image"]}


@right("02", 1, 2, 3, prepare=True)
def low_level_api_and_http_1_1_chunked(env):
    api = env.client.api
    made = api.create_container(env.image(), ["echo", MESSAGE], name=env.name("sdk"),
                                labels=env.labels(role="target"))
    api.start(made["Id"])
    api.wait(made["Id"])
    raw = env.raw(b"GET /containers/json?all=true HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n")
    from dockerlens.show.explain import explain
    ex = _failed(env)
    return {"raw": raw.decode("latin-1"), "target": _listing_answer(raw)[:12],
            "failed_status": int(ex.status), "asked_for": json.loads(ex.request_preview)["Image"],
            "_explained": explain(ex)}


@right("02", 1, 2, 3, prepare=True)
def course_raw_http_helper(env):
    import dockerlens as lens
    env.client.containers.run(env.image(), ["echo", MESSAGE], name=env.name("sdk"),
                              labels=env.labels(role="target"), detach=True).wait()
    answer = lens.raw_http("GET", "/containers/json?all=1", endpoint=env.proxy)
    raw = answer.raw
    ex = _failed(env)
    return {"raw": raw, "target": _listing_answer(raw), "failed_status": ex.status,
            "asked_for": json.loads(ex.request_preview)["Image"]}
