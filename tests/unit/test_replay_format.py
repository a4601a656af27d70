"""The recording file: exact bytes, stable output, clear refusal of foreign files."""
from __future__ import annotations

import gzip
import json

import nbformat
import pytest

from dockerlens.replay.format import (RecordedExchange, Header, Recording, cells_hash, dumps, load,
                                      normalise, save, to_bytes, to_text)


def _recording(payload: bytes) -> Recording:
    header = Header("99", "notebooks/99-x.ipynb", "0" * 64, "2026-11-28", "20.10.24", "1.41",
                    "7.2.0", "learner")
    ex = RecordedExchange(seq=0, conn=1, t=5, method="GET", target="/v1.41/x", status=200,
                  response=[[0, to_text(payload)]])
    return Recording(header, [ex])


def test_any_bytes_round_trip_through_the_text_form():
    data = bytes(range(256)) + "é→".encode()
    assert to_bytes(to_text(data)) == data
    assert to_bytes(json.loads(json.dumps(to_text(data)))) == data


def test_same_recording_same_file_bytes(tmp_path):
    rec = _recording(b"\x01\x00\x00\x00\x00\x00\x00\x04out\n\xff")
    assert dumps(rec) == dumps(rec)
    path = save(rec, tmp_path / "r.jsonl.gz")
    again = load(path)
    assert again.exchanges[0].response_bytes() == b"\x01\x00\x00\x00\x00\x00\x00\x04out\n\xff"
    assert again.header.exchanges == 1
    first = gzip.decompress(path.read_bytes()).decode().splitlines()[0]
    assert list(json.loads(first)) == sorted(json.loads(first))  # stable key order


def test_a_foreign_file_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "x.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"format": "other"}\n'))
    with pytest.raises(ValueError, match="make record"):
        load(path)


@pytest.mark.parametrize("target, key", [
    ("/v1.41/_ping", "/_ping"),
    ("/v1.24/containers/json?all=1&filters=%7B%7D", "/containers/json?all=1&filters=%7B%7D"),
    ("/v1.41/containers/json?filters=%7B%7D&all=1", "/containers/json?all=1&filters=%7B%7D"),
    ("/events?since=1&until=2", "/events?since=%2A&until=%2A"),
    ("/v1.41/containers/abc/logs?since=1795873000&stdout=1",
     "/containers/abc/logs?since=%2A&stdout=1"),
])
def test_normalise_masks_version_order_and_time(target, key):
    assert normalise("get", target) == ("GET", key)


def test_cells_hash_follows_code_not_prose(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t"),
                                         nbformat.v4.new_code_cell("x = 1")])
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    before = cells_hash(path)
    nb.cells[0].source = "# title changed"
    nbformat.write(nb, path)
    assert cells_hash(path) == before
    nb.cells[1].source = "x = 2"
    nbformat.write(nb, path)
    assert cells_hash(path) != before
