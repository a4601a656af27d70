"""What the wiretap costs: a lesson-like workload with and without the proxy in between.

20 rounds of run → wait → logs → remove of a ``dockerlens/base:1`` echo, each round once
straight to the daemon and once through a private wiretap proxy (its own transcript), the
order alternating per round so that drift on a shared machine hits both sides alike. The
figure of record is the median of the per-round ratios (target ≤ 1.05). A second pair of
figures isolates the proxy's cost per request with ``GET /_ping``.
"""
from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time

from . import Figure
from ..engine.connect import socket_path
from ..wire.wiretap import daemon_endpoint
from ..engine.scope import name
from ..engine.images import tag
from ..wire.proxy import Proxy
from ..engine.scope import labels
from ..wire.wiretap import Transcript
from ..engine.scope import acting_as, reset

ROUNDS = int(os.environ.get("DOCKERLENS_BENCH_WIRETAP_ROUNDS", "20"))
PINGS = 300
LEARNER = "bench-wiretap"


def _daemon_socket() -> str:
    url = daemon_endpoint()
    try:
        return socket_path(url)
    except ValueError:
        raise SystemExit(f"the wiretap benchmark needs a unix:// daemon endpoint, not {url}") from None


def _round(client, image: str, i: int, labels: dict) -> float:
    """Seconds for one run/wait/logs/remove of an echo container."""
    started = time.perf_counter()
    ctr = client.containers.run(image, ["echo", f"round {i}"], name=name(f"bench-wt-{i}"),
                                labels=labels, detach=True)
    ctr.wait()
    assert ctr.logs() == f"round {i}\n".encode()
    ctr.remove()
    return time.perf_counter() - started


def _pings(client, n: int = PINGS) -> float:
    """Median seconds of one ``GET /_ping``."""
    times = []
    for _ in range(n):
        started = time.perf_counter()
        client.api.ping()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run() -> list[Figure]:
    import docker


    with acting_as(LEARNER):
        return _measure(docker)


def _measure(docker) -> list[Figure]:
    directory = tempfile.mkdtemp(prefix="dockerlens-bench-")
    upstream = _daemon_socket()
    transcript = Transcript()
    proxy = Proxy(os.path.join(directory, "docker.sock"), upstream,
                  on_exchange=transcript.observe).start()
    direct = docker.DockerClient(base_url=f"unix://{upstream}", version=None)
    tapped = docker.DockerClient(base_url=proxy.url, version=None)
    image, marks = tag("base"), labels("bench")
    try:
        _round(direct, image, 0, marks), _round(tapped, image, 0, marks)  # warm up both paths
        plain, wired = [], []
        for i in range(ROUNDS):
            sides = [(direct, plain), (tapped, wired)]
            for client, out in (sides if i % 2 == 0 else sides[::-1]):
                out.append(_round(client, image, i, marks))
        ping_direct, ping_tapped = _pings(direct), _pings(tapped)
    finally:
        reset(direct)
        direct.close(), tapped.close()
        proxy.stop()
        shutil.rmtree(directory, ignore_errors=True)
    ratio = statistics.median(w / p for w, p in zip(wired, plain))
    return [
        Figure("run/wait/logs/remove, straight to the daemon", statistics.median(plain) * 1000, "ms",
               note=f"{ROUNDS} rounds"),
        Figure("run/wait/logs/remove, through the wiretap", statistics.median(wired) * 1000, "ms",
               note=f"{len(transcript)} exchanges recorded"),
        Figure("wiretap / direct (median of per-round ratios)", ratio, "×", "≤ 1.05",
               f"alternating order, one process; ratio of medians "
               f"{statistics.median(wired) / statistics.median(plain):.3f}"),
        Figure("GET /_ping, direct", ping_direct * 1e6, "µs", note=f"median of {PINGS}"),
        Figure("GET /_ping, through the wiretap", ping_tapped * 1e6, "µs",
               note=f"+{(ping_tapped - ping_direct) * 1e6:.0f} µs per request"),
    ]
