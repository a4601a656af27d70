"""The re-record test runs against the engine the committed recordings were made on.

Lessons branch on the engine (BuildKit or the classic builder, Podman's events), so a fresh
recording from another engine asks other requests by design. The host's tier deselects it
(and says so); the matrix's tier for the recordings' engine runs it.
"""
from __future__ import annotations

import re

import pytest

from dockerlens.replay.format import load
from dockerlens.replay.record import RECORDINGS

_notes: list[str] = []


def engine_key(described: str) -> str:
    """'Docker Engine 28.5.2 · classic image store' -> 'Docker Engine 28 · classic image store'."""
    return re.sub(r"(\d+)\.\d+[^\s·]*", r"\1", described)


def recordings_engine() -> str:
    return load(sorted(RECORDINGS.glob("*.jsonl.gz"))[0]).header.engine


def pytest_collection_modifyitems(config, items):
    marked = [i for i in items if i.get_closest_marker("recorded_engine")]
    if not marked:
        return
    from dockerlens.engine.facts import facts
    from tests.conftest import _client_or_none
    client = _client_or_none()
    here = facts(client).describe() if client is not None else "no daemon"
    recorded = recordings_engine()
    if client is not None and engine_key(here) == engine_key(recorded):
        return
    for item in marked:
        items.remove(item)
    config.hook.pytest_deselected(items=marked)
    _notes.append(f"{len(marked)} re-record tests deselected: the recordings are from {recorded}, "
                  f"this daemon is {here}; the matrix runs them on the recordings' engine")


def pytest_terminal_summary(terminalreporter):
    for note in _notes:
        terminalreporter.write_line(note, yellow=True)
