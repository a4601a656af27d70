"""Is the daemon on this machine? Lessons that compare "inside" with "the host" need to know.

A container shares the kernel of the machine that runs the daemon, which is not always the
machine that runs the notebook (Docker Desktop runs the daemon in a VM; ``DOCKER_HOST`` can
point anywhere). Demonstrations that read this machine's ``/proc`` or bind-mount its files
ask :func:`where` first and explain themselves when the answer is "remote".
"""
from __future__ import annotations

import html
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from ..render import GOOD, WARN, left_aligned

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class DaemonPlace:
    """Where the daemon runs relative to this notebook, and how we know."""
    local: bool
    reason: str

    def __bool__(self) -> bool:
        return self.local

    def __repr__(self) -> str:
        return f"daemon {'LOCAL' if self.local else 'REMOTE'}: {self.reason}"

    def _repr_html_(self) -> str:
        colour = GOOD if self.local else WARN
        return (f'<div style="border-left:4px solid {colour};padding:2px 8px">'
                f'<b style="color:{colour}">{"local" if self.local else "remote"} daemon</b>: '
                f'{html.escape(self.reason)}</div>')


def endpoint_is_here(base_url: str) -> bool:
    """True for a Unix socket that exists on this machine, or TCP to a loopback address."""
    if base_url.startswith("http+docker://"):  # the SDK's name for a socket, pipe or ssh
        return not base_url.startswith("http+docker://ssh")
    url = urlparse(base_url)
    if url.scheme in ("unix", "npipe"):
        return True
    return (url.hostname or "") in LOCAL_HOSTS


def decide(base_url: str, daemon_name: str, daemon_kernel: str,
           here_name: str, here_kernel: str) -> DaemonPlace:
    """The rule, without I/O: a nearby endpoint, the same host name and the same kernel."""
    if not endpoint_is_here(base_url):
        return DaemonPlace(False, f"the endpoint {base_url} is another machine")
    if daemon_name != here_name:
        return DaemonPlace(False, f"the daemon runs on host {daemon_name!r}, this notebook on "
                                  f"{here_name!r} (e.g. Docker Desktop's VM)")
    if daemon_kernel != here_kernel:
        return DaemonPlace(False, f"the daemon's kernel is {daemon_kernel}, this machine's is "
                                  f"{here_kernel}")
    return DaemonPlace(True, f"{base_url} on this machine ({here_name}, kernel {here_kernel})")


def place(client, endpoint: str) -> DaemonPlace:
    """Ask the daemon at ENDPOINT who it is and compare with this machine."""
    info = client.info()
    return decide(endpoint, info.get("Name", "?"), info.get("KernelVersion", "?"),
                  socket.gethostname(), os.uname().release)


def namespaces(root: str = "/proc/self/ns") -> dict[str, str]:
    """This process's namespaces, ``{"pid": "pid:[4026531836]", ...}``."""
    folder = Path(root)
    return {p.name: os.readlink(p) for p in sorted(folder.iterdir())}


def parse_ns_listing(text: str) -> dict[str, str]:
    """Namespaces from ``ls -l /proc/self/ns`` output (what a container prints)."""
    found = {}
    for line in text.splitlines():
        if " -> " in line:
            left, target = line.rsplit(" -> ", 1)
            found[left.split()[-1]] = target.strip()
    return found


@dataclass
class NamespaceComparison:
    """The namespaces of a process inside a container beside those of a process outside."""
    inside: dict[str, str]
    outside: dict[str, str]

    @property
    def differing(self) -> list[str]:
        """Namespace kinds where the container has its own."""
        return [k for k in self.inside if k in self.outside and self.inside[k] != self.outside[k]]

    @property
    def shared(self) -> list[str]:
        return [k for k in self.inside if k in self.outside and self.inside[k] == self.outside[k]]

    def __repr__(self) -> str:
        rows = [f"{k:<18} {self.inside[k]:<22} {self.outside.get(k, '?'):<22} "
                f"{'own' if k in self.differing else 'shared'}" for k in self.inside]
        return "\n".join([f"{'namespace':<18} {'inside':<22} {'outside':<22}"] + rows)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(k)}</td><td><code>{html.escape(v)}</code></td>"
            f"<td><code>{html.escape(self.outside.get(k, '?'))}</code></td>"
            f"<td>{'<b>own</b>' if k in self.differing else 'shared with the host'}</td></tr>"
            for k, v in self.inside.items())
        return left_aligned("<table><thead><tr><th>namespace</th><th>inside the container</th>"
                f"<th>outside (this notebook)</th><th></th></tr></thead><tbody>{rows}</tbody></table>")
