"""The live panels against the real daemon: events seen, threads stopped, one panel per key."""
from __future__ import annotations

import threading
import time

import pytest

import dockerlens as lens
from dockerlens.engine.facts import facts
from dockerlens.live import EventFollower, diff, wait_until, watch

pytestmark = pytest.mark.docker


def our_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("dockerlens-")]


def test_follower_sees_create_start_die_destroy(cleanup):
    client = cleanup
    seen: list[tuple[str, str]] = []
    name = lens.name("follow")
    follower = EventFollower(lambda e: seen.append((e.get("Action"), e["Actor"]["Attributes"].get("name"))),
                             filters={"type": ["container"], "label": [f"dockerlens.learner={lens.learner()}"]}).start()
    try:
        assert wait_until(lambda: follower.status == "following", 5)
        ctr = client.containers.create(lens.image("base"), ["true"], name=name, labels=lens.labels())
        ctr.start()
        ctr.wait(timeout=10)
        ctr.remove()
        wanted = [a for a in facts(client).lifecycle_actions if a != "cleanup"]  # Podman's cleanup is optional
        assert wait_until(lambda: all((a, name) in seen for a in wanted), 5), seen
        actions = [a for a, n in seen if n == name]
        assert [a for a in actions if a in wanted] == wanted
    finally:
        follower.stop()


def test_stop_returns_promptly_and_leaves_no_thread():
    follower = EventFollower(lambda e: None, name="dockerlens-events-stoptest").start()
    assert wait_until(lambda: follower.status == "following", 5)
    started = time.monotonic()
    follower.stop()
    assert time.monotonic() - started < 3  # prompt: not left waiting on the endless events stream
    assert not follower.alive
    assert "dockerlens-events-stoptest" not in our_threads()


def test_watch_redraws_on_an_event_and_a_rerun_leaves_one_panel(cleanup):
    client = cleanup
    frames: list[str] = []
    first = watch(sink=frames.append)
    second = watch(sink=frames.append)          # the cell run again
    try:
        assert not first.running and second.running
        assert sum(n.startswith("dockerlens-events-watch") for n in our_threads()) == 1
        assert wait_until(lambda: second.follower.status == "following", 5)
        before = len(frames)
        vol = client.volumes.create(lens.name("watched"), labels=lens.labels())
        assert wait_until(lambda: len(frames) > before and "watched" in frames[-1], 3), frames[-1:]
        assert "dockerd" in frames[-1] and "dockerlens-architecture" in frames[-1]
        vol.remove()
        assert wait_until(lambda: "watched" not in frames[-1], 3)
    finally:
        second.stop()
    assert not second.running
    assert not [n for n in our_threads() if n.startswith(("dockerlens-events", "dockerlens-render"))]


def test_diff_reports_what_a_block_changed(cleanup):
    client = cleanup
    with diff(show=False) as d:
        net = client.networks.create(lens.name("appnet"), labels=lens.labels())
        vol = client.volumes.create(lens.name("data"), labels=lens.labels())
        ctr = client.containers.run(lens.image("web"), name=lens.name("web"), labels=lens.labels(),
                                    detach=True)
    assert d.lines == ["+ container web (running)", "+ network appnet", "+ volume data"]
    with diff(show=False) as d:
        net.connect(ctr)
        vol.remove()
    assert d.lines == ["~ web: connected to appnet", "- volume data"]
    assert "connected to appnet" in d._repr_html_()


def test_object_graph_of_the_live_daemon_course_only_or_everything(cleanup):
    client = cleanup
    from dockerlens.diagrams import objects
    net = client.networks.create(lens.name("graphnet"), labels=lens.labels())
    ctr = client.containers.create(lens.image("base"), ["true"], name=lens.name("graphed"),
                                   labels=lens.labels(), network=net.name)
    stranger = client.volumes.create(f"{lens.learner()}-not-a-course-object")  # no labels
    try:
        mine = objects(client)
        assert [c["Id"] for c in mine.snapshot.containers] == [ctr.id]
        assert [n["Name"] for n in mine.snapshot.networks] == [net.name]
        assert stranger.name not in {v["Name"] for v in mine.snapshot.volumes}
        assert "graphed" in mine.svg() and "created" in repr(mine)
        everything = objects(client, everything=True)
        assert stranger.name in {v["Name"] for v in everything.snapshot.volumes}
        assert "<svg" in everything.svg()
    finally:
        stranger.remove()
