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


def push(client, ref: str, **options) -> list[dict]:
    """``client.images.push(REF, stream=True, decode=True)``'s messages, a refusal included.

    Why: Docker answers a refused push with 200 and streams the error as its last message;
    Podman answers 500 with ``{"error": ...}``, a body the SDK cannot read (it looks for
    ``message`` and raises KeyError). Both end here as messages with an ``error``.
    """
    import docker.errors
    try:
        return list(client.images.push(ref, stream=True, decode=True, **options))
    except docker.errors.APIError as err:
        return [{"error": err.explanation or str(err)}]
    except KeyError as err:  # the SDK failed to read the error body: the HTTPError is its context
        response = getattr(err.__context__, "response", None)
        if response is None:
            raise
        try:
            body = response.json()
        except ValueError:
            body = {}
        return [{"error": body.get("error") or response.text.strip() or f"HTTP {response.status_code}"}]
