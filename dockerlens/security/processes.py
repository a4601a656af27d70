"""Who a container's processes are on the host, from ``top`` (the daemon asks the host's ps).

Docker's default ``top`` is ``ps -ef``: the ``UID`` column holds the host's user *name* where
the host knows one (``root``) and the number otherwise; Podman's holds the number. Asking
for ``-o uid`` does not help everywhere: Podman runs such a ps inside the container.
"""
from __future__ import annotations

ROOT_NAMES = {"0", "root"}


def host_users(ctr) -> list[str]:
    """The host's UID column for every process of a running container (``0``/``root`` is root)."""
    listing = ctr.top()
    titles = [t.upper() for t in listing.get("Titles") or []]
    column = next((titles.index(t) for t in ("UID", "USER") if t in titles), None)
    if column is None:
        return []
    return [row[column] for row in listing.get("Processes") or []]


def runs_as_root(users: list[str]) -> bool:
    """True if any of the users (from :func:`host_users`) is the host's root."""
    return any(u in ROOT_NAMES for u in users)
