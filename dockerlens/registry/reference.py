"""Image references taken apart: ``[registry/]repository[:tag][@digest]``, with Docker's defaults.

>>> Reference.parse("busybox").full
'docker.io/library/busybox:latest'
>>> r = Reference.parse("127.0.0.1:5000/course/app:1.0")
>>> r.registry, r.repository, r.tag
('127.0.0.1:5000', 'course/app', '1.0')
"""
from __future__ import annotations

import html
from dataclasses import dataclass

DEFAULT_REGISTRY = "docker.io"


@dataclass(frozen=True)
class Reference:
    """What a reference names: which registry, which repository, which tag and/or digest."""
    text: str
    registry: str
    repository: str
    tag: str
    digest: str

    @classmethod
    def parse(cls, text: str) -> "Reference":
        rest, _, digest = text.partition("@")
        first, slash, remainder = rest.partition("/")
        if slash and ("." in first or ":" in first or first == "localhost"):
            registry, rest = first, remainder
        else:
            registry = DEFAULT_REGISTRY
        name, colon, tag = rest.rpartition(":") if ":" in rest.rsplit("/", 1)[-1] else (rest, "", "")
        if registry == DEFAULT_REGISTRY and "/" not in name:
            name = f"library/{name}"  # Docker Hub's official images
        return cls(text, registry, name, tag or ("" if digest else "latest"), digest)

    @property
    def full(self) -> str:
        return (f"{self.registry}/{self.repository}" + (f":{self.tag}" if self.tag else "")
                + (f"@{self.digest}" if self.digest else ""))

    @property
    def pinned(self) -> bool:
        """True when a digest fixes the content: the same bytes on every pull, whatever tags do."""
        return bool(self.digest)

    def __repr__(self) -> str:
        return (f"{self.text!r} → registry {self.registry} · repository {self.repository} · "
                f"tag {self.tag or '—'} · digest {self.digest[:19] + '…' if self.digest else '—'}")


class References(list):
    """Several references as one table."""

    def __repr__(self) -> str:
        return "\n".join(repr(r) for r in self)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td><code>{html.escape(r.text)}</code></td><td>{html.escape(r.registry)}</td>"
            f"<td>{html.escape(r.repository)}</td><td>{html.escape(r.tag or '—')}</td>"
            f"<td><code>{html.escape(r.digest[:19] + '…' if r.digest else '—')}</code></td></tr>"
            for r in self)
        return ("<table><thead><tr><th>reference</th><th>registry</th><th>repository</th>"
                f"<th>tag</th><th>digest</th></tr></thead><tbody>{rows}</tbody></table>")


def parse(*texts: str) -> References:
    """Take references apart (``lens.registry.parse("busybox", "127.0.0.1:5000/app:1")``)."""
    return References(Reference.parse(t) for t in texts)
