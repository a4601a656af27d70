"""A class of simulated learners on this machine, each with a private rootless daemon, all at once.

``python -m dockerlens.bench classroom`` (root): ``classroom up`` with N learners
(``DOCKERLENS_BENCH_LEARNERS``, default 20), every learner's server started through the hub,
then lesson 05 and lab 05's solution run top to bottom by each learner (a kernel as that
account, with their server's environment: their own ``DOCKER_HOST``), first one learner
alone, then all of them at once. Printed: memory per learner at the peak (PSS of every process
of the account and of its daemon's subordinate IDs: JupyterLab, kernels, daemon, containers;
not the harness that stands in for the browser), each learner's run time over the lone
learner's, and the objects any learner's daemon holds that carry another learner's labels
(must be 0). ``classroom down`` at the end.

Beside the ratio, where its floor is: the CPU one lone run adds to the machine (its busy time
above the idle class's), times the learners, over the cores the idle class leaves. A class run
cannot end sooner than that on this machine, so the ratio cannot be lower than its floor; and
each learner's CPU during the class run, by part (kernels, JupyterLab, daemon, containers).

Inside each learner's clock: both notebooks' kernel starts and every cell, as a learner runs
them (the lessons' own waits included). Outside it, as in a class where learners log in before
the lesson: the servers, their rootless daemons and the course images loaded into them (at
spawn), and the harness's own start (nbclient and nbformat import jsonschema, about 2 s of CPU
each on this machine): every runner imports first, says READY, and all are released together.
"""
from __future__ import annotations

import collections
import concurrent.futures
import os
import statistics
import subprocess
import time
from pathlib import Path

from . import Figure
from ._processes import ClassSampler, busy_cores

LEARNERS = int(os.environ.get("DOCKERLENS_BENCH_LEARNERS", "20"))
PORT = int(os.environ.get("DOCKERLENS_BENCH_CLASSROOM_PORT", "18500"))
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ["notebooks/05-containers.ipynb", "labs/05-containers/solution.ipynb"]
RUN_NOTEBOOKS = """
import os, re, sys, time, nbformat
from nbclient import NotebookClient
print(f"READY {os.getpid()}", flush=True)
sys.stdin.readline()  # GO: every learner of the run starts now
failed = []
started = time.monotonic()
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": path.rsplit("/", 1)[0]}}).execute()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                why = re.sub(r"\\x1b\\[[0-9;]*m", "", out["evalue"]).split('("', 1)[-1]
                why = re.sub(r"[0-9a-f]{64}", "<id>", why)[:110]
                failed.append(f"{path.rsplit('/', 1)[-1]} cell {cell.get('id')}: {out['ename']}: {why}")
print(f"SECONDS {time.monotonic() - started:.2f}")
print("FAILED " + " | ".join(failed) if failed else "OK")
"""


def run() -> list[Figure]:
    if os.geteuid() != 0:
        return [Figure("classroom", float("nan"), "", "", "not run: needs root (accounts, a hub)")]
    from ..classroom import run as classroom
    from ..classroom.config import ClassConfig
    say = lambda line: print(line, file=__import__("sys").stderr, flush=True)  # noqa: E731
    classroom.up(LEARNERS, prefix="bench", port=PORT, say=say)
    try:
        return _measure(ClassConfig.load(), say)
    finally:
        classroom.down(say=say)


def _measure(cfg, say) -> list[Figure]:
    from ..classroom import hubapi
    names = cfg.learner_names
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: hubapi.start_server(cfg, n, seconds=900), names))
    spawn = time.monotonic() - started
    say(f"{len(names)} servers ready in {spawn:.0f} s; one learner alone runs lesson 05 + lab 05 ...")
    idle = busy_cores(10.0)  # the class doing nothing: servers, daemons, hub, and the machine's others
    owners = _owners(cfg)
    lone = ClassSampler({names[0]: owners[names[0]]})
    (alone, alone_failed), = _run_together(cfg, names[:1], lone).values()
    lone_cpu = lone.learner_cpu()[names[0]]
    lone_demand = lone.machine_busy() - idle * alone  # core-seconds one learner's run adds
    floor = len(names) * lone_demand / ((os.cpu_count() - idle) * alone)
    _reset(cfg, names[0])
    say(f"alone: {alone:.1f} s; now all {len(names)} at once ...")
    sampler = ClassSampler(owners)
    results = _run_together(cfg, names, sampler)
    crossed = sum(_foreign_objects(cfg, n) for n in names)
    times = [seconds for seconds, _ in results.values() if seconds == seconds]  # NaN: did not finish
    unfinished = len(results) - len(times)
    failed = collections.Counter(why for _, whys in [*results.values(), (alone, alone_failed)]
                                 for why in whys.split(" | ") if why)
    per_learner = sampler.peak
    cpu = sampler.cpu()
    parts = {part: statistics.median(used.get(part, 0.0) for used in cpu.values())
             for part in ("kernels", "JupyterLab", "daemon", "containers", "harness")}
    learners_cpu = statistics.median(sampler.learner_cpu().values())
    note_failed = ("; cells that raised (every cell still ran), over all runs: "
                   + " / ".join(f"{n}× {why}" for why, n in failed.most_common(4))) if failed else ""
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return [
        Figure("classroom: servers ready (all spawned at once)", spawn, "s", "",
               f"{len(names)} learners, each with a rootless daemon and the course images"),
        Figure("classroom: memory per learner at the peak", statistics.median(per_learner.values()) / 1e6,
               "MB", "< 300 MB", f"median; max {max(per_learner.values()) / 1e6:.0f} MB; PSS of "
               "JupyterLab + kernels + rootless daemon + containers (not the harness)"),
        Figure("classroom: lesson 05 + lab 05, one learner alone", alone, "s", "",
               "clock: both kernels' starts and every cell; servers, daemons and images are ready before"),
        Figure("classroom: run time ratio, all at once vs alone", statistics.median(times) / alone, "×",
               "< 4", f"median; max {max(times) / alone:.1f}× on {os.cpu_count()} cores; "
               f"{unfinished} runner(s) did not finish; load average "
               f"after the run {load} (the machine is shared){note_failed}"),
        Figure("classroom: the ratio's floor, set by CPU demand", floor, "×", "",
               f"{len(names)} learners × {lone_demand:.1f} core-s (what one lone run added to the machine's "
               f"busy time) over the {os.cpu_count() - idle:.2f} of {os.cpu_count()} cores the idle class "
               f"leaves, against {alone:.1f} s alone: no scheduling does better on this machine"),
        Figure("classroom: CPU per learner during the class run", learners_cpu, "s", "",
               "median; by part " + ", ".join(f"{part} {sec:.1f} s" for part, sec in parts.items())
               + f" (harness: the browser's stand-in, not the learner's); alone {lone_cpu:.1f} s; "
               f"the machine was busy "
               f"{sampler.machine_busy():.0f} s of {os.cpu_count() * max(times):.0f} "
               "core-seconds (processes shorter than a 1 s sample are only in that total)"),
        Figure("classroom: cross-learner objects seen", crossed, "", "0",
               "objects in any learner's daemon labelled with another learner"),
    ]


