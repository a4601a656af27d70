"""What isolation the daemon applies to every container, from ``docker info``'s SecurityOptions.

>>> Isolation.of(["name=seccomp,profile=default", "name=rootless"]).rootless
True
"""
from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Isolation:
    """The daemon's security options: seccomp profile, AppArmor/SELinux, user namespaces, rootless."""
    options: tuple[str, ...]

    @classmethod
    def of(cls, options: list[str] | None) -> "Isolation":
        return cls(tuple(options or ()))

    def _named(self, name: str) -> dict[str, str] | None:
        for option in self.options:
            parts = dict(p.partition("=")[::2] for p in option.split(","))
            if parts.get("name") == name:
                return parts
        return None

    @property
    def seccomp(self) -> bool:
        return self._named("seccomp") is not None

    @property
    def seccomp_profile(self) -> str:
        return (self._named("seccomp") or {}).get("profile", "")

    @property
    def userns(self) -> bool:
        """Container root is remapped to an unprivileged host user (``userns-remap``)."""
        return self._named("userns") is not None

    @property
    def rootless(self) -> bool:
        """The daemon itself runs as an ordinary user, in a user namespace."""
        return self._named("rootless") is not None

    @property
    def lsm(self) -> str:
        """AppArmor or SELinux, if the daemon applies one ('' if neither)."""
        return next((n for n in ("apparmor", "selinux") if self._named(n) is not None), "")

    def facts(self) -> dict[str, bool | str]:
        return {"seccomp": self.seccomp, "profile": self.seccomp_profile, "apparmor/selinux": self.lsm
                or "none", "userns": self.userns, "rootless": self.rootless}

    def __repr__(self) -> str:
        return " · ".join(f"{k}: {v}" for k, v in self.facts().items())

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td><b>{html.escape(str(v))}</b></td></tr>"
                       for k, v in self.facts().items())
        return f"<table><tbody>{rows}</tbody></table>"


def isolation(client) -> Isolation:
    """The daemon's isolation options, asked now (``GET /info``)."""
    return Isolation.of(client.info().get("SecurityOptions"))
