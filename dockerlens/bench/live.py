"""Live diagrams: event → SVG latency, and object-graph build+render time at 50 and 200 objects.

``python -m dockerlens.bench live``. Objects are this learner's, labelled with lesson
``bench-live``, created (containers created, never started) and removed by the benchmark.
"""
from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from . import Figure
from ..engine.scope import reset as scope_reset
from ..engine.connect import connect
from ..engine import scope
from ..live import EventFollower, wait_until, watch
from ..diagrams import ObjectGraph, Snapshot
from ..engine.images import tag
from ..engine.scope import labels, name

LESSON = "bench-live"
EVENTS = 15


def reset(client, lesson: str) -> None:
    """scope.reset, retried: a container vanishing mid-listing raises NotFound in the SDK."""
    import docker.errors
    for attempt in range(3):
        try:
            scope_reset(client, lesson)
            return
        except docker.errors.NotFound:
            time.sleep(0.2)
    scope_reset(client, lesson)


def run() -> list[Figure]:
    client = connect()
    try:
        figures = [event_to_svg(client)]
        for size in (50, 200):
            figures += graph_time(client, size)
        return figures
    finally:
        reset(client, LESSON)
        client.close()


def event_to_svg(client) -> Figure:
    """Median time from a daemon event (its own timestamp) to the redrawn SVG reaching the sink."""
    frames: list[tuple[float, str]] = []
    stamps: dict[str, float] = {}
    clock = EventFollower(lambda e: stamps.setdefault(e["Actor"]["ID"], e["timeNano"] / 1e9),
                          filters={"type": ["volume"], "event": ["create"]}).start()
    panel = watch(key="bench", sink=lambda svg: frames.append((time.time(), svg)))
    latencies = []
    try:
        wait_until(lambda: clock.status == panel.follower.status == "following", 5)
        for i in range(EVENTS):
            short = f"benchev{i:02d}"            # as the graph labels it (no "-": SVG escapes it)
            name = scope.name(short)
            client.volumes.create(name, labels=scope.labels(LESSON))
            shown = f">{short}<"
            if wait_until(lambda: any(shown in svg for _, svg in frames) and name in stamps, 3):
                drawn = next(t for t, svg in frames if shown in svg)
                latencies.append(drawn - stamps[name])
            time.sleep(0.25)  # let the renderer's 200 ms window pass: measure one event, not a burst
    finally:
        panel.stop()
        clock.stop()
    return Figure("event → SVG update (live panel)", statistics.median(latencies) * 1000, "ms",
                  "≤ 150 ms", f"{len(latencies)}/{EVENTS} volume create events")


def graph_time(client, size: int) -> list[Figure]:
    """Make ``size`` course objects, then time snapshot, build+render, and both, 5 times each."""
    reset(client, LESSON)
    populate(client, size)
    snaps, renders, totals = [], [], []
    for _ in range(5):
        t0 = time.perf_counter()
        snap = Snapshot.take(client, lesson=LESSON)
        t1 = time.perf_counter()
        ObjectGraph(snap).svg()
        t2 = time.perf_counter()
        snaps.append(t1 - t0)
        renders.append(t2 - t1)
        totals.append(t2 - t0)
    count = len(snap)
    reset(client, LESSON)
    note = f"{count} objects ({len(snap.containers)} containers)"
    return [Figure(f"object graph build+render, {size} objects", statistics.median(renders) * 1000,
                   "ms", "≤ 250 ms at 200" if size == 200 else "", note),
            Figure(f"snapshot (4 list requests), {size} objects", statistics.median(snaps) * 1000,
                   "ms", "", note),
            Figure(f"snapshot + build + render, {size} objects", statistics.median(totals) * 1000,
                   "ms", "", note)]


def populate(client, size: int) -> None:
    """Half containers (created, not started), 40 % volumes, 10 % networks, wired together."""
    nets = max(1, size // 10)
    vols = size * 4 // 10
    ctrs = size - nets - vols
    lab = labels(LESSON)
    net_names = [name(f"bench-net{i}") for i in range(nets)]
    vol_names = [name(f"bench-vol{i}") for i in range(vols)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: client.networks.create(n, labels=lab, internal=True), net_names))
        list(pool.map(lambda n: client.volumes.create(n, labels=lab), vol_names))
        list(pool.map(lambda i: client.containers.create(
            tag("base"), ["true"], name=name(f"bench-ctr{i}"), labels=lab,
            network=net_names[i % nets], volumes={vol_names[i % vols]: {"bind": "/data"}}),
            range(ctrs)))
