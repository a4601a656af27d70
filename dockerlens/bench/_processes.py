"""What a class's processes use while it runs: each learner's peak memory and CPU seconds, by part.

A sampler thread reads /proc once a second. A process belongs to a learner when its uid is
the learner's or in the learner's subordinate range (a rootless daemon and its containers run
as both). CPU is counted from the moment ``start()`` is called; a process that lives less than
a sample (a ``runc`` call, a ``dot`` render, a container's ``echo``) is not seen, so the
machine's own busy time (/proc/stat) is reported beside it.
"""
from __future__ import annotations

import collections
import os
import threading
from pathlib import Path

HZ = os.sysconf("SC_CLK_TCK")
DAEMON = {"dockerd", "containerd", "rootlesskit", "slirp4netns", "containerd-shim", "runc",
          "docker-proxy", "rootlesskit-doc", "exe"}  # comm names (15 characters at most)


def part_of(comm: str, cmdline: str) -> str:
    """Which part of a learner's class a process is: kernels, JupyterLab, daemon or containers.

    >>> part_of("python3", "python -m ipykernel_launcher -f k.json")
    'kernels'
    >>> part_of("containerd-shim", "")
    'daemon'
    """
    if comm in DAEMON or comm.startswith("containerd"):
        return "daemon"
    if "ipykernel" in cmdline:
        return "kernels"
    if "jupyterhub-singleuser" in cmdline or "jupyter-lab" in cmdline or "jupyter_server" in cmdline:
        return "JupyterLab"
    return "containers"


class ClassSampler:
    """Samples, once a second, the PSS and CPU time of every process of each learner."""

    def __init__(self, owners: dict[str, tuple[int, int, int]], period: float = 1.0):
        self.owners = owners  # name -> (uid, lowest subordinate id, highest)
        self.period = period
        self.peak = dict.fromkeys(owners, 0)
        self.harness: set[int] = set()  # pids standing in for the learners' browsers
        # (pid, start tick) -> [learner, part, CPU s when first seen, CPU s when last seen]
        self._seen: dict[tuple[int, int], list] = {}
        self._busy = (0.0, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="bench-sampler")

    def exclude(self, pids) -> None:
        """PIDS are the harness's (the browser's stand-in): counted apart, never as a learner's."""
        self.harness.update(pids)

    def start(self) -> None:
        self._sample(baseline=True)
        self._busy = (_machine_busy(), 0.0)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        self._busy = (self._busy[0], _machine_busy())

    def _loop(self) -> None:
        while not self._stop.wait(self.period):
            self._sample()

    def _learner(self, uid: int) -> str | None:
        for name, (own, low, high) in self.owners.items():
            if uid == own or low <= uid <= high:
                return name
        return None

    def _sample(self, baseline: bool = False) -> None:
        totals = dict.fromkeys(self.owners, 0)
        for pid, uid, start, comm, cpu, entry in _processes():
            key = (pid, start)
            name = self._learner(uid)
            if name is None:
                continue
            if key not in self._seen:
                part = "harness" if pid in self.harness else part_of(comm, _cmdline(entry))
                self._seen[key] = [name, part, cpu if baseline else 0.0, cpu]
            seen = self._seen[key]
            seen[3] = cpu
            if seen[1] != "harness":
                totals[name] += _pss(entry)
        for name, total in totals.items():
            self.peak[name] = max(self.peak[name], total)

    def cpu(self) -> dict[str, dict[str, float]]:
        """{learner: {part: CPU seconds}} since ``start()``."""
        used: dict[str, dict[str, float]] = {name: collections.Counter() for name in self.owners}
        for name, part, first, last in self._seen.values():
            used[name][part] += last - first
        return used

    def learner_cpu(self) -> dict[str, float]:
        """{learner: CPU seconds of their own processes} since ``start()`` (the harness not counted)."""
        return {name: sum(sec for part, sec in parts.items() if part != "harness")
                for name, parts in self.cpu().items()}

    def machine_busy(self) -> float:
        """CPU seconds the whole machine was busy between ``start()`` and ``stop()``."""
        return self._busy[1] - self._busy[0]


def _processes():
    """(pid, uid, start tick, comm, CPU seconds, /proc entry) of every process we may read."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            uid = entry.stat().st_uid
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        cpu = (int(fields[11]) + int(fields[12])) / HZ
        yield int(entry.name), uid, int(fields[19]), comm, cpu, entry


def _cmdline(entry: Path) -> str:
    try:
        return (entry / "cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def _pss(entry: Path) -> int:
    try:
        rollup = (entry / "smaps_rollup").read_text()
    except OSError:
        return 0
    return 1024 * next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)


def busy_cores(seconds: float) -> float:
    """How many cores the machine keeps busy, on average over the next SECONDS."""
    import time
    before = _machine_busy()
    time.sleep(seconds)
    return (_machine_busy() - before) / seconds


def _machine_busy() -> float:
    """CPU seconds every core has spent not idle (nor waiting on I/O) since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / HZ
