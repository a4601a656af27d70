"""The helpers behind lessons 01, 04 and 08, against the real daemon."""
from __future__ import annotations

import io
import time

import pytest

import dockerlens as lens
from dockerlens.show.buildlog import BuildSteps
from dockerlens.show.eventlog import replay
from dockerlens import where
from dockerlens.engine.facts import facts
from dockerlens.engine.host import NamespaceComparison, namespaces, parse_ns_listing

pytestmark = pytest.mark.docker


def test_where_says_local_for_this_machines_socket(client):
    """CI's daemon runs on this machine: same host name and kernel as the notebook."""
    from dockerlens.engine.connect import find_endpoint
    place = where(client, endpoint=find_endpoint()[0])
    assert place.local, place.reason
    assert not where(client, endpoint="tcp://192.0.2.1:2376")  # TEST-NET address: never local


def test_a_container_has_its_own_namespaces(cleanup):
    out = cleanup.containers.run(lens.image("base"), ["ls", "-l", "/proc/self/ns"],
                                 name=lens.name("ns"), labels=lens.labels(), remove=True)
    cmp = NamespaceComparison(parse_ns_listing(out.decode()), namespaces())
    assert {"pid", "net", "mnt", "uts", "ipc"} <= set(cmp.differing)


def test_measure_starts_times_running_containers(cleanup):
    lat = lens.measure_starts(cleanup, lens.image("base"), 3, name=lambda i: lens.name(f"t{i}"),
                              labels=lens.labels())
    assert len(lat.running) == 3 and all(r >= s > 0 for r, s in zip(lat.running, lat.started))
    running = cleanup.containers.list(filters={"name": lens.name("t"), "status": "running"})
    assert len(running) == 3 and lat.median <= lat.p90
    assert "median of 3" in repr(lat)


def test_build_steps_show_the_cache_on_a_second_build(cleanup):
    dockerfile = io.BytesIO(b"FROM dockerlens/base:1\nRUN echo one > /one\nCMD [\"cat\", \"/one\"]\n")
    tag = f"{lens.name('steps')}:1"
    _, log = cleanup.images.build(fileobj=dockerfile, tag=tag, labels=lens.labels(), rm=True,
                                  nocache=True)
    assert [s.status for s in BuildSteps.parse(log)][:3] == ["base image", "ran", "ran"]
    dockerfile.seek(0)
    _, log = cleanup.images.build(fileobj=dockerfile, tag=tag, labels=lens.labels(), rm=True)
    steps = BuildSteps.parse(log)
    ran = steps.ran
    if facts(cleanup).family == "podman":  # Buildah writes labels= as a LABEL step of its own, its
        ran = [s for s in ran if not s.instruction.startswith("LABEL ")]  # keys in no fixed order
    assert not ran, steps
    assert len(steps.cached) >= len(steps) - 1 - (len(steps.ran) - len(ran)), steps


def test_replay_returns_a_containers_life(cleanup):
    t0 = time.time()
    ctr = cleanup.containers.run(lens.image("base"), ["sh", "-c", "exit 2"], name=lens.name("life"),
                                 labels=lens.labels(), detach=True)
    ctr.wait(timeout=30)
    ctr.remove()
    log = replay(cleanup, since=t0 - 1, filters={"container": ctr.id})
    life = [a for a in facts(cleanup).lifecycle_actions if a != "cleanup"]  # Podman's cleanup is optional
    assert [a for a in log.actions("container") if a != "cleanup"] == life
    assert "exitCode=2" in repr(log)


def test_replay_ends_at_until_and_reaches_back_under_load(cleanup):
    """A window that ended before the second container's life holds only the first's; and every
    event is there though the window is over (Podman, asked with ``until``, answered such a
    window with nothing, and a window ending 50 ms ahead with nothing under load)."""
    t0 = time.time()
    first = cleanup.containers.run(lens.image("base"), ["true"], name=lens.name("first"),
                                   labels=lens.labels(), detach=True)
    first.wait(timeout=30)
    first.remove()
    t1 = time.time()
    time.sleep(1.1)  # event times are compared in nanoseconds, but leave the clocks room
    second = cleanup.containers.run(lens.image("base"), ["true"], name=lens.name("second"),
                                    labels=lens.labels(), detach=True)
    second.wait(timeout=30)
    second.remove()
    log = replay(cleanup, since=t0 - 1, until=t1, filters={"container": [first.id, second.id]})
    assert {e["id"] for e in log} == {first.id}, log
    assert {"create", "start", "die", facts(cleanup).removed_action} <= set(log.actions("container"))
