"""Which recorded exchange answers a request: same method and target, in recorded order.

A request is answered by a recorded exchange with the same key (method, path without the
``/v1.xx`` prefix, sorted query with ``since``/``until`` masked). Among those:

1. one recorded at the replay's current *position* wins, where the position counts the
   state-changing requests (anything but GET/HEAD) answered so far; unused before used;
2. otherwise the nearest position, unused before used (and whole answers before answers
   the client hung up on, such as a ``/_ping`` probe that read the head only);
3. a used answer is repeated only for reads (GET/HEAD: ``/_ping``, ``/version``, polling
   ``/containers/json``): the latest one at that position. A state-changing request asked
   more often than it was recorded gets no answer (the server sends 501).

Streams follow the learner, not the clock: a later part of a long stream (an event, a
frame of an attached container) waits until the replay has made every change recorded
before it, then keeps its recorded delay after the last of them. A learner who runs the
next cell a minute later sees the event a minute later, when it happens.

So identical requests get their answers in the order they were recorded, a read sees the
state as it was between the same two changes, and background threads (an event follower,
a renderer polling a list) that ask a different number of times do not shift the main flow.
"""
from __future__ import annotations

import threading
import time
from bisect import bisect_left
from collections import defaultdict

from ..wire.operations import operation
from .format import RecordedExchange, normalise


class Matcher:
    """Hands out recorded exchanges to live requests; thread-safe."""

    def __init__(self, exchanges: list[RecordedExchange]):
        self.exchanges = exchanges
        self.epochs: list[int] = []
        self.by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
        epoch = 0
        for index, exchange in enumerate(exchanges):
            self.epochs.append(epoch)
            self.by_key[exchange.key].append(index)
            epoch += 0 if exchange.reads else 1
        self.used: set[int] = set()
        self.epoch = 0
        self.changes_at = [e.t for e in exchanges if not e.reads]  # recorded ms of each change
        self.reached = {0: time.monotonic()}  # position -> when the replay got there
        self._lock = threading.Lock()
        self._moved = threading.Condition(self._lock)

    def match(self, method: str, target: str) -> RecordedExchange | None:
        """The exchange that answers this request now, or None if none may."""
        with self._lock:
            candidates = [i for i in self.by_key.get(normalise(method, target), [])
                          if i not in self.used or self.exchanges[i].reads]
            if not candidates:
                return None
            best = min(candidates, key=self._rank)
            self.used.add(best)
            if not self.exchanges[best].reads:
                self._advance(self.epochs[best] + 1)
            return self.exchanges[best]

    def _advance(self, epoch: int) -> None:
        now = time.monotonic()
        for position in range(self.epoch + 1, epoch + 1):
            self.reached[position] = now
        if epoch > self.epoch:
            self.epoch = epoch
            self._moved.notify_all()

    def wait_for(self, recorded_ms: int, speed: float = 1.0,
                 stopped=lambda: False) -> float | None:
        """Block until every change recorded before ``recorded_ms`` was replayed; return the
        monotonic time at which this moment of the recording is due (None: no change before)."""
        needed = bisect_left(self.changes_at, recorded_ms)
        if needed == 0:
            return None
        with self._moved:
            while self.epoch < needed:
                if stopped():
                    return None
                self._moved.wait(0.25)
            return self.reached[needed] + (recorded_ms - self.changes_at[needed - 1]) / 1000 / speed

    def _rank(self, index: int) -> tuple:
        used = index in self.used
        distance = abs(self.epochs[index] - self.epoch)
        cut = self.exchanges[index].cut  # a whole answer beats one the client hung up on
        return (distance != 0, used, cut, distance, -index if used else index)

    def alike(self, method: str, target: str, limit: int = 2) -> list[str]:
        """Recorded requests of the same operation (nearest first): what an edited cell changed."""
        wanted = operation(method, target)
        found: list[str] = []
        order = sorted(range(len(self.exchanges)), key=lambda i: abs(self.epochs[i] - self.epoch))
        for index in order:
            ex = self.exchanges[index]
            text = " ".join(ex.key)
            if ex.key[0] == method.upper() and operation(ex.method, ex.target) == wanted \
                    and text not in found:
                found.append(text)
            if len(found) == limit:
                break
        return found

    def recorded_count(self, method: str, target: str) -> int:
        return len(self.by_key.get(normalise(method, target), []))
