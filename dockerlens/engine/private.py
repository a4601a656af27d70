"""Private current engines (Docker Engine 28 both stores, Podman 5), each in its own namespaces.

Why: the course must work on the engines learners have, and this machine's own daemon is
Debian 12's Engine 20.10. Each private engine runs from the cached sid root
(`dockerlens.engine.sidroot`) as the root mount of its own mount namespace, in its own
network namespace, with its own data root, exec root, pid file and socket under
/run/dockerlens/engines/NAME/. The host's /tmp is bound in, so sockets and bind-mount paths
read the same inside and out; tests and kernels join the network namespace (`exec`), so a
port the engine publishes on 127.0.0.1 is reachable from them.

    python -m dockerlens.engine.private up [NAME...]        start (or reuse), print versions
    python -m dockerlens.engine.private down [NAME...]      stop: no process, mount or netns left
    python -m dockerlens.engine.private status [NAME...]
    python -m dockerlens.engine.private exec NAME -- CMD..  CMD in NAME's netns with DOCKER_HOST
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import daemons, sidroot, socketping
from . import namespaces as ns

RUN = Path(os.environ.get("DOCKERLENS_ENGINES_RUN", "/run/dockerlens/engines"))
DATA = Path(os.environ.get("DOCKERLENS_ENGINES_DATA", "/var/lib/dockerlens/engines"))
INSTANCE = os.environ.get("DOCKERLENS_ENGINES_INSTANCE", "")  # e.g. "ci": ci-docker28, apart from others'
START_SECONDS = 120


class EngineNotStarted(RuntimeError):
    """A private engine did not answer /_ping; the message ends with its log."""


@dataclass(frozen=True)
class Engine:
    """One private engine: its name, family ('docker' or 'podman') and daemon.json."""

    name: str
    family: str
    daemon_json: dict = field(default_factory=dict)

    @property
    def instance(self) -> str:
        """NAME, or INSTANCE-NAME: the name of its dirs and cgroup, so two users of one machine
        (say, CI and a developer) can each run their own docker28."""
        return f"{INSTANCE}-{self.name}" if INSTANCE else self.name

    @property
    def netns(self) -> str:
        return f"dl-{self.instance}"

    @property
    def run_dir(self) -> Path:
        return RUN / self.instance

    @property
    def data_dir(self) -> Path:
        return DATA / self.instance

    @property
    def socket(self) -> Path:
        return self.run_dir / f"{self.family}.sock"

    @property
    def docker_host(self) -> str:
        return f"unix://{self.socket}"

    @property
    def log(self) -> Path:
        return self.data_dir / "daemon.log"

    @property
    def state_file(self) -> Path:
        return self.run_dir / "state.json"

    def __repr__(self) -> str:
        return f"<Engine {self.name} ({self.family}) {self.docker_host} netns {self.netns}>"


ENGINES = {e.name: e for e in (
    Engine("docker28", "docker"),
    Engine("docker28-containerd", "docker", {"features": {"containerd-snapshotter": True}}),
    Engine("podman5", "podman"),
)}


def engine(name: str) -> Engine:
    """The private engine called NAME, or a SystemExit naming the known ones."""
    try:
        return ENGINES[name]
    except KeyError:
        raise SystemExit(f"no private engine {name!r}; known: {', '.join(ENGINES)}") from None


def under_test() -> Engine | None:
    """The private engine the tests run against (DOCKERLENS_ENGINE, set by the matrix), or None."""
    return ENGINES.get(os.environ.get("DOCKERLENS_ENGINE", ""))


def sibling(e: Engine, name: str) -> Engine:
    """Another private engine like E (same family and configuration) under its own NAME."""
    return replace(e, name=name)


def _state(e: Engine) -> dict:
    try:
        return json.loads(e.state_file.read_text())
    except (OSError, ValueError):
        return {}


def running(e: Engine) -> bool:
    """True when E's daemon process is alive and its socket answers /_ping."""
    pid = _state(e).get("pid")
    return bool(pid) and ns.alive(pid) and socketping.pings(str(e.socket))


def _say(line: str) -> None:
    print(f"[engines] {line}", file=sys.stderr, flush=True)


def up(e: Engine) -> dict:
    """Start E (or reuse it when it already answers); return its /version document."""
    if running(e):
        _say(f"{e.name}: already running (pid {_state(e)['pid']}), reused")
        return socketping.version(str(e.socket))
    down(e, quiet=True)
    root = sidroot.provision()
    started = time.monotonic()
    for path in (e.run_dir, e.data_dir):
        path.mkdir(parents=True, exist_ok=True)
    program, env = daemons.program(e)
    ns.ensure_netns(e.netns)
    script = ns.pivot_script(root, [e.run_dir, e.data_dir, Path("/tmp")], program, env)
    _say(f"{e.name}: starting {program[0]} in netns {e.netns} (log {e.log})")
    proc = ns.launch(e.netns, script, e.log)
    _wait_for_ping(e, proc)
    e.state_file.write_text(json.dumps({"pid": proc.pid, "mnt": ns.ns_inode(proc.pid, "mnt"),
                                        "net": ns.ns_inode(proc.pid, "net"), "started": time.time()}))
    doc = socketping.version(str(e.socket))
    _say(f"{e.name}: {socketping.describe(doc)} answers on {e.socket} after "
         f"{time.monotonic() - started:.1f} s")
    return doc


