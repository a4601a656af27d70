"""One thread per panel: coalesce bursts of changes, redraw at most every 200 ms, only on change.

On a busy machine (a class of twenty on two cores) a frame costs more, so the pause between
frames grows with it: a panel spends at most a quarter of its time drawing, and the last change
is always drawn.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

INTERVAL = 0.2
COST_FACTOR = 4  # the pause after a frame is at least this many times what the frame took


class Renderer:
    """Calls ``frame()`` after ``poke()`` (at most every ``interval`` s) and ``sink(svg)`` if new.

    ``frame`` and ``sink`` run only on this renderer's thread; the thread never prints.
    """

    def __init__(self, frame: Callable[[], str], sink: Callable[[str], None],
                 interval: float = INTERVAL, name: str = "dockerlens-render"):
        self.frame, self.sink, self.interval = frame, sink, interval
        self.last_svg = ""
        self.frames = 0
        self.errors = 0
        self.last_error = ""
        self.poked_at = 0.0          # monotonic time of the oldest change not drawn yet
        self._dirty = threading.Event()
        self._stopping = threading.Event()
        self._last_draw = 0.0
        self._last_cost = 0.0  # seconds the last frame took to draw
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __repr__(self) -> str:
        return f"<Renderer {self.frames} frames, {self.errors} errors>"

    def start(self) -> "Renderer":
        self._thread.start()
        return self

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def poke(self) -> None:
        """Something changed: draw soon (many pokes in a burst make one frame)."""
        if not self._dirty.is_set():
            self.poked_at = time.monotonic()
        self._dirty.set()

    def stop(self, timeout: float = 1.0) -> None:
        self._stopping.set()
        self._dirty.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._dirty.wait()
            if self._stopping.is_set():
                break
            wait = self._last_draw + max(self.interval, COST_FACTOR * self._last_cost) - time.monotonic()
            if wait > 0 and self._stopping.wait(wait):
                break
            poked = self.poked_at
            self._dirty.clear()
            self.draw(poked)

    def draw(self, poked: float | None = None) -> bool:
        """Render one frame now; hand it to the sink only if it differs from the last one."""
        self._last_draw = time.monotonic()
        try:
            svg = self.frame()
            self._last_cost = time.monotonic() - self._last_draw
        except Exception as err:  # a failed frame is counted and shown in repr, never printed
            self.errors += 1
            self.last_error = f"{type(err).__name__}: {err}"
            return False
        if svg == self.last_svg:
            return False
        self.last_svg = svg
        try:
            self.sink(svg)
        except Exception as err:
            self.errors += 1
            self.last_error = f"{type(err).__name__}: {err}"
            return False
        self.frames += 1
        return True
