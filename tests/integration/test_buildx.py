"""prepare gives the docker CLI the buildx plugin from the cached sid root, so lesson 04's
`docker build` is BuildKit on this machine (Debian 12 has no docker-buildx package)."""
from __future__ import annotations

import shutil

import pytest

from dockerlens.engine import buildx, sidroot, system

pytestmark = pytest.mark.docker


def test_the_cli_runs_the_sid_roots_buildx_plugin():
    if shutil.which("docker") is None or not system.can_install():
        pytest.skip("prepare installs the plugin only as root on apt (elsewhere lesson 04 says it is missing)")
    found = buildx.version()
    assert found, buildx.MISSING
    assert sidroot.versions()["docker-buildx"] in found, (found, sidroot.versions())