def _wait_for_ping(e: Engine, proc) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if socketping.pings(str(e.socket)):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    tail = "\n".join(e.log.read_text(errors="replace").splitlines()[-20:])
    down(e, quiet=True)
    why = f"exited with {proc.returncode}" if proc.poll() is not None else f"no answer in {START_SECONDS} s"
    raise EngineNotStarted(f"{e.name} did not start ({why}); the end of {e.log}:\n{tail}")


def down(e: Engine, quiet: bool = False) -> list[str]:
    """Stop E: its daemon, every process in its namespaces and cgroups, its netns and cgroups."""
    state, net = _state(e), _netns_inode(e)
    if state.get("pid") and ns.alive(state["pid"]):
        ns.terminate([state["pid"]], grace=30)
    rest = ns.pids_in(net=net, mnt=state.get("mnt")) + _cgroup_pids(e)
    killed = ns.terminate(sorted(set(rest)), grace=10) if rest else []
    ns.delete_netns(e.netns)
    cgroups = ns.remove_cgroups(_cgroup_dirs(e))
    left = ns.pids_in(net=net, mnt=state.get("mnt")) if (net or state.get("mnt")) else []
    if not left:  # the run dir is runtime state only (socket, exec root, pid file): none of it survives
        shutil.rmtree(e.run_dir, ignore_errors=True)
    notes = ([f"{len(rest)} leftover process(es) stopped"] if rest else []) + \
            ([f"{len(killed)} killed"] if killed else []) + ([f"still alive: {left}"] if left else [])
    if not quiet or notes:
        _say(f"{e.name}: stopped" + (f" ({'; '.join(notes)})" if notes else "")
             + (f", removed {len(cgroups)} cgroup dir(s)" if cgroups and not quiet else ""))
    return notes


def _netns_inode(e: Engine) -> int | None:
    try:
        return os.stat(ns.netns_path(e.netns)).st_ino
    except OSError:
        return None


def _cgroup_dirs(e: Engine) -> list[str]:
    """E's cgroups, relative to each hierarchy: Docker's parent is /INSTANCE; Podman's cgroupfs
    parent is always /libpod_parent, shared by every Podman, so only E's containers' cgroups."""
    if e.family == "docker":
        return [e.instance]
    containers = e.data_dir / "storage" / "overlay-containers"
    ids = [p.name for p in containers.iterdir() if p.is_dir()] if containers.is_dir() else []
    return [f"libpod_parent/libpod-{cid}" for cid in ids]  # conmon: found by its mount namespace


def _cgroup_pids(e: Engine) -> list[int]:
    """Processes in E's cgroups (containers whose shim already died keep running otherwise)."""
    pids = set()
    for rel in _cgroup_dirs(e):
        for procs in Path("/sys/fs/cgroup").glob(f"*/{rel}/**/cgroup.procs"):
            try:
                pids.update(int(p) for p in procs.read_text().split())
            except (OSError, ValueError):
                pass
    return sorted(pids)


def status(e: Engine) -> str:
    """One line: running with version, or stopped."""
    if not running(e):
        return f"{e.name:22} stopped"
    doc = socketping.version(str(e.socket))
    return f"{e.name:22} {socketping.describe(doc):34} {e.docker_host} (netns {e.netns}, pid {_state(e)['pid']})"


def exec_in(e: Engine, command: list[str]) -> None:
    """Replace this process by COMMAND in E's network namespace, DOCKER_HOST set to E's socket."""
    if not command:
        raise SystemExit("exec needs a command after --")
    if not running(e):
        raise SystemExit(f"{e.name} is not running: python -m dockerlens.engine.private up {e.name}")
    os.execvp("nsenter", [*ns.enter_net(e.netns), "env", f"DOCKER_HOST={e.docker_host}", *command])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if os.geteuid() != 0:
        print("private engines need root (namespaces, mounts): run with sudo", file=sys.stderr)
        return 1
    if argv[:1] == ["exec"]:
        if len(argv) < 2:
            raise SystemExit("usage: python -m dockerlens.engine.private exec NAME -- CMD...")
        rest = argv[2:]
        exec_in(engine(argv[1]), rest[1:] if rest[:1] == ["--"] else rest)
    parser = argparse.ArgumentParser(prog="python -m dockerlens.engine.private",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["up", "down", "status"])
    parser.add_argument("names", nargs="*", help=f"engines (default all: {' '.join(ENGINES)})")
    args = parser.parse_args(argv)
    for e in [engine(n) for n in args.names] or list(ENGINES.values()):
        if args.action == "up":
            try:
                print(f"{e.name:22} {socketping.describe(up(e)):34} {e.docker_host}", flush=True)
            except EngineNotStarted as exc:
                print(exc, file=sys.stderr)
                return 1
        elif args.action == "down":
            down(e)
        else:
            print(status(e))
    return 0


if __name__ == "__main__":
    sys.exit(main())
