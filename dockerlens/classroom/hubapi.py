"""The hub's REST API as the classroom CLI's own service token sees it (users, servers)."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from .config import ClassConfig
from .hubconfig import cli_token

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def call(cfg: ClassConfig, method: str, path: str, timeout: float = 10):
    """One hub API request; the decoded JSON answer (None when empty)."""
    request = urllib.request.Request(f"{cfg.url}/hub/api{path}", method=method,
                                     headers={"Authorization": f"token {cli_token()}"})
    with _OPENER.open(request, timeout=timeout) as answer:
        body = answer.read()
    return json.loads(body) if body else None


def users(cfg: ClassConfig) -> dict[str, dict]:
    """Every hub user by name, with their servers."""
    return {u["name"]: u for u in call(cfg, "GET", "/users")}


def start_server(cfg: ClassConfig, user: str, seconds: float = 240) -> str:
    """Start USER's server (as if they had logged in) and wait until it is ready; return its URL path.

    A server still stopping is waited for first: the hub refuses a start while a stop is pending.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        server = _server(cfg, user)
        if server and server.get("ready"):
            return server["url"]
        if not server:
            try:
                call(cfg, "POST", f"/users/{user}/server", timeout=30)
            except urllib.error.HTTPError as err:
                if err.code != 400:  # 400: a stop or a start is still pending; look again
                    raise
        time.sleep(0.5)
    raise TimeoutError(f"{user}'s server was not ready within {seconds:.0f} s")


def _server(cfg: ClassConfig, user: str) -> dict | None:
    """USER's default server as the hub reports it (None when it has none, not even a pending one)."""
    return call(cfg, "GET", f"/users/{user}").get("servers", {}).get("")


def stop_server(cfg: ClassConfig, user: str) -> None:
    try:
        call(cfg, "DELETE", f"/users/{user}/server", timeout=60)
    except urllib.error.HTTPError as err:
        if err.code not in (204, 400, 404):
            raise


def server_pid(cfg: ClassConfig, user: str) -> int | None:
    """The pid of USER's running JupyterLab (LocalProcessSpawner's saved state)."""
    return ((_server(cfg, user) or {}).get("state") or {}).get("pid")


def new_token(cfg: ClassConfig, user: str, scopes: list[str], note: str = "dockerlens classroom") -> str:
    """A fresh API token of USER limited to SCOPES (those USER holds), expiring in an hour."""
    body = json.dumps({"scopes": scopes, "note": note, "expires_in": 3600}).encode()
    request = urllib.request.Request(f"{cfg.url}/hub/api/users/{user}/tokens", data=body, method="POST",
                                     headers={"Authorization": f"token {cli_token()}",
                                              "Content-Type": "application/json"})
    with _OPENER.open(request, timeout=10) as answer:
        return json.loads(answer.read())["token"]


def server_env(cfg: ClassConfig, user: str) -> dict[str, str]:
    """The environment of USER's running JupyterLab, as its kernels inherit it (read from /proc)."""
    from pathlib import Path
    raw = Path(f"/proc/{server_pid(cfg, user)}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)
