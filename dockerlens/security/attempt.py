"""Run one short command in a labelled container with given settings: exit code, output, HostConfig.

Lesson 10 tries the same command under different walls (capabilities, seccomp, read-only);
the container is removed afterwards, so only the answer stays.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

from ..engine import images, scope


@dataclass
class Attempt:
    """What a command did in a container: its exit code, its output, how the daemon set it up."""
    command: str
    exit_code: int
    output: str
    host_config: dict = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def __repr__(self) -> str:
        return f"exit {self.exit_code}: {self.output or '(no output)'}"

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.ok else "#cf222e"
        return (f'<div><code>{html.escape(self.command)}</code> → <b style="color:{colour}">exit '
                f"{self.exit_code}</b><pre>{html.escape(self.output)}</pre></div>")


def attempt(client, name: str, command: str, **settings) -> Attempt:
    """Run ``sh -c COMMAND`` in ``lens.name(NAME)`` from the base image with SETTINGS; wait; remove."""
    ctr = client.containers.run(images.tag("base"), ["sh", "-c", command], name=scope.name(name),
                                labels=scope.labels(), detach=True, **settings)
    try:
        code = ctr.wait(timeout=30)["StatusCode"]
        output = ctr.logs().decode("utf-8", "replace").strip()
        ctr.reload()
        return Attempt(command, code, output, ctr.attrs["HostConfig"])
    finally:
        ctr.remove(force=True)
