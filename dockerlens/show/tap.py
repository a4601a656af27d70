"""What a block of code sent: ``with lens.wiretap() as tap:``, and the ``lens.wiretap`` object itself.

``lens.wiretap`` is a :class:`Wiretap` instance: calling it opens a :class:`Tap` over the
kernel's transcript (``dockerlens.wire.wiretap``), and its methods (``subscribe``, ``latest``,
``transcript``, ``running``) read that same transcript. A tap opened while nothing records
(no proxy routed, no response hook installed: a script that called ``lens.connect()`` but
not ``lens.setup()``) raises :class:`NotRecording` at once instead of staying empty.
"""
from __future__ import annotations

import time

from ..wire import wiretap as wire
from ..wire.exchange import Exchange
from ..wire.wiretap import TRANSCRIPT, Transcript
from .explain import LivePanel, table_html


class NotRecording(RuntimeError):
    """A tap was opened but no client of this kernel is being recorded."""

    def __init__(self):
        super().__init__(
            "The wiretap is not recording: no request of this kernel goes through it. "
            "Start the notebook with `client = lens.setup(\"NN\")` (it routes every client "
            "through the wiretap), or, for a client of your own, call "
            "`lens.wiretap.hook(client)` first. (DOCKERLENS_WIRETAP=off switches the proxy off.)")

    def _render_traceback_(self) -> list[str]:
        return [f"NotRecording: {self}"]


class Tap:
    """The exchanges sent while a ``with`` block ran: a table in a notebook, text in a terminal."""

    def __init__(self, live: bool = False, source: Transcript = TRANSCRIPT):
        self.live, self._source = live, source
        self._first, self._last = source.last_seq(), None
        self._panel = None

    def __enter__(self) -> "Tap":
        self._first, self._last = self._source.last_seq(), None
        if self.live:
            self._panel = LivePanel(self)
        return self

    def __exit__(self, *exc) -> None:
        deadline = time.monotonic() + 0.5  # let the proxy finish counting the last bytes
        while time.monotonic() < deadline and any(
                not e.done and not (e.streaming or e.upgraded) for e in self.exchanges):
            time.sleep(0.005)
        self._last = self._source.last_seq()
        if self._panel is not None:
            self._panel.close()

    @property
    def exchanges(self) -> list[Exchange]:
        return self._source.since(self._first, self._last)

    def operations(self) -> list[str]:
        """Operation IDs in the order the requests were sent."""
        return [e.operation for e in self.exchanges]

    def calls(self) -> list[tuple[str, str, int | None]]:
        """(client, operation, status) per exchange: what a self-check usually asserts."""
        return [(e.client, e.operation, e.status) for e in self.exchanges]

    def in_order(self, wanted: list[str]) -> bool:
        """True if the operations in ``wanted`` were sent in this order (others in between allowed)."""
        return [op for op in self.operations() if op in wanted] == list(wanted)

    def by_client(self) -> dict[str, list[str]]:
        """Operation IDs per client (``sdk``, ``cli``, ``http``), each in order."""
        found: dict[str, list[str]] = {}
        for e in self.exchanges:
            found.setdefault(e.client, []).append(e.operation)
        return found

    def __len__(self) -> int:
        return len(self.exchanges)

    def __iter__(self):
        return iter(self.exchanges)

    def __getitem__(self, i):
        return self.exchanges[i]

    def __repr__(self) -> str:
        rows = [e.row() for e in self.exchanges]
        head = (f"{'#':>4} {'who':<4} {'method':<6} {'path':<58} {'code':>4} "
                f"{'operation':<22} {'to head':>10}")
        return "\n".join([f"wiretap: {len(rows)} exchange(s)", head, *rows])

    def _repr_html_(self) -> str:
        return table_html(self.exchanges, title=f"wiretap · {len(self)} exchange(s)")


class Wiretap:
    """``lens.wiretap``: call it for a :class:`Tap`; ask it about the kernel's transcript.

    >>> isinstance(wiretap.latest(), (Exchange, type(None)))
    True
    """

    def __call__(self, live: bool = False) -> Tap:
        """``with lens.wiretap() as tap:`` records what the block sends; ``live=True`` shows a panel."""
        if not wire.recording():
            raise NotRecording()
        return Tap(live=live)

    subscribe = staticmethod(wire.subscribe)
    unsubscribe = staticmethod(wire.unsubscribe)
    latest = staticmethod(wire.latest)
    transcript = staticmethod(wire.transcript)
    running = staticmethod(wire.running)
    routed = staticmethod(wire.routed)
    hook = staticmethod(wire.hook)

    def __repr__(self) -> str:
        found = wire.running()
        where = f"proxy {found[0]} in front of {found[1]}" if found else "no proxy"
        return f"<lens.wiretap: {len(TRANSCRIPT)} exchange(s) recorded, {where}>"


wiretap = Wiretap()
