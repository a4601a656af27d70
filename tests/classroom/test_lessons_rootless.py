"""Lessons 01 and 05 and lab 05 run top to bottom on a learner's private rootless daemon.

On a cgroup v1 host that daemon has no cgroups: it cannot pause a container nor enforce a memory
limit. The lessons read that from the engine's facts, tell the learner why in one sentence, and
their self-checks assert what this daemon did (its refusal to pause and to list processes, a
memory limit recorded and not enforced, beside its own /info warning) instead of raising. On a host where the daemon has cgroups, the same test
asserts the ordinary path ran (no such sentence, no raised cell).
"""
from __future__ import annotations

import json

import pytest

from .conftest import as_learner

RUN = """
import json, sys, nbformat
from nbclient import NotebookClient
report = {}
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": path.rsplit("/", 1)[0]}}).execute()
    errors, text = [], []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append(f"cell {index} ({cell.source.splitlines()[0][:40]}): "
                              f"{out['ename']}: {out['evalue'][:300]}")
            text.append(out.get("text", "") + out.get("data", {}).get("text/plain", ""))
    report[path] = {"errors": errors, "text": "\\n".join(text)}
print("REPORT " + json.dumps(report))
"""
NO_CGROUPS = "this daemon has no cgroups: it runs rootless on a cgroup v1 host"


def _daemon_info(cfg, user: str) -> dict:
    done = as_learner(cfg, user, "import docker, json; print(json.dumps(docker.from_env().info()))")
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def runs(cfg):
    """What learner A saw running lesson 01, lesson 05 and lab 05 on their own daemon."""
    user = cfg.learner_names[0]
    nb = ("notebooks/01-containers-vs-vms.ipynb", "notebooks/05-containers.ipynb",
          "labs/05-containers/solution.ipynb")
    report = _run_notebooks(cfg, user, nb)
    return {"info": _daemon_info(cfg, user), "report": report}


def _run_notebooks(cfg, user: str, notebooks) -> dict:
    """Run NOTEBOOKS from USER's ~/course as USER, with their server's environment (their daemon)."""
    import pwd
    import subprocess
    from dockerlens.classroom.hubapi import server_env
    home = pwd.getpwnam(user).pw_dir + "/course"
    done = subprocess.run(["/usr/sbin/runuser", "-u", user, "--", cfg.learner_python, "-c", RUN, *notebooks],
                          env=server_env(cfg, user), cwd=home, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(l for l in done.stdout.splitlines() if l.startswith("REPORT "))
    return {k.rsplit("/", 1)[-1]: v for k, v in json.loads(line[len("REPORT "):]).items()}


@pytest.mark.parametrize("notebook", ["01-containers-vs-vms.ipynb", "05-containers.ipynb", "solution.ipynb"])
def test_every_cell_runs_on_the_private_daemon(runs, notebook):
    assert runs["report"][notebook]["errors"] == []


@pytest.mark.parametrize("notebook", ["01-containers-vs-vms.ipynb", "05-containers.ipynb"])
def test_the_learner_reads_why_when_the_daemon_has_no_cgroups(runs, notebook):
    text = runs["report"][notebook]["text"]
    if runs["info"].get("CgroupDriver") == "none":
        assert NO_CGROUPS in text, text[-3000:]
    else:
        assert "this daemon has no cgroups" not in text


def test_lesson_05_shows_the_daemons_refusal_to_pause(runs):
    text = runs["report"]["05-containers.ipynb"]["text"]
    if runs["info"].get("CgroupDriver") == "none":
        assert "The daemon answered 500" in text and "cgroups not configured" in text, text[-3000:]


def test_lesson_01_shows_the_memory_limit_was_not_enforced(runs):
    text = runs["report"]["01-containers-vs-vms.ipynb"]["text"]
    if runs["info"].get("MemoryLimit") is False:
        assert "No OOM kill here: " + NO_CGROUPS in text, text[-3000:]
        assert "without cgroups" in text  # the daemon's own warning from /info, shown beside it
        assert "'exit code': 0, 'OOMKilled': False" in text, text[-3000:]