def _run_together(cfg, names: list[str], sampler: ClassSampler | None = None) -> dict[str, tuple[float, str]]:
    """Each of NAMES runs lesson 05 and lab 05 top to bottom, all released at the same moment
    once every runner has started: {name: (seconds, what failed or '')}."""
    runners = {name: _runner(cfg, name) for name in names}
    pids = {name: _ready(name, proc) for name, proc in runners.items()}
    if sampler is not None:
        sampler.exclude(pids.values())
        sampler.start()
    for proc in runners.values():
        proc.stdin.write("GO\n")
        proc.stdin.flush()
    with concurrent.futures.ThreadPoolExecutor(len(names)) as pool:
        results = dict(zip(names, pool.map(lambda n: _outcome(runners[n]), names)))
    if sampler is not None:
        sampler.stop()
    return results


def _runner(cfg, name: str) -> subprocess.Popen:
    """LEARNER's notebook runner, started as their account with their server's environment."""
    import pwd
    from ..classroom.hubapi import server_env
    home = Path(pwd.getpwnam(name).pw_dir) / "course"
    return subprocess.Popen(["/usr/sbin/runuser", "-u", name, "--", cfg.learner_python, "-c", RUN_NOTEBOOKS,
                             *NOTEBOOKS], env=server_env(cfg, name), cwd=home, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _ready(name: str, proc: subprocess.Popen) -> int:
    """Wait for the runner's READY line; its pid."""
    line = proc.stdout.readline()
    if not line.startswith("READY "):
        raise RuntimeError(f"{name}'s notebook runner did not start: {proc.communicate()[1][-400:]}")
    return int(line.split()[1])


def _outcome(proc: subprocess.Popen) -> tuple[float, str]:
    """Seconds the runner's learner took, and what failed ('' if none)."""
    out, err = proc.communicate(timeout=1800)
    lines = out.splitlines()
    seconds = next((float(l.split()[1]) for l in lines if l.startswith("SECONDS ")), float("nan"))
    failed = next((l[len("FAILED "):] for l in lines if l.startswith("FAILED ")), "")
    if proc.returncode != 0:
        failed = failed or (err.strip().splitlines() or ["?"])[-1][:120]
    return seconds, failed


def _client(name: str):
    import docker
    from ..classroom.daemon import LearnerDaemon
    return docker.DockerClient(base_url=LearnerDaemon(name).url, timeout=60)


def _reset(cfg, name: str) -> None:
    """Remove what the lone run left in LEARNER's daemon, so the class run starts the same."""
    from ..engine.scope import acting_as, reset
    client = _client(name)
    with acting_as(name):
        reset(client)
    client.close()


def _owners(cfg) -> dict[str, tuple[int, int, int]]:
    """Each learner's uid and subordinate ID range (their daemon and containers run as both)."""
    owners = {}
    for name in cfg.learner_names:
        facts = cfg.accounts[name]
        low, high = (int(x) for x in facts["subids"].split("-"))
        owners[name] = (facts["uid"], low, high)
    return owners


def _foreign_objects(cfg, name: str) -> int:
    """Objects in LEARNER's daemon that carry another learner's labels."""
    client = _client(name)
    found = [*client.containers.list(all=True), *client.images.list(), *client.volumes.list(),
             *client.networks.list()]
    labelled = [(getattr(o, "attrs", {}).get("Config", {}) or {}).get("Labels") or o.attrs.get("Labels") or {}
                for o in found]
    client.close()
    # the course images say learner "shared": one copy in every daemon, by design
    return sum(1 for labels in labelled if labels.get("dockerlens.learner") not in (None, name, "shared"))
