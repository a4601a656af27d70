"""Run the course's test tiers against every engine a learner may have, one after another.

Why: a course that passes only on Debian 12's Engine 20.10 breaks on Docker Desktop, Engine 28
and Podman. For each engine of ENGINES (``host`` is this machine's own daemon, the others are
private engines of `dockerlens.engine.private`), the course images are built into it and each
tier of TIERS runs with DOCKER_HOST at that engine, inside its network namespace, as a learner
of its own. The summary starts with the engine versions tested and each tier's time.

    python -m dockerlens.engine.matrix [--engines "host podman5"] [--tiers labs] [-- PYTEST ARGS]
    python -m dockerlens.engine.matrix --record docker28 [-- LESSONS]   (make record)
    ENGINES=... TIERS=... make test-engines
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import private, sidroot, socketping

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ENGINES = ("host", *private.ENGINES)
TIERS = {"integration": "tests/integration", "notebooks": "tests/notebooks", "labs": "tests/labs",
         "unit": "tests/unit", "replay": "tests/replay"}
DEFAULT_TIERS = ("integration", "notebooks", "labs")
HOST_SOCKET = "/var/run/docker.sock"
LOGS = Path(os.environ.get("DOCKERLENS_MATRIX_LOGS", "/tmp/dockerlens-matrix"))
OUTCOME = re.compile(r"^=+ (.*\d+ (passed|failed|error|errors|skipped|deselected).*) in [\d.]+s.*=+$")


@dataclass
class TierRun:
    """One tier on one engine: pytest's closing counts, its exit code and its time."""

    engine: str
    tier: str
    code: int
    seconds: float
    counts: str
    failures: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"{self.engine:20} {self.tier:12} {self.seconds:7.1f} s  {self.counts}"


def _say(line: str) -> None:
    print(f"[matrix] {line}", flush=True)


def socket_of(name: str) -> str:
    return HOST_SOCKET if name == "host" else str(private.engine(name).socket)


def prefix(name: str) -> list[str]:
    """The command prefix that runs a program against engine NAME (in its netns when private)."""
    if name == "host":
        return ["env", f"DOCKER_HOST=unix://{HOST_SOCKET}"]
    e = private.engine(name)
    return ["nsenter", f"--net=/run/netns/{e.netns}", "--", "env", f"DOCKER_HOST={e.docker_host}"]


SHORT = {"host": "host", "docker28": "d28", "docker28-containerd": "ctd", "podman5": "pm5"}


def learner_for(name: str, base: str | None = None) -> str:
    """A learner name per engine, none a prefix of another: engines tested side by side share
    the host's registry state, and a test session claims every learner its name starts.

    >>> learner_for("docker28-containerd", base="ci"), learner_for("docker28", base="ci")
    ('ci-ctd', 'ci-d28')
    """
    base = base or os.environ.get("DOCKERLENS_LEARNER", "matrix")
    return f"{base}-{SHORT.get(name, name)}"


def prepare(name: str) -> str:
    """Start engine NAME when private, build the course images into it; return its version line."""
    started = time.monotonic()
    if name != "host":
        private.up(private.engine(name))
    up = time.monotonic()
    env = {**os.environ, "DOCKERLENS_LEARNER": learner_for(name)}
    subprocess.run([*prefix(name), sys.executable, "-m", "dockerlens", "images"], check=True, cwd=ROOT, env=env)
    doc = socketping.version(socket_of(name))
    return (f"{socketping.describe(doc):36} up in {up - started:4.1f} s, "
            f"images in {time.monotonic() - up:4.1f} s, {socket_of(name)}")


