"""The private engines' configuration and the matrix's report, without starting anything."""
from __future__ import annotations

import json
import resource

import pytest

from dockerlens.engine import daemons, matrix, namespaces, private


@pytest.fixture(autouse=True)
def default_instance(monkeypatch):
    """The names these tests expect, whatever DOCKERLENS_ENGINES_INSTANCE says."""
    monkeypatch.setattr(private, "INSTANCE", "")


@pytest.fixture
def engine_dirs(tmp_path, monkeypatch):
    monkeypatch.setattr(private, "RUN", tmp_path / "run")
    monkeypatch.setattr(private, "DATA", tmp_path / "data")
    return tmp_path


def test_each_engine_has_its_own_socket_netns_and_dirs():
    engines = list(private.ENGINES.values())
    for attr in ("socket", "netns", "run_dir", "data_dir"):
        assert len({getattr(e, attr) for e in engines}) == len(engines), attr
    assert private.ENGINES["docker28"].docker_host == "unix:///run/dockerlens/engines/docker28/docker.sock"
    assert private.ENGINES["podman5"].socket.name == "podman.sock"


def test_the_root_is_pivoted_after_run_is_fresh_and_the_binds_are_in():
    script = namespaces.pivot_script(private.sidroot.ROOT, [private.RUN / "x", private.Path("/tmp")],
                                     ["dockerd", "--host", "unix:///run/x.sock"], {"PATH": "/usr/bin"})
    lines = script.splitlines()
    root = str(private.sidroot.ROOT)
    order = [lines.index(f"mount -t tmpfs -o mode=755 tmpfs {root}/run"),
             lines.index(f"mount --bind /run/dockerlens/engines/x {root}/run/dockerlens/engines/x"),
             lines.index(f"mount --bind /tmp {root}/tmp"),
             lines.index("pivot_root . .oldroot"), lines.index("umount -l /.oldroot")]
    assert order == sorted(order)
    assert lines[-1] == "exec env -i PATH=/usr/bin dockerd --host unix:///run/x.sock"


def test_dockerd_gets_its_own_roots_and_cgroup_parent(engine_dirs):
    e = private.ENGINES["docker28-containerd"]
    e.data_dir.mkdir(parents=True)
    program, _ = daemons.program(e)
    args = dict(zip(program[1::2], program[2::2]))
    assert args["--data-root"].startswith(str(e.data_dir))
    assert args["--exec-root"].startswith(str(e.run_dir))
    assert args["--host"] == e.docker_host and args["--cgroup-parent"] == "/docker28-containerd"
    config = json.loads((e.data_dir / "daemon.json").read_text())
    assert config == {"features": {"containerd-snapshotter": True}}


def test_podman_gets_its_own_storage_and_limits_it_may_set(engine_dirs):
    e = private.ENGINES["podman5"]
    e.data_dir.mkdir(parents=True)
    program, env = daemons.program(e)
    assert program == ["podman", "system", "service", "--time=0", e.docker_host]
    conf = (e.data_dir / "containers.conf").read_text()
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    assert f'"nofile={nofile}:{nofile}"' in conf
    assert 'cgroup_manager = "cgroupfs"' in conf and 'events_logger = "file"' in conf
    assert env["CONTAINERS_STORAGE_CONF"] == str(e.data_dir / "storage.conf")
    assert f'graphroot = "{e.data_dir}/storage"' in (e.data_dir / "storage.conf").read_text()


def test_a_sibling_is_configured_alike_under_its_own_name():
    e = private.sibling(private.ENGINES["docker28-containerd"], "fault-x")
    assert (e.family, e.daemon_json) == ("docker", {"features": {"containerd-snapshotter": True}})
    assert e.netns == "dl-fault-x" and e.run_dir.name == "fault-x"


def test_an_instance_name_keeps_two_users_engines_apart(monkeypatch):
    monkeypatch.setattr(private, "INSTANCE", "ci")
    e = private.ENGINES["podman5"]
    assert (e.instance, e.netns, e.run_dir.name, e.data_dir.name) == ("ci-podman5", "dl-ci-podman5",) + ("ci-podman5",) * 2
    assert private._cgroup_dirs(private.ENGINES["docker28"]) == ["ci-docker28"]


def test_podman_cgroups_are_only_its_own_containers(engine_dirs):
    e = private.ENGINES["podman5"]
    (e.data_dir / "storage" / "overlay-containers" / "abc123").mkdir(parents=True)
    assert private._cgroup_dirs(e) == ["libpod_parent/libpod-abc123"]


def test_the_engine_under_test_comes_from_the_matrix(monkeypatch):
    monkeypatch.setenv("DOCKERLENS_ENGINE", "podman5")
    assert private.under_test() is private.ENGINES["podman5"]
    monkeypatch.setenv("DOCKERLENS_ENGINE", "host")
    assert private.under_test() is None


@pytest.mark.parametrize("line, counts", [
    ("==== 2 failed, 49 passed in 61.20s (0:01:01) ====", "2 failed, 49 passed"),
    ("============ 10 passed, 1 skipped in 40.1s =============", "10 passed, 1 skipped"),
])
def test_the_matrix_reads_pytest_closing_lines(line, counts):
    assert matrix.OUTCOME.match(line).group(1) == counts


def test_the_summary_starts_with_the_engines_tested():
    runs = [matrix.TierRun("podman5", "labs", 1, 12.5, "1 failed, 9 passed", ["FAILED tests/labs/x.py::t - boom"])]
    text = matrix.summary({"podman5": "Podman 5.8.6 (API 1.44)"}, runs)
    lines = text.splitlines()
    assert lines[1:3] == ["engines tested:", "  podman5              Podman 5.8.6 (API 1.44)"]
    assert "FAILED tests/labs/x.py::t - boom" in text
    assert text.splitlines()[-2:] == ["1 tier run(s) failed or tested nothing", "matrix: 9 passed, 1 failed"]


def test_a_tier_that_passed_nothing_is_named_and_fails_the_summary():
    runs = [matrix.TierRun("docker28", "labs", 0, 3.0, "no closing line")]
    text = matrix.summary({"docker28": "Docker Engine 28.5.2 (API 1.51)"}, runs)
    assert "docker28 / labs: nothing passed (no closing line)" in text
    assert "all engines passed" not in text
