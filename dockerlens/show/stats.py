"""Measure container start latency and show it beside published VM boot times.

Lesson 01 times N containers (create + start, then until the daemon reports them running)
and renders the median and p90 as a table and a small log-scale SVG bar chart. The VM
figures are not measured here: each carries its source, so a learner can check it.
"""
from __future__ import annotations

import html
import math
import time
from dataclasses import dataclass, field

from ..render import left_aligned


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0..100) with linear interpolation between closest ranks.

    >>> percentile([1, 2, 3, 4], 50)
    2.5
    >>> percentile([5.0], 90)
    5.0
    """
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Reference:
    """A boot time somebody else measured, with where it was published."""
    label: str
    seconds: float
    shown: str
    source: str
    url: str


VM_BOOT = [
    Reference("Firecracker microVM", 0.125, "≈ 125 ms",
              "Firecracker README / firecracker-microvm.github.io: \"initiates user space or "
              "application code in as little as 125 ms\"; Agache et al., NSDI 2020",
              "https://firecracker-microvm.github.io/"),
    Reference("cloud VM (on demand)", 30.0, "tens of seconds",
              "Mao & Humphrey, \"A Performance Study on the VM Startup Time in the Cloud\", "
              "IEEE CLOUD 2012 (doi:10.1109/CLOUD.2012.103); Hao et al., \"An Empirical Analysis "
              "of VM Startup Times in Public IaaS Clouds\", arXiv:2107.03467 (2021)",
              "https://arxiv.org/abs/2107.03467"),
]


@dataclass
class StartLatency:
    """Per-container seconds for create+start and for create until running."""
    started: list[float] = field(default_factory=list)
    running: list[float] = field(default_factory=list)
    references: list[Reference] = field(default_factory=lambda: list(VM_BOOT))

    def started_one(self, client, image: str, command: list[str] | None, name: str,
                    labels: dict[str, str]) -> None:
        """Create and start one container; add its two timings."""
        t0 = time.perf_counter()
        ctr = client.containers.create(image, command or ["sleep", "300"], name=name, labels=labels)
        ctr.start()
        self.started.append(time.perf_counter() - t0)
        while ctr.status != "running":
            ctr.reload()
            if ctr.status == "exited":
                raise RuntimeError(f"container {ctr.name} exited while being timed; "
                                   f"its logs: {ctr.logs()[-300:]!r}")
        self.running.append(time.perf_counter() - t0)

    @property
    def median(self) -> float:
        return percentile(self.running, 50)

    @property
    def p90(self) -> float:
        return percentile(self.running, 90)

    def rows(self) -> list[tuple[str, float, str, str]]:
        """(what, seconds, as shown, source) for the table and the chart."""
        n = len(self.running)
        ours = [(f"container, median of {n} (measured)", self.median, _ms(self.median), "this daemon, now"),
                (f"container, p90 of {n} (measured)", self.p90, _ms(self.p90), "this daemon, now")]
        return ours + [(r.label, r.seconds, r.shown, r.source) for r in self.references]

    def __repr__(self) -> str:
        return "\n".join(f"{what:<38} {shown:>16}  {source}" for what, _, shown, source in self.rows())

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(w)}</td><td style='text-align:right'>{html.escape(s)}"
                       f"</td><td style='font-size:85%'>{html.escape(src)}</td></tr>"
                       for w, _, s, src in self.rows())
        table = ("<table><thead><tr><th>what starts</th><th>time</th><th>source</th></tr></thead>"
                 f"<tbody>{rows}</tbody></table>")
        return left_aligned(table) + self.svg()

    def svg(self, width: int = 640) -> str:
        """A log-scale horizontal bar chart from 10 ms to 100 s."""
        left, right, bar, gap = 230, 110, 18, 8
        lo, hi = math.log10(0.01), math.log10(100)
        rows = self.rows()
        axis_y = len(rows) * (bar + gap) + 5
        span = width - left - right

        def x_of(seconds: float) -> float:
            return left + span * (math.log10(max(seconds, 0.01)) - lo) / (hi - lo)

        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{axis_y + 20}" '
                 'font-family="sans-serif" font-size="11">']
        for tick, text in [(0.01, "10 ms"), (0.1, "100 ms"), (1, "1 s"), (10, "10 s"), (100, "100 s")]:
            x = x_of(tick)
            parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{axis_y}" stroke="#ddd"/>'
                         f'<text x="{x:.1f}" y="{axis_y + 14}" text-anchor="middle">{text}</text>')
        for i, (what, seconds, shown, _) in enumerate(rows):
            y = 5 + i * (bar + gap)
            end = max(left + 2, x_of(seconds))
            colour = "#2b7bb9" if what.startswith("container") else "#b0b0b0"
            parts.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{html.escape(what)}</text>'
                         f'<rect x="{left}" y="{y}" width="{end - left:.1f}" height="{bar}" fill="{colour}"/>'
                         f'<text x="{end + 4:.1f}" y="{y + 13}">{html.escape(shown)}</text>')
        parts.append("</svg>")
        return "".join(parts)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


class Interrupted(KeyboardInterrupt):
    """Kernel → Interrupt stopped a cell that makes many objects; what it made is removed."""


def measure_starts(client, image: str, count: int, name, labels: dict[str, str],
                   command: list[str] | None = None) -> StartLatency:
    """Create and start COUNT containers one after another; time each until it runs.

    ``name(i)`` gives the i-th container's name. The containers are left running (the
    caller removes them) so that the measurement includes nothing but creating and starting.
    Interrupted, it removes the containers it made and raises :class:`Interrupted` saying so.
    """
    result, reached = StartLatency(), 0
    try:
        for reached in range(count):
            result.started_one(client, image, command, name(reached), labels)
    except KeyboardInterrupt:
        removed = _remove_named(client, [name(i) for i in range(reached + 1)])
        raise Interrupted(f"stopped after {len(result.running)} of {count} starts; removed the "
                          f"{len(removed)} container(s) this cell made"
                          + (f" ({removed[0]} … {removed[-1]})" if removed else "")) from None
    return result


def _remove_named(client, names: list[str]) -> list[str]:
    """Remove this learner's containers of these names (a second interrupt is ignored)."""
    import docker.errors

    from ..engine.scope import is_ours, remove_now
    removed = []
    for wanted in names:
        for _ in range(3):  # an interrupt during the removal must not leave it half done
            try:
                ctr = client.containers.get(wanted)
                if is_ours(ctr):
                    remove_now(ctr)
                    removed.append(wanted)
                break
            except docker.errors.NotFound:
                break
            except KeyboardInterrupt:
                continue
    return removed
