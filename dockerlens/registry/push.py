"""What a push's progress stream says in the end: the manifest digest, or the error.

>>> pushed_digest([{"status": "1.0: digest: sha256:ab12 size: 736"}])
'sha256:ab12'
>>> pushed_digest([{"aux": {"Tag": "1.0", "Digest": "sha256:ab12", "Size": 736}}])
'sha256:ab12'
"""
from __future__ import annotations

import re

_DIGEST = re.compile(r"digest: (sha256:[0-9a-f]+)")


def pushed_digest(lines: list[dict]) -> str:
    """The manifest digest the daemon reported ('' if the push failed).

    The classic image store sends an ``aux`` record; the containerd store only the status line.
    """
    for line in lines:
        aux = line.get("aux") or {}
        if aux.get("Digest"):
            return aux["Digest"]
    for line in reversed(lines):
        found = _DIGEST.search(line.get("status", ""))
        if found:
            return found.group(1)
    return ""


def push_error(lines: list[dict]) -> str:
    """The daemon's error message if the push failed, else ''."""
    return next((line["error"] for line in lines if line.get("error")), "")
