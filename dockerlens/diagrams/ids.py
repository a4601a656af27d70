"""Graphviz node IDs that are always safe: ``a:b`` would mean node a, port b."""
from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9]")


def node_id(kind: str, name: str) -> str:
    """A sanitised, unique-per-kind node ID; keep the real name in the label.

    >>> node_id("image", "dockerlens/web:1")
    'image_dockerlens_2fweb_3a1'
    """
    safe = _UNSAFE.sub(lambda m: f"_{ord(m.group()):02x}", name)
    return f"{kind}_{safe}"


def short(identifier: str) -> str:
    """The 12-hex short ID of a full (possibly ``sha256:``-prefixed) ID."""
    return identifier.split(":", 1)[-1][:12]
