"""The recorder runs a notebook in a real kernel against the real daemon: a notebook that
works gives a recording that replays; one that fails keeps the previous recording."""
from __future__ import annotations

import nbformat
import pytest

from dockerlens.replay.format import cells_hash, load
from dockerlens.replay.record import daemon_socket, record_notebook
from dockerlens.replay.server import ReplayServer

from ..conftest import LEARNER

pytestmark = pytest.mark.docker

CELLS = [
    "import docker, os\n"
    "client = docker.DockerClient(base_url=os.environ['DOCKER_HOST'], version=None)",
    "names = [c.name for c in client.containers.list(all=True, filters={'label': 'nobody=x'})]",
    "assert names == [] and client.ping()",
]


def _notebook(path, cells):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def test_a_working_notebook_is_recorded_and_replays(tmp_path, cleanup):
    notebook = _notebook(tmp_path / "99-probe.ipynb", CELLS)
    result = record_notebook("99", notebook, daemon_socket(), out=tmp_path / "rec",
                             learner=f"{LEARNER}-rec")
    assert not result.error, result.error
    recording = load(result.path)
    assert recording.header.cells_sha256 == cells_hash(notebook)
    assert recording.header.engine and recording.header.api.startswith("1.")
    ops = [(e.method, e.target.split("?")[0].split("/", 2)[-1]) for e in recording.exchanges]
    assert ("GET", "containers/json") in ops and ("GET", "_ping") in ops
    with ReplayServer(recording) as server:
        import docker
        client = docker.DockerClient(base_url=server.url, version=None)
        assert client.containers.list(all=True, filters={"label": "nobody=x"}) == []
        assert client.ping() and not server.misses


def test_a_failing_notebook_keeps_the_old_recording(tmp_path, cleanup):
    notebook = _notebook(tmp_path / "99-broken.ipynb",
                         CELLS[:1] + ["assert False, 'broken on purpose'"])
    result = record_notebook("99", notebook, daemon_socket(), out=tmp_path / "rec",
                             learner=f"{LEARNER}-rec")
    assert "broken on purpose" in result.error or "AssertionError" in result.error
    assert result.path is None and not (tmp_path / "rec").exists()
    assert "FAILED 99-broken.ipynb" in repr(result)
