"""The dockerd flags of a learner's private daemon: the same on one machine and on Kubernetes."""
from __future__ import annotations

# Address ranges chosen away from Docker's defaults (172.17/16, 172.18+/16, 192.168/16) and from
# the usual Kubernetes pod and service CIDRs (10.0/8 low blocks, 10.96/12, 10.244/16).
BRIDGE = "10.212.0.1/24"
POOL = "base=10.213.0.0/16,size=24"
LOCAL_MTU = 1500  # the local daemon's bridge; rootlesskit's slirp4netns tap has 65520 beneath it


def dockerd_flags(socket: str, mtu: int, user_network_mtu: bool = False) -> list[str]:
    """dockerd's arguments for one learner: socket, MTU, address pools, quiet log.

    ``user_network_mtu`` also sets the MTU of user-defined networks (``--default-network-opt``
    needs Engine 24+; Debian 12's Engine 20.10 refuses it, the sidecar's image accepts it).

    >>> dockerd_flags("/run/x/docker.sock", 1450)[:2]
    ['--host=unix:///run/x/docker.sock', '--mtu=1450']
    """
    flags = [f"--host=unix://{socket}", f"--mtu={mtu}", f"--bip={BRIDGE}",
             f"--default-address-pool={POOL}", "--log-level=warn"]
    if user_network_mtu:
        flags.append(f"--default-network-opt=bridge=com.docker.network.driver.mtu={mtu}")
    return flags
