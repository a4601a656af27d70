"""Binder (replay) and the dev container (live daemon in the cloud): files that cannot be
launched here are checked for what repo2docker and devcontainers need from them."""
from __future__ import annotations

import json
import os
import re

from ..notebooks.nbrun import ROOT

BINDER = ROOT / "binder"


def test_binder_environment_is_the_root_environment():
    """A binder/ folder makes repo2docker ignore the root files: the two must not drift."""
    assert (BINDER / "environment.yml").read_text() == (ROOT / "environment.yml").read_text(), \
        "binder/environment.yml differs from environment.yml: copy the root file over it"


def test_environment_pins_what_repo2docker_ships_too_old():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r'"ipykernel>=7\.[1-9]', text), "repo2docker ships ipykernel 7.0.x"
    assert re.search(r'"ipywidgets>=8\.1\.9', text)
    assert re.search(r"^\s*- graphviz\b", text, re.M) or "graphviz" in \
        (BINDER / "apt.txt").read_text().split()


def test_apt_brings_dot_and_the_docker_cli():
    """dot draws the diagrams; the CLI's cells replay too (no daemon is ever started)."""
    packages = (BINDER / "apt.txt").read_text().split()
    assert "graphviz" in packages and "docker.io" in packages


def test_post_build_installs_the_package_editable_and_stops_on_error():
    path = BINDER / "postBuild"
    text = path.read_text()
    assert os.access(path, os.X_OK) and text.startswith("#!")
    assert re.search(r"^set -e", text, re.M)
    assert re.search(r"pip install .*-e \.", text), "editable: the package finds recordings/"


def test_start_replays_and_hands_over():
    path = BINDER / "start"
    text = path.read_text()
    assert os.access(path, os.X_OK) and text.startswith("#!")
    assert "export DOCKERLENS_MODE=replay" in text
    assert [l for l in text.splitlines() if l.strip()][-1] == 'exec "$@"'


def test_devcontainer_runs_a_real_daemon_and_jupyterlab():
    config = json.loads((ROOT / ".devcontainer/devcontainer.json").read_text())
    assert config.get("image") or config.get("build")
    features = config["features"]
    assert any(k.startswith("ghcr.io/devcontainers/features/docker-in-docker:") for k in features)
    assert 8888 in config["forwardPorts"]
    assert "8888" in config.get("portsAttributes", {})
    commands = " ".join(str(config.get(k, "")) for k in
                        ("postCreateCommand", "postStartCommand", "postAttachCommand"))
    assert "make prepare" in commands and "make lab" in commands
    assert "graphviz" in commands and "busybox-static" in commands
    assert config.get("containerEnv", {}).get("DOCKERLENS_MODE") == "live"
