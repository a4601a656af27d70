"""Credentials on the client's side: the ``X-Registry-Auth`` header, and ``docker login``'s file.

The daemon keeps no registry passwords. A client sends them with each push or pull, base64
JSON in the ``X-Registry-Auth`` header, and the daemon uses them for that request only.
``docker login`` stores them in the client's ``config.json`` (``$DOCKER_CONFIG``, else
``~/.docker``): base64 of ``user:password``, which is an encoding, not encryption, unless a
credential helper (``credsStore``) keeps them in the system's keychain instead.
"""
from __future__ import annotations

import base64
import contextlib
import html
import json
from dataclasses import dataclass, field
from pathlib import Path

SECRET = "•••"


def decode_header(value: str | bytes) -> dict:
    """The JSON inside an ``X-Registry-Auth`` header (base64url, padding optional)."""
    value = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    padded = value + "=" * (-len(value) % 4)
    try:
        return json.loads(base64.urlsafe_b64decode(padded))
    except ValueError:
        return {"undecodable": value[:20] + "…"}


def redact(config: dict) -> dict:
    """A copy of an auth config with the password, tokens and ``auth`` replaced by •••."""
    return {k: (SECRET if k.lower() in ("password", "auth", "identitytoken", "registrytoken") and v
                else v) for k, v in config.items()}


@dataclass
class SentRequest:
    """One SDK request as it left the client: method, path, and its registry auth (redacted)."""
    method: str
    path: str
    registry_auth: dict | None  # decoded and redacted X-Registry-Auth, None if not sent

    def __repr__(self) -> str:
        auth = "no X-Registry-Auth" if self.registry_auth is None else f"X-Registry-Auth: {self.registry_auth}"
        return f"{self.method} {self.path} · {auth}"


@dataclass
class SentHeaders:
    """The registry credentials each SDK request of a block carried (from the client's side)."""
    requests: list[SentRequest] = field(default_factory=list)

    def auth_for(self, fragment: str) -> dict | None:
        """The redacted X-Registry-Auth of the last request whose path contains FRAGMENT."""
        found = [r for r in self.requests if fragment in r.path]
        return found[-1].registry_auth if found else None

    def __repr__(self) -> str:
        return "\n".join(repr(r) for r in self.requests) or "no requests"

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td><code>{r.method} {html.escape(r.path)}</code></td><td><code>"
                       f"{html.escape(json.dumps(r.registry_auth) if r.registry_auth is not None else '—')}"
                       "</code></td></tr>" for r in self.requests)
        return ("<table><thead><tr><th>request</th><th>X-Registry-Auth (decoded, secrets redacted)"
                f"</th></tr></thead><tbody>{rows}</tbody></table>")


@contextlib.contextmanager
def sent_headers(client):
    """``with sent_headers(client) as sent:``: what auth the SDK sent with each request."""
    seen = SentHeaders()

    def hook(response, *args, **kwargs):
        req = response.request
        value = req.headers.get("X-Registry-Auth")
        path = req.path_url.split("?", 1)[0]
        seen.requests.append(SentRequest(req.method, path,
                                         None if value is None else redact(decode_header(value))))
    client.api.hooks["response"].append(hook)
    try:
        yield seen
    finally:
        client.api.hooks["response"].remove(hook)


@dataclass
class ConfigFile:
    """A client's ``config.json`` as ``docker login`` left it, secrets shown as •••."""
    path: Path
    data: dict

    @property
    def registries(self) -> list[str]:
        return sorted(self.data.get("auths") or {})

    def user(self, registry: str) -> str | None:
        """The user name stored for REGISTRY (decoded from its base64 ``auth``)."""
        entry = (self.data.get("auths") or {}).get(registry) or {}
        raw = entry.get("auth")
        return base64.b64decode(raw).decode().partition(":")[0] if raw else None

    def redacted(self) -> dict:
        auths = {k: redact(v) for k, v in (self.data.get("auths") or {}).items()}
        return {**self.data, "auths": auths} if "auths" in self.data else dict(self.data)

    def __repr__(self) -> str:
        return f"{self.path}:\n{json.dumps(self.redacted(), indent=2, ensure_ascii=False)}"

    def _repr_html_(self) -> str:
        return f"<b>{html.escape(str(self.path))}</b><pre>{html.escape(json.dumps(self.redacted(), indent=2, ensure_ascii=False))}</pre>"


def config_file(folder: str | Path) -> ConfigFile:
    """The client configuration in FOLDER (what ``DOCKER_CONFIG=FOLDER docker login`` wrote)."""
    path = Path(folder) / "config.json"
    return ConfigFile(path, json.loads(path.read_text()) if path.exists() else {})
