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


# One request per operation of the spec that CASES does not name, grouped by the spec's tag
# (api/swagger.yaml of moby/moby, API 1.56: 108 operations in 15 tags).
BY_TAG = {
    "System": [("GET", "/v1.41/_ping", "SystemPing"), ("POST", "/v1.41/auth", "SystemAuth")],
    "Container": [("GET", "/v1.41/containers/abc/changes", "ContainerChanges"),
                  ("GET", "/v1.41/containers/abc/export", "ContainerExport"),
                  ("POST", "/v1.41/containers/abc/resize?h=40&w=80", "ContainerResize"),
                  ("POST", "/v1.41/containers/abc/stop?t=1", "ContainerStop"),
                  ("POST", "/v1.41/containers/abc/rename?name=b", "ContainerRename"),
                  ("GET", "/v1.41/containers/abc/attach/ws?stream=1", "ContainerAttachWebsocket")],
    "Exec": [("POST", "/v1.41/exec/deadbeef/resize?h=40&w=80", "ExecResize")],
    "Image": [("POST", "/v1.41/build/prune?all=1", "BuildPrune"),
              ("GET", "/v1.41/images/search?term=busybox", "ImageSearch"),
              ("POST", "/v1.41/images/prune", "ImagePrune"),
              ("GET", "/v1.41/images/get?names=a&names=b", "ImageGetAll"),
              ("POST", "/v1.41/images/load?quiet=1", "ImageLoad"),
              ("POST", "/v1.41/commit?container=abc&repo=x", "ImageCommit"),
              ("POST", "/v1.41/images/registry.example:5000/a/b:2/push", "ImagePush"),
              ("GET", "/v1.41/images/dockerlens/base:1/get", "ImageGet"),
              ("GET", "/v1.51/images/dockerlens/base:1/attestations", "ImageAttestations")],
    "Network": [("POST", "/v1.41/networks/prune", "NetworkPrune")],
    "Volume": [("PUT", "/v1.42/volumes/lens-x-data?version=3", "VolumeUpdate")],
    "Distribution": [("GET", "/v1.41/distribution/registry.example:5000/a/b:2/json",
                      "DistributionInspect")],
    "Session": [("POST", "/v1.41/session", "Session")],
    "Swarm": [("GET", "/v1.41/swarm", "SwarmInspect"), ("POST", "/v1.41/swarm/init", "SwarmInit"),
              ("POST", "/v1.41/swarm/join", "SwarmJoin"),
              ("POST", "/v1.41/swarm/leave?force=1", "SwarmLeave"),
              ("POST", "/v1.41/swarm/update?version=12", "SwarmUpdate"),
              ("GET", "/v1.41/swarm/unlockkey", "SwarmUnlockkey"),
              ("POST", "/v1.41/swarm/unlock", "SwarmUnlock")],
    "Node": [("GET", "/v1.41/nodes", "NodeList"), ("GET", "/v1.41/nodes/n1", "NodeInspect"),
             ("DELETE", "/v1.41/nodes/n1?force=1", "NodeDelete"),
             ("POST", "/v1.41/nodes/n1/update?version=3", "NodeUpdate")],
    "Service": [("GET", "/v1.41/services", "ServiceList"),
                ("POST", "/v1.41/services/create", "ServiceCreate"),
                ("GET", "/v1.41/services/web", "ServiceInspect"),
                ("DELETE", "/v1.41/services/web", "ServiceDelete"),
                ("POST", "/v1.41/services/web/update?version=5", "ServiceUpdate"),
                ("GET", "/v1.41/services/web/logs?follow=1&stdout=1", "ServiceLogs")],
    "Task": [("GET", "/v1.41/tasks?filters=%7B%7D", "TaskList"),
             ("GET", "/v1.41/tasks/t1", "TaskInspect"),
             ("GET", "/v1.41/tasks/t1/logs?stdout=1", "TaskLogs")],
    "Secret": [("GET", "/v1.41/secrets", "SecretList"),
               ("POST", "/v1.41/secrets/create", "SecretCreate"),
               ("GET", "/v1.41/secrets/s1", "SecretInspect"),
               ("DELETE", "/v1.41/secrets/s1", "SecretDelete"),
               ("POST", "/v1.41/secrets/s1/update?version=2", "SecretUpdate")],
    "Config": [("GET", "/v1.41/configs", "ConfigList"),
               ("POST", "/v1.41/configs/create", "ConfigCreate"),
               ("GET", "/v1.41/configs/c1", "ConfigInspect"),
               ("DELETE", "/v1.41/configs/c1", "ConfigDelete"),
               ("POST", "/v1.41/configs/c1/update?version=2", "ConfigUpdate")],
    "Plugin": [("GET", "/v1.41/plugins", "PluginList"),
               ("GET", "/v1.41/plugins/privileges?remote=vieux/sshfs", "GetPluginPrivileges"),
               ("POST", "/v1.41/plugins/pull?remote=vieux/sshfs", "PluginPull"),
               ("POST", "/v1.41/plugins/create?name=mine", "PluginCreate"),
               ("GET", "/v1.41/plugins/vieux/sshfs:latest/json", "PluginInspect"),
               ("DELETE", "/v1.41/plugins/vieux/sshfs:latest?force=1", "PluginDelete"),
               ("POST", "/v1.41/plugins/sshfs/enable?timeout=0", "PluginEnable"),
               ("POST", "/v1.41/plugins/vieux/sshfs:latest/disable", "PluginDisable"),
               ("POST", "/v1.41/plugins/vieux/sshfs:latest/upgrade?remote=vieux/sshfs:next",
                "PluginUpgrade"),
               ("POST", "/v1.41/plugins/vieux/sshfs:latest/push", "PluginPush"),
               ("POST", "/v1.41/plugins/vieux/sshfs:latest/set", "PluginSet")],
}
SAMPLES = [sample for samples in BY_TAG.values() for sample in samples]


@pytest.mark.parametrize("method,path,expected", SAMPLES, ids=[f"{m} {p}" for m, p, _ in SAMPLES])
def test_every_tag_of_the_spec_is_named(method, path, expected):
    assert operation(method, path) == expected != UNKNOWN


def test_the_table_is_the_whole_spec_and_every_operation_is_tried_here():
    """108 operations in 15 tags; each one is named by some request in CASES or BY_TAG."""
    assert len(BY_TAG) == 15 and len(TABLE) == 108
    tried = {expected for _, _, expected in CASES + SAMPLES}
    assert tried == {op for _, _, op in TABLE}
