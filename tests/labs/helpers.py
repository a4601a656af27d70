"""Helpers for lab tests: solve a lab for the current learner (the attempt corpus is in corpus/)."""
from __future__ import annotations

import threading
import time

from dockerlens.engine import images, scope
from dockerlens.engine.facts import facts
from dockerlens.engine.history import past_events
from dockerlens.labs import lab


def run(client, suffix: str, command=None, image: str = "base", wait: bool = True, **kw):
    """Run a labelled container ``lens.name(suffix)``; wait for it unless told not to."""
    ctr = client.containers.run(images.tag(image) if "/" not in image and ":" not in image else image,
                                command, name=scope.name(suffix), labels=kw.pop("labels", scope.labels()),
                                detach=True, **kw)
    if wait:
        ctr.wait()
    ctr.reload()
    return ctr


def solve(number: str, client) -> dict:
    """The reference solution of a lab (for tests that need a solved lab); returns its variables."""
    if number == "06":
        net = client.networks.create(scope.name("net"), driver="bridge", labels=scope.labels())
        run(client, "server", ["sleep", "3600"], network=net.name, wait=False)
        run(client, "client", ["nslookup", scope.name("server")], network=net.name)
        run(client, "web", image="web", ports={"80/tcp": ("127.0.0.1", None)}, wait=False)
        port = str(lab("06").prepare(client)["port"])
        holder = next(c.name for c in client.containers.list(filters=scope.filters("06"))
                      for bound in c.ports.values() if bound for b in bound if b["HostPort"] == port)
        return {"holder": holder}
    if number == "08":
        seen: list[dict] = []
        from dockerlens import connect
        watcher_client = connect()  # a client per thread: requests.Session is not thread-safe
        watcher_stream = watcher_client.events(decode=True, filters={"container": scope.name("life")})

        def watch():
            for event in watcher_stream:
                seen.append(event)
                if event.get("Action") == facts(client).removed_action:
                    break
        thread = threading.Thread(target=watch, daemon=True)
        thread.start()
        ctr = run(client, "life", ["sh", "-c", "exit 7"])
        ctr.remove()
        thread.join(10)
        watcher_stream.close()
        watcher_client.close()
        lab("08").prepare(client)
        flaky = client.containers.get(scope.name("case-flaky"))
        starts = sum(e["Action"] == "start" for e in past_events(
            client, int(time.time()) - 600, filters={"container": flaky.id}))
        return {"seen": seen, "exit_code": 7, "starts": starts}
    raise KeyError(number)
