"""Errors explained where they happen, in a real IPython kernel against the real daemon.

Each case runs cells as JupyterLab does (jupyter_client, this venv's ipykernel): the cell's
output holds the explanation box with the full traceback collapsed (<details>), the error
the kernel publishes is one line, and the cell still counts as failed.
"""
from __future__ import annotations

import docker
import pytest

from dockerlens.engine.facts import facts
from dockerlens.show.failures import EXPLAINED
from tests.kernel import Kernel

pytestmark = pytest.mark.docker

SETUP = 'import dockerlens as lens\nclient = lens.setup("05")\nlens.reset("05")'


@pytest.fixture(scope="module")
def kernel():
    with Kernel() as k:
        assert k.run(SETUP).status == "ok"
        yield k
        k.run('lens.reset("05")')


def conflict() -> str:
    """A conflict's status on the engine under test: Podman answers 500 where Docker answers 409."""
    client = docker.from_env()
    try:
        return "500" if facts(client).family == "podman" else "409"
    finally:
        client.close()


def assert_explained(run, *words: str) -> str:
    """The cell failed, shows the box with WORDS and a collapsed traceback, and no long error."""
    assert run.status == "error", run.outputs
    box = run.html
    assert "dockerlens-explanation" in box, run.outputs
    assert "<details" in box and "full traceback</summary>" in box and "Traceback" in box
    for word in words:
        assert word in box, (word, box)
    [error] = run.errors
    assert len(error["content"]["traceback"]) == 1 and EXPLAINED in error["content"]["traceback"][0]
    return box


def test_a_create_cell_run_twice_explains_the_409_with_this_lessons_fix(kernel):
    cell = ('ctr = client.containers.create(lens.image("web"), name=lens.name("web"), '
            'labels=lens.labels())')
    assert kernel.run(cell).status == "ok"
    box = assert_explained(kernel.run(cell), conflict(), "Name already in use",
                           "you asked:", "daemon answered:", "what it means:", "fix:")
    assert 'ctr = lens.find(&quot;web&quot;)' in box and 'lens.reset(&quot;05&quot;)' in box
    assert kernel.run('ctr2 = lens.find("web")\nassert ctr2.id == ctr.id').status == "ok"


def test_a_name_typo_names_the_missing_container(kernel):
    box = assert_explained(kernel.run('client.containers.get(lens.name("wbe"))'), "404",
                           "No such container", "lens-")
    assert "wbe" in box


def test_removing_a_running_container_says_stop_or_force(kernel):
    kernel.run('box = client.containers.run(lens.image("base"), ["sleep", "60"], '
               'name=lens.name("box"), labels=lens.labels(), detach=True)')
    box = assert_explained(kernel.run("box.remove()"), conflict(), "Container still running")
    assert "box.remove(force=True)" in box
    assert kernel.run("box.remove(force=True)").status == "ok"


def test_lens_find_of_nothing_is_explained(kernel):
    assert_explained(kernel.run('lens.find("never-made")'), "Not there (yet)", "never-made")


def test_a_foreign_object_is_refused_and_explained(kernel):
    run = kernel.run('lens.guard(client.images.get(lens.image("base")))')
    assert_explained(run, "Not a course object", "labels")


def test_no_daemon_is_explained():
    with Kernel() as k:
        run = k.run('import dockerlens as lens\nlens.setup("05", show=False)\n'
                    'lens.connect("unix:///nonexistent/docker.sock")')
    assert_explained(run, "No Docker daemon answered", "lens.doctor()")


def test_outside_ipython_nothing_changes():
    import subprocess
    import sys
    code = ('import dockerlens as lens; lens.setup("05", show=False); '
            'lens.client().containers.get(lens.name("wbe"))')
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "Traceback (most recent call last)" in out.stderr
    assert "docker.errors.NotFound" in out.stderr and "dockerlens-explanation" not in out.stderr


def test_replay_misses_are_one_clear_box_never_a_keyerror():
    """Lesson 02 replayed: an edited raw-HTTP request and a write run twice, each explained."""
    with Kernel({"DOCKERLENS_MODE": "replay"}) as k:
        assert k.run('import dockerlens as lens\nclient = lens.setup("02")').status == "ok"
        edited = k.run('lens.raw_http("POST", "/containers/create?name=" + lens.name("edited"), '
                       '{"Image": "x"}).json()["Id"]')
        box = assert_explained(edited, "Not in the recording", "this request was not recorded",
                               "the recording has", "make lab / dev container")
        assert "KeyError" not in box and "not a mistake" not in box
        create = ('spec = {"Image": lens.image("base"), "Cmd": ["echo", "hello from raw HTTP"], '
                  '"Labels": lens.labels()}\n'
                  'created = lens.raw_http("POST", f"/containers/create?name={lens.name(\'raw\')}", '
                  'spec).json()')
        assert k.run(create).status == "ok"
        box = assert_explained(k.run(create), "This cell ran before", "Restart Kernel and Run All")
        typo = k.run('client.containers.get(lens.name("wbe"))')
        assert_explained(typo, "Not in the recording")
        assert k.run('lens.raw_http("GET", "/_ping").body').status == "ok"  # reads: again
        assert k.run('lens.raw_http("GET", "/_ping").body').status == "ok"


def test_interrupting_the_20_starts_removes_what_it_made(client):
    """Lesson 01's timing cell, interrupted after a few starts: a short box, nothing left over."""
    from dockerlens.engine import scope
    cell = ('with lens.wiretap() as tap:\n'
            '    latency = lens.measure_starts(client, lens.image("base"), 20,\n'
            '                                  name=lambda i: lens.name(f"start-{i:02d}"), labels=lens.labels())\n'
            'latency')
    prefix = scope.name("start-")

    def started():
        return [c.name for c in client.containers.list(all=True, filters={"name": prefix})]

    with Kernel() as k:
        assert k.run('import dockerlens as lens\nclient = lens.setup("01")\nlens.reset("01")').status == "ok"
        run = k.interrupt_when(cell, lambda: len(started()) >= 3)
        box = assert_explained(run, "Interrupted", "removed the")
        assert run.errors[0]["content"]["ename"] == "Interrupted"
        assert started() == [], "the interrupted cell left containers behind"
        assert k.run(cell).status == "ok"  # run again: no 409, it starts from nothing
        assert len(started()) == 20
        k.run('lens.reset("01")')
    assert len(box) < 20000


def test_a_failing_command_in_run_is_the_programs_failure_not_the_daemons(kernel):
    run = kernel.run('client.containers.run(lens.image("base"), ["sh", "-c", "echo oops >&2; exit 3"], '
                     'labels=lens.labels(), remove=True)')
    box = assert_explained(run, "The container&#x27;s command failed", "exit status 3", "oops", "detach=True")
    assert "could not get an answer" not in box