def run_tier(name: str, tier: str, extra: list[str], stream: bool = True) -> TierRun:
    """Run pytest on TIER against engine NAME, keeping a log; its output streams when STREAM
    (engines run side by side print only each tier's closing line, their logs keep the rest, line by
    line, so a watcher can follow one)."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}-{tier}.log"
    env = {**os.environ, "DOCKERLENS_LEARNER": learner_for(name), "DOCKERLENS_ENGINE": name,
           "PYTHONUNBUFFERED": "1"}  # progress streams as it happens, not at the end
    cmd = [*prefix(name), sys.executable, "-m", "pytest", TIERS[tier], "-p", "no:cacheprovider", *extra]
    _say(f"{name} / {tier}: {' '.join(cmd[-4 - len(extra):])} (log {log})")
    started, counts, failures = time.monotonic(), "no closing line", []
    with log.open("w", buffering=1) as out, subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                                stderr=subprocess.STDOUT, text=True, bufsize=1) as proc:
        for line in proc.stdout:
            if stream:
                sys.stdout.write(line)
            out.write(line)
            if m := OUTCOME.match(line.strip()):
                counts = m.group(1)
            if line.startswith(("FAILED ", "ERROR ")):
                failures.append(line.strip())
    run = TierRun(name, tier, proc.returncode, time.monotonic() - started, counts, failures)
    if not stream:
        _say(f"done: {run!r}")
    return run


def run_engine(name: str, tiers: list[str], extra: list[str], stream: bool = True
               ) -> tuple[str, list[TierRun]]:
    """Prepare engine NAME and run each tier on it in turn: (its version line, the runs)."""
    try:
        version = prepare(name)
    except (private.EngineNotStarted, subprocess.CalledProcessError, OSError) as exc:
        return f"NOT READY: {exc}", []
    return version, [run_tier(name, tier, extra, stream) for tier in tiers]


def summary(versions: dict[str, str], runs: list[TierRun]) -> str:
    """Engine versions first, then one line per tier run, then the failures by engine."""
    lines = ["=" * 30 + " engine matrix " + "=" * 30, "engines tested:"]
    lines += [f"  {name:20} {version}" for name, version in versions.items()]
    lines += ["tiers:"] + [f"  {run!r}" for run in runs]
    for name in versions:
        total = sum(r.seconds for r in runs if r.engine == name)
        lines.append(f"  {name:20} {'all tiers':12} {total:7.1f} s")
    failed = [r for r in runs if r.code]
    for run in failed:
        lines.append(f"{run.engine} / {run.tier}:")
        lines += [f"  {f}" for f in run.failures] or [f"  pytest exited {run.code}"]
    empty = [r for r in runs if not r.code and not re.search(r"\d+ passed", r.counts)]
    lines += [f"{r.engine} / {r.tier}: nothing passed ({r.counts})" for r in empty]
    lines.append("all engines passed" if not failed and not empty
                 else f"{len(failed) + len(empty)} tier run(s) failed or tested nothing")
    lines.append(totals(runs))
    return "\n".join(lines)


def totals(runs: list[TierRun]) -> str:
    """The closing line over every tier run, in pytest's words (errors count as failures).

    >>> totals([TierRun("a", "labs", 1, 1.0, "2 failed, 9 passed, 1 error"), TierRun("b", "labs", 0, 1.0, "4 passed")])
    'matrix: 13 passed, 3 failed'
    """
    def count(word: str) -> int:
        return sum(int(n) for r in runs for n in re.findall(rf"(\d+) {word}", r.counts))
    skipped = count("skipped")
    return (f"matrix: {count('passed')} passed, {count('failed') + count('errors?')} failed"
            + (f", {skipped} skipped" if skipped else ""))


def record_on(name: str, lessons: list[str]) -> int:
    """`make record`: the recorder run in engine NAME's namespace, so recordings show that engine."""
    if name not in private.ENGINES:
        raise SystemExit(f"unknown engine {name} (engines: {' '.join(private.ENGINES)}, or RECORD_ENGINE=host)")
    was_running = private.running(private.engine(name))
    try:
        _say(f"recording on {prepare(name)}")
        return subprocess.run([*prefix(name), sys.executable, "-m", "dockerlens", "record", *lessons],
                              cwd=ROOT).returncode
    finally:
        if not was_running:
            private.down(private.engine(name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dockerlens.engine.matrix", description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default=os.environ.get("ENGINES") or " ".join(DEFAULT_ENGINES))
    parser.add_argument("--tiers", default=os.environ.get("TIERS") or " ".join(DEFAULT_TIERS))
    parser.add_argument("--keep", action="store_true", help="leave the private engines running")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("MATRIX_JOBS") or 1),
                        help="engines tested side by side (each in its own namespace; default 1)")
    parser.add_argument("--record", metavar="ENGINE",
                        help="instead of tests: re-record recordings/ on ENGINE (lessons after --)")
    parser.add_argument("pytest_args", nargs="*", help="after --: passed to every pytest run")
    args = parser.parse_args(argv)
    engines, tiers = args.engines.split(), args.tiers.split()
    unknown = [e for e in engines if e != "host" and e not in private.ENGINES] + [t for t in tiers if t not in TIERS]
    if unknown:
        raise SystemExit(f"unknown engine or tier: {' '.join(unknown)} "
                         f"(engines: {' '.join(DEFAULT_ENGINES)}; tiers: {' '.join(TIERS)})")
    if os.geteuid() != 0 and set(engines) - {"host"}:
        raise SystemExit("private engines need root (namespaces, mounts, debootstrap): "
                         "run as root, or ENGINES=host")
    if args.record:
        return record_on(args.record, args.pytest_args)
    started = [e for e in engines if e != "host" and not private.running(private.engine(e))]
    versions, runs = {}, []
    jobs = max(1, min(args.jobs, len(engines)))
    if jobs > 1:
        _say(f"{len(engines)} engines, {jobs} at a time: each tier's output is in its log, "
             f"its closing line printed here")
    if set(engines) - {"host"}:
        sidroot.provision()  # once, before engines start side by side
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = pool.map(lambda n: run_engine(n, tiers, args.pytest_args, stream=jobs == 1), engines)
            for name, (version, engine_runs) in zip(engines, results):
                versions[name] = version
                runs += engine_runs
    finally:
        if not args.keep:
            for name in started:
                private.down(private.engine(name))
    print(summary(versions, runs), flush=True)
    tested = all(re.search(r"\d+ passed", r.counts) for r in runs)  # a tier that ran nothing fails
    return 1 if any(r.code for r in runs) or len(runs) < len(engines) * len(tiers) or not tested else 0


if __name__ == "__main__":
    sys.exit(main())
