"""The pure parts of the live panels: state diff lines and the renderer's coalescing."""
from __future__ import annotations

import copy
import threading
import time
from pathlib import Path

from dockerlens.diagrams import Snapshot
from dockerlens.live import Renderer, changes, wait_until

FIXTURE = Path(__file__).with_name("fixtures") / "course_state.json"


def test_diff_lines_for_create_change_and_remove():
    before = Snapshot.load(FIXTURE)
    after = copy.deepcopy(before)
    web = next(c for c in after.containers if c["Names"][0].endswith("-web"))
    web["NetworkSettings"]["Networks"]["lens-fixture-backnet"] = {}
    web["State"] = "exited"
    nap = next(c for c in after.containers if c["Names"][0].endswith("-nap"))
    after.containers.remove(nap)
    after.volumes = []
    extra = copy.deepcopy(nap)
    extra.update(Id="f" * 64, Names=["/lens-fixture-new"], State="running")
    after.containers.append(extra)
    lines = [str(c) for c in changes(before, after)]
    assert lines == ["~ web: running → exited", "~ web: connected to backnet",
                     "+ container new (running)", "- container nap", "- volume data"]


def test_shared_course_images_are_not_this_learners_change():
    before = Snapshot.load(FIXTURE)
    after = copy.deepcopy(before)
    after.images = []
    assert changes(before, after) == []


def test_renderer_coalesces_a_burst_and_skips_unchanged_frames():
    seen: list[str] = []
    calls = []
    state = {"n": 0}

    def frame() -> str:
        calls.append(time.monotonic())
        return f"<svg>{state['n']}</svg>"

    r = Renderer(frame, seen.append, interval=0.2).start()
    try:
        for i in range(50):          # a burst of 50 changes within ~50 ms
            state["n"] = i
            r.poke()
            time.sleep(0.001)
        assert wait_until(lambda: seen and seen[-1] == "<svg>49</svg>", 2)
        assert len(seen) <= 3, seen
        r.poke()                     # nothing changed: no new frame delivered
        time.sleep(0.5)
        assert seen[-1] == "<svg>49</svg>" and len(seen) <= 3
        gaps = [b - a for a, b in zip(calls, calls[1:])]
        assert all(g >= 0.19 for g in gaps), gaps
    finally:
        r.stop()
    assert not r.alive


def test_renderer_thread_never_prints_a_failing_frame(capsys):
    def broken() -> str:
        raise RuntimeError("boom")

    r = Renderer(broken, lambda svg: None, interval=0.01).start()
    r.poke()
    assert wait_until(lambda: r.errors == 1, 2)
    r.stop()
    assert capsys.readouterr() == ("", "")
    assert "boom" in r.last_error
    assert not any(t.name.startswith("dockerlens-render") for t in threading.enumerate())
