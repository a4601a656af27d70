"""htpasswd lines for the registry's basic authentication (it accepts bcrypt hashes only).

Python's ``crypt`` module (3.12 and older) asks the C library for bcrypt, so no new package
is needed; without it, apache2-utils' ``htpasswd -B`` does the same.
"""
from __future__ import annotations

import shutil
import subprocess
import warnings


def line(user: str, password: str) -> str:
    """``user:$2b$...``: one htpasswd entry with a bcrypt hash of PASSWORD."""
    if ":" in user or not user:
        raise ValueError(f"a registry user name cannot be empty or contain ':' ({user!r})")
    hashed = _crypt_bcrypt(password) or _htpasswd_bcrypt(user, password)
    if not hashed:
        raise RuntimeError("no bcrypt here: Python's `crypt` module is missing (Python 3.13+) and "
                           "so is `htpasswd`: install apache2-utils (`sudo apt-get install apache2-utils`)")
    return f"{user}:{hashed}"


def _crypt_bcrypt(password: str) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import crypt
        # cost 5, as `htpasswd -B`: the registry checks the hash on every request, and Python's
        # default (cost 12, a quarter second each here) made Podman's push (~17 requests) crawl
        hashed = crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=32))
    except (ImportError, AttributeError, OSError):
        return None
    return hashed if hashed and hashed.startswith("$2") else None


def _htpasswd_bcrypt(user: str, password: str) -> str | None:
    if not shutil.which("htpasswd"):
        return None
    out = subprocess.run(["htpasswd", "-nbB", user, password], capture_output=True, text=True)
    return out.stdout.strip().partition(":")[2] or None
