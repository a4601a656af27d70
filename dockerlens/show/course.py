"""The course map: every lesson, its notebook, its lab. One list, read by the preflight
notebook, the CLI and the tests (which assert that each notebook here exists and ran)."""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from ..render import left_aligned

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Lesson:
    number: str
    slug: str
    title: str
    minutes: int

    @property
    def notebook(self) -> Path:
        return ROOT / "notebooks" / f"{self.number}-{self.slug}.ipynb"

    @property
    def lab(self) -> Path:
        return ROOT / "labs" / f"{self.number}-{self.slug}"


LESSONS = [
    Lesson("00", "preflight", "Preflight: how this course works", 10),
    Lesson("01", "containers-vs-vms", "Containers vs virtual machines", 25),
    Lesson("02", "docker-engine", "The Docker Engine: a client, a REST API, a daemon", 25),
    Lesson("03", "architecture", "Docker architecture: client, daemon, objects", 30),
    Lesson("04", "images", "Container images: layers, build, cache, tags", 25),
    Lesson("05", "containers", "Containers: the lifecycle, exec, logs, restart policies", 30),
    Lesson("06", "networks", "Networks: bridges, DNS, published ports, isolation", 25),
    Lesson("07", "volumes", "Volumes: where a container's data lives", 20),
    Lesson("08", "events", "Events: the daemon's diary", 20),
    Lesson("09", "registries", "Registries and distribution: push, pull, digests", 35),
    Lesson("10", "security", "Security: the socket, capabilities, seccomp, users", 30),
]


class CourseMap(list):
    """The lessons as a table (HTML in a notebook, text in a terminal), with links that work."""

    def __repr__(self) -> str:
        return "\n".join(f"{l.number}  {l.title:<45} {l.minutes:>3} min  "
                         f"{'lab ' + l.lab.name if l.lab.exists() else ''}" for l in self)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{l.number}</td><td><a href='{l.notebook.name}'>{html.escape(l.title)}</a></td>"
            f"<td>{l.minutes} min</td><td>"
            + (f"<a href='../labs/{l.lab.name}/lab.ipynb'>lab {l.lab.name}</a>" if l.lab.exists()
               else "") + "</td></tr>" for l in self)
        return left_aligned("<table><thead><tr><th>#</th><th>lesson</th><th>time</th><th>lab</th></tr>"
                f"</thead><tbody>{rows}</tbody></table>")


def course_map() -> CourseMap:
    return CourseMap(LESSONS)
