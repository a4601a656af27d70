"""Every request is named by the spec's operation ID, or `unknown` when nothing matches."""
from __future__ import annotations

import pytest

from dockerlens.wire.operations import STREAMING, TABLE, UNKNOWN, operation, strip_version, template

CASES = [
    ("HEAD", "/_ping", "SystemPingHead"),
    ("GET", "/_ping", "SystemPing"),
    ("GET", "/v1.41/version", "SystemVersion"),
    ("GET", "/version", "SystemVersion"),
    ("GET", "/v1.41/info", "SystemInfo"),
    ("GET", "/v1.41/events?filters=%7B%7D", "SystemEvents"),
    ("GET", "/v1.41/system/df", "SystemDataUsage"),
    ("GET", "/v1.41/containers/json?all=1", "ContainerList"),
    ("POST", "/v1.41/containers/create?name=lens-x-hello", "ContainerCreate"),
    ("POST", "/v1.41/containers/abc123/start", "ContainerStart"),
    ("POST", "/v1.41/containers/lens-x-hello/wait", "ContainerWait"),
    ("GET", "/v1.41/containers/abc/logs?stdout=1&follow=1", "ContainerLogs"),
    ("DELETE", "/v1.41/containers/abc?v=False&force=False", "ContainerDelete"),
    ("GET", "/v1.41/containers/abc/json", "ContainerInspect"),
    ("GET", "/v1.41/containers/abc/top", "ContainerTop"),
    ("GET", "/v1.41/containers/abc/stats?stream=0", "ContainerStats"),
    ("POST", "/v1.41/containers/abc/pause", "ContainerPause"),
    ("POST", "/v1.41/containers/abc/unpause", "ContainerUnpause"),
    ("POST", "/v1.41/containers/abc/kill", "ContainerKill"),
    ("POST", "/v1.41/containers/abc/restart", "ContainerRestart"),
    ("POST", "/v1.41/containers/abc/update", "ContainerUpdate"),
    ("POST", "/v1.41/containers/abc/attach?stream=1", "ContainerAttach"),
    ("HEAD", "/v1.41/containers/abc/archive?path=/etc", "ContainerArchiveInfo"),
    ("GET", "/v1.41/containers/abc/archive?path=/etc", "ContainerArchive"),
    ("PUT", "/v1.41/containers/abc/archive?path=/tmp", "PutContainerArchive"),
    ("POST", "/v1.41/containers/prune", "ContainerPrune"),
    ("POST", "/v1.41/containers/abc/exec", "ContainerExec"),
    ("POST", "/v1.41/exec/deadbeef/start", "ExecStart"),
    ("GET", "/v1.41/exec/deadbeef/json", "ExecInspect"),
    ("GET", "/v1.41/images/json", "ImageList"),
    ("POST", "/v1.41/build?t=x", "ImageBuild"),
    ("POST", "/v1.41/images/create?fromImage=busybox", "ImageCreate"),
    ("GET", "/v1.41/images/dockerlens/base:1/json", "ImageInspect"),
    ("GET", "/images/dockerlens/base:1/json", "ImageInspect"),
    ("GET", "/v1.41/images/dockerlens/base:1/history", "ImageHistory"),
    ("GET", "/v1.41/images/registry.example:5000/a/b:2/json", "ImageInspect"),
    ("POST", "/v1.41/images/dockerlens/base:1/tag?repo=x&tag=y", "ImageTag"),
    ("DELETE", "/v1.41/images/dockerlens/base:1", "ImageDelete"),
    ("DELETE", "/images/sha256:0123abcd", "ImageDelete"),
    ("GET", "/v1.41/networks", "NetworkList"),
    ("POST", "/v1.41/networks/create", "NetworkCreate"),
    ("GET", "/v1.41/networks/abc", "NetworkInspect"),
    ("DELETE", "/v1.41/networks/abc", "NetworkDelete"),
    ("POST", "/v1.41/networks/abc/connect", "NetworkConnect"),
    ("POST", "/v1.41/networks/abc/disconnect", "NetworkDisconnect"),
    ("GET", "/v1.41/volumes", "VolumeList"),
    ("POST", "/v1.41/volumes/create", "VolumeCreate"),
    ("GET", "/v1.41/volumes/lens-x-data", "VolumeInspect"),
    ("DELETE", "/v1.41/volumes/lens-x-data", "VolumeDelete"),
    ("POST", "/v1.41/volumes/prune", "VolumePrune"),
]


@pytest.mark.parametrize("method,path,expected", CASES, ids=[f"{m} {p}" for m, p, _ in CASES])
def test_operation_names(method, path, expected):
    assert operation(method, path) == expected


@pytest.mark.parametrize("method,path", [
    ("GET", "/no/such/thing"),
    ("POST", "/v1.41/containers/json"),        # right path, wrong method
    ("GET", "/v1.41/containers/abc/start"),
    ("GET", "/v1.41/containers/a/b/json"),      # container IDs are one segment
    ("BREW", "/_ping"),
    ("GET", "/v1.41"),
])
def test_unmatched_is_unknown_never_guessed(method, path):
    assert operation(method, path) == UNKNOWN


def test_version_prefix_is_split_off():
    assert strip_version("/v1.41/containers/json?all=1") == ("/containers/json", "1.41")
    assert strip_version("/_ping") == ("/_ping", None)


def test_literals_win_over_templates():
    """An image cannot shadow a fixed path: /images/json lists, it does not inspect 'json'."""
    assert operation("GET", "/images/json") == "ImageList"
    assert operation("GET", "/images/search") == "ImageSearch"


def test_table_has_unique_routes_and_known_streams():
    routes = [(m, t) for m, t, _ in TABLE]
    assert len(routes) == len(set(routes))
    assert STREAMING <= {op for _, _, op in TABLE}
    assert template("ContainerWait") == "POST /containers/{id}/wait"
