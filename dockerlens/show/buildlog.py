"""Read a build log (``client.images.build()``'s second value) as a table of steps.

Lesson 04 uses it to show which Dockerfile steps came from the build cache and which ran again.
Two wordings: Docker's classic builder (``Step 2/4 : RUN ...``, `` ---> Using cache``) and
Buildah behind Podman's compatible API (``STEP 2/4: RUN ...``, ``--> Using cache ID``).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..render import left_aligned

STEP = re.compile(r"^(?:Step (\d+)/\d+ : |STEP (\d+)/\d+: )(.*)$")
LAYER = re.compile(r"^ ?-{2,3}> ([0-9a-f]{12,64})$")
CACHED = re.compile(r"^ ?-{2,3}> Using cache(?: ([0-9a-f]{12,64}))?$")


@dataclass
class Step:
    """One Dockerfile instruction: whether the cache answered it, and the image it produced."""
    number: int
    instruction: str
    cached: bool = False
    image: str = ""

    @property
    def status(self) -> str:
        if self.instruction.upper().startswith("FROM"):
            return "base image"
        return "from cache" if self.cached else "ran"


class BuildSteps(list):
    """The steps of one build, in order; renders as a coloured table."""

    @classmethod
    def parse(cls, log) -> "BuildSteps":
        """Steps from the build's JSON messages (an iterable of dicts with ``stream``)."""
        steps = cls()
        text = "".join(m.get("stream", "") for m in log if isinstance(m, dict))
        for line in text.splitlines():
            line = line.rstrip()
            if found := STEP.match(line):
                steps.append(Step(int(found.group(1) or found.group(2)), found.group(3)))
            elif steps and (found := CACHED.match(line)):
                steps[-1].cached = True
                steps[-1].image = (found.group(1) or "")[:12]
            elif steps and (found := LAYER.match(line)):
                steps[-1].image = found.group(1)[:12]
        return steps

    @property
    def ran(self) -> list[Step]:
        """Steps that executed (not the FROM, not answered by the cache)."""
        return [s for s in self if s.status == "ran"]

    @property
    def cached(self) -> list[Step]:
        return [s for s in self if s.status == "from cache"]

    def __repr__(self) -> str:
        return "\n".join(f"{s.number:>2} {s.status:<11} {s.image:<12} {s.instruction}" for s in self)

    def _repr_html_(self) -> str:
        colour = {"base image": "#e9ecef", "from cache": "#d3f9d8", "ran": "#ffe8cc"}
        rows = "".join(
            f"<tr style='background:{colour[s.status]}'><td>{s.number}</td><td>{s.status}</td>"
            f"<td><code>{s.image}</code></td><td><code>{html.escape(s.instruction)}</code></td></tr>"
            for s in self)
        return left_aligned("<table><thead><tr><th>step</th><th></th><th>layer image</th><th>instruction</th>"
                f"</tr></thead><tbody>{rows}</tbody></table>")
