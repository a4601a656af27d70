"""Linux capabilities by name: a ``CapEff`` mask from ``/proc/<pid>/status`` decoded.

>>> sorted(capabilities("00000000a80425fb").names)[:3]
['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE']
>>> "SYS_ADMIN" in capabilities("00000000a80425fb")
False
"""
from __future__ import annotations

import html
from dataclasses import dataclass

# Bit number → name, as in linux/capability.h (CAP_ prefix left out).
NAMES = ["CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID",
         "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
         "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO",
         "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
         "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE",
         "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
         "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE"]


@dataclass(frozen=True)
class Capabilities:
    """A set of capabilities (from a hex mask), with the names Docker uses in CapAdd/CapDrop."""
    mask: int

    @property
    def names(self) -> set[str]:
        return {n for bit, n in enumerate(NAMES) if self.mask >> bit & 1}

    def __contains__(self, name: str) -> bool:
        return name.upper().removeprefix("CAP_") in self.names

    def __len__(self) -> int:
        return len(self.names)

    def __repr__(self) -> str:
        return f"{len(self)} capabilities (0x{self.mask:016x}): {', '.join(sorted(self.names)) or 'none'}"

    def _repr_html_(self) -> str:
        return (f"<b>{len(self)} capabilities</b> <code>0x{self.mask:016x}</code>: "
                + ", ".join(f"<code>{html.escape(n)}</code>" for n in sorted(self.names)))


def capabilities(mask: str | int) -> Capabilities:
    """Capabilities from a ``CapEff``-style hex string (or an int)."""
    return Capabilities(int(mask, 16) if isinstance(mask, str) else int(mask))


def process_status(text: str) -> dict[str, str]:
    """``/proc/<pid>/status`` as a dict (``{"CapEff": "00000000a80425fb", "Seccomp": "2", ...}``)."""
    found = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            found[key.strip()] = value.strip()
    return found
