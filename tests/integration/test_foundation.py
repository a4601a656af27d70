"""The foundation against the real daemon: images, doctor, reset, and what we never touch."""
from __future__ import annotations

import os
import subprocess
import sys

import docker
import pytest

from dockerlens.engine import images, scope
from dockerlens import doctor

pytestmark = pytest.mark.docker


def test_connect_negotiates_the_api_version(client):
    assert client.api.api_version == client.version()["ApiVersion"]


def test_course_images_are_current_and_small(client):
    results = images.build_all(client, log=lambda line: None)
    assert [r.built for r in results] == [False, False], "a second build must be skipped"
    base = client.images.get(images.tag("base"))
    assert base.attrs["Size"] < 3_000_000
    assert base.labels[images.HASH_LABEL] == images.expected_hashes()["base"]
    assert base.labels[scope.COURSE] == "1" and base.labels[scope.LEARNER] == scope.SHARED


def test_base_image_runs_busybox_offline(client):
    out = client.containers.run(images.tag("base"), ["sh", "-c", "echo ok; wget --help 2>&1 | head -1"],
                                labels=scope.labels("test"), remove=True)
    assert out.startswith(b"ok\n") and b"BusyBox" in out


def test_images_cli_reports_each_image(client):
    out = subprocess.run([sys.executable, "-m", "dockerlens", "images"], capture_output=True,
                         text=True, check=True).stdout
    assert "dockerlens/base:1" in out and "up to date" in out and "dockerlens/web:1" in out


def test_a_changed_context_is_rebuilt(client, tmp_path, monkeypatch):
    """Copy the contexts, change the web page: web is rebuilt, base is not."""
    import shutil
    shutil.copytree(images.ROOT, tmp_path / "images")
    monkeypatch.setattr(images, "ROOT", tmp_path / "images")
    monkeypatch.setattr(images, "TAG", "pytest-rebuild")
    try:
        first = images.build_all(client, log=lambda line: None)
        (tmp_path / "images/web/www/index.html").write_text("<h1>changed</h1>")
        second = images.build_all(client, log=lambda line: None)
        assert [r.built for r in second] == [False, True]
        assert first[1].tag == "dockerlens/web:pytest-rebuild"
    finally:
        for name in reversed(images.ORDER):
            client.images.remove(f"dockerlens/{name}:pytest-rebuild")


def test_doctor_rows_are_ok_with_a_fix_for_anything_else():
    report = doctor()
    names = [r.check for r in report.rows]
    for wanted in ("Python", "jupyterlab", "ipykernel", "ipywidgets", "docker", "graphviz dot",
                   "daemon", "engine", "API version", "OS/arch", "storage driver",
                   "rootless", "image dockerlens/base:1", "image dockerlens/web:1", "docker CLI"):
        assert wanted in names
    assert report.ok, repr(report)
    assert all(r.fix for r in report.rows if r.status != "ok")
    assert "<table" in report._repr_html_()


def test_doctor_cli_exit_code_follows_the_report():
    proc = subprocess.run([sys.executable, "-m", "dockerlens", "doctor"], capture_output=True, text=True)
    assert proc.returncode == 0 and "OK    daemon" in proc.stdout


def test_doctor_names_a_missing_daemon_and_its_fix(tmp_path):
    env = {**os.environ, "DOCKER_HOST": f"unix://{tmp_path}/none.sock"}
    proc = subprocess.run([sys.executable, "-m", "dockerlens", "doctor"], capture_output=True,
                          text=True, env=env)
    assert proc.returncode == 1
    assert "FAIL  daemon" in proc.stdout and "no such socket" in proc.stdout


def test_prepare_without_a_daemon_stops_with_the_message(tmp_path):
    """Not installable (DOCKER_HOST set by the user): a clear stop, not a traceback."""
    env = {**os.environ, "DOCKER_HOST": f"unix://{tmp_path}/none.sock"}
    proc = subprocess.run([sys.executable, "-m", "dockerlens", "prepare"], capture_output=True,
                          text=True, env=env)
    assert proc.returncode != 0
    assert "No Docker daemon answered" in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr


@pytest.fixture
def strangers(client):
    """A learner's own objects, made by hand without our labels (and one of another learner)."""
    made = {
        "container": client.containers.create(images.tag("base"), ["true"], name="pytest-mine-ctr"),
        "network": client.networks.create("pytest-mine-net"),
        "volume": client.volumes.create("pytest-mine-vol"),
        "other": client.containers.create(images.tag("base"), ["true"], name="pytest-other-ctr",
                                          labels={**scope.labels("00"), scope.LEARNER: "someone-else"}),
    }
    client.images.get(images.tag("base")).tag("pytest-mine-img", "1")
    yield made
    for key in ("container", "other"):
        made[key].remove(force=True)
    made["network"].remove()
    made["volume"].remove()
    client.images.remove("pytest-mine-img:1")


def _exists(getter, ident) -> bool:
    try:
        getter(ident)
        return True
    except docker.errors.NotFound:
        return False


def test_reset_removes_only_this_learners_labelled_objects(client, strangers):
    ours = [
        client.containers.run(images.tag("base"), ["sleep", "30"], name=scope.name("running"),
                              labels=scope.labels("00"), detach=True),
        client.networks.create(scope.name("net"), labels=scope.labels("00")),
        client.volumes.create(scope.name("vol"), labels=scope.labels("00")),
    ]
    proc = subprocess.run([sys.executable, "-m", "dockerlens", "reset"], capture_output=True,
                          text=True, check=True)
    assert scope.name("running") in proc.stdout and scope.name("vol") in proc.stdout
    assert not _exists(client.containers.get, ours[0].id)
    assert not _exists(client.networks.get, ours[1].id)
    assert not _exists(client.volumes.get, ours[2].name)
    # what is not ours is untouched
    assert _exists(client.containers.get, "pytest-mine-ctr")
    assert _exists(client.containers.get, "pytest-other-ctr")
    assert _exists(client.networks.get, "pytest-mine-net")
    assert _exists(client.volumes.get, "pytest-mine-vol")
    assert _exists(client.images.get, "pytest-mine-img:1")
    assert _exists(client.images.get, images.tag("base"))


def test_guard_refuses_an_unlabelled_object(client, strangers):
    with pytest.raises(scope.NotOurs, match="will not change or remove it"):
        scope.guard(strangers["container"])


def test_doctor_and_setup_line_name_the_same_daemon_and_the_wiretap_as_route():
    code = ("import dockerlens as lens; client = lens.setup('02', show=False); "
            "from dockerlens.session import _session; line = _session['line']; d = lens.doctor(); "
            "print(line.endpoint); print(d.row('daemon').value); print(d.row('route').value)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    endpoint, daemon, route = out.stdout.strip().splitlines()[-3:]
    assert daemon.startswith(endpoint + " ") and "dockerlens-wiretap-" not in daemon
    assert "dockerlens-wiretap-" in route and "wiretap" in route
