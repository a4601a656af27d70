"""Will this engine talk plain HTTP to a registry on 127.0.0.1? Docker: yes; Podman: only if told.

Docker Engine trusts plain HTTP to registries in ``127.0.0.0/8`` (and those listed as
``insecure-registries``); ``docker info`` shows them under ``RegistryConfig``. Podman reads
``registries.conf`` instead, where a registry is plain HTTP only with ``insecure = true``.
"""
from __future__ import annotations

import html
import ipaddress
from dataclasses import dataclass


@dataclass(frozen=True)
class Trust:
    """Whether the engine will push to and pull from ADDRESS over plain HTTP, and why."""
    address: str
    accepted: bool
    reason: str

    def __bool__(self) -> bool:
        return self.accepted

    def __repr__(self) -> str:
        return f"{'accepted' if self.accepted else 'NOT accepted'}: {self.reason}"

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.accepted else "#9a6700"
        return (f'<div style="border-left:4px solid {colour};padding:2px 8px"><b style="color:{colour}">'
                f'{"plain HTTP accepted" if self.accepted else "plain HTTP refused"}</b>: '
                f"{html.escape(self.reason)}</div>")


def trust(info: dict, address: str) -> Trust:
    """Decide from ``GET /info``'s RegistryConfig whether ADDRESS (``127.0.0.1:PORT``) is insecure-allowed.

    >>> trust({"RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8"]}}, "127.0.0.1:5000").accepted
    True
    >>> trust({"RegistryConfig": {"InsecureRegistryCIDRs": [], "IndexConfigs": {}}}, "127.0.0.1:5000").accepted
    False
    >>> trust({"RegistryConfig": {"IndexConfigs": {"127.0.0.1": {"Secure": False}}}}, "127.0.0.1:5000").reason
    "the engine's registries.conf marks 127.0.0.1 (any port) insecure"
    """
    config = info.get("RegistryConfig") or {}
    host = address.rsplit(":", 1)[0]
    for cidr in config.get("InsecureRegistryCIDRs") or []:
        try:
            if ipaddress.ip_address(host) in ipaddress.ip_network(cidr):
                return Trust(address, True, f"the engine allows plain HTTP to registries in {cidr}")
        except ValueError:
            continue
    indexes = config.get("IndexConfigs") or {}
    entry = indexes.get(address)
    if entry is not None and entry.get("Secure") is False:
        return Trust(address, True, f"the engine's configuration marks {address} insecure")
    entry = indexes.get(host)  # Podman: a registries.conf location without a port matches every port
    if entry is not None and entry.get("Secure") is False and not config.get("InsecureRegistryCIDRs"):
        return Trust(address, True, f"the engine's registries.conf marks {host} (any port) insecure")
    return Trust(address, False, (
        f"this engine insists on HTTPS for {address}. Podman does so unless its registries.conf "
        f"has `[[registry]]` with `location = \"{address}\"` and `insecure = true`; Docker unless "
        "`insecure-registries` in daemon.json lists it (127.0.0.0/8 is there by default)"))
