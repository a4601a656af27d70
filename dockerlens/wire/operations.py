"""Name every request by its operation ID in the official Docker Engine API specification.

The table below is (method, path template, operationId) as the spec (``api/swagger.yaml``
of moby/moby, API 1.56: all 108 operations, swarm, services, nodes, tasks, secrets,
configs and plugins included) writes them. Matching is by method and path: an optional
``/v1.xx`` prefix is ignored, ``{id}`` matches one path segment, and ``{name}`` of an image
or a plugin (which may hold ``/`` as in ``dockerlens/base:1``) matches one or more
segments. Literal paths are tried before templates, so ``/images/json`` is ``ImageList``
and never ``ImageInspect`` of an image called ``json``. A request that matches nothing
is named ``unknown``: never guessed.

>>> operation("GET", "/v1.41/images/dockerlens/base:1/json")
'ImageInspect'
>>> operation("HEAD", "/_ping")
'SystemPingHead'
>>> operation("POST", "/v1.41/plugins/vieux/sshfs:latest/enable")
'PluginEnable'
>>> operation("GET", "/no/such/thing")
'unknown'
"""
from __future__ import annotations

import re
from functools import lru_cache

UNKNOWN = "unknown"

# Images may carry "/" in their name; everything else is one segment.
_MULTI_SEGMENT = {"name"}

TABLE: list[tuple[str, str, str]] = [
    # System
    ("GET", "/_ping", "SystemPing"),
    ("HEAD", "/_ping", "SystemPingHead"),
    ("GET", "/version", "SystemVersion"),
    ("GET", "/info", "SystemInfo"),
    ("GET", "/events", "SystemEvents"),
    ("GET", "/system/df", "SystemDataUsage"),
    ("POST", "/auth", "SystemAuth"),
    # Containers
    ("GET", "/containers/json", "ContainerList"),
    ("POST", "/containers/create", "ContainerCreate"),
    ("POST", "/containers/prune", "ContainerPrune"),
    ("GET", "/containers/{id}/json", "ContainerInspect"),
    ("GET", "/containers/{id}/top", "ContainerTop"),
    ("GET", "/containers/{id}/logs", "ContainerLogs"),
    ("GET", "/containers/{id}/changes", "ContainerChanges"),
    ("GET", "/containers/{id}/export", "ContainerExport"),
    ("GET", "/containers/{id}/stats", "ContainerStats"),
    ("POST", "/containers/{id}/resize", "ContainerResize"),
    ("POST", "/containers/{id}/start", "ContainerStart"),
    ("POST", "/containers/{id}/stop", "ContainerStop"),
    ("POST", "/containers/{id}/restart", "ContainerRestart"),
    ("POST", "/containers/{id}/kill", "ContainerKill"),
    ("POST", "/containers/{id}/update", "ContainerUpdate"),
    ("POST", "/containers/{id}/rename", "ContainerRename"),
    ("POST", "/containers/{id}/pause", "ContainerPause"),
    ("POST", "/containers/{id}/unpause", "ContainerUnpause"),
    ("POST", "/containers/{id}/attach", "ContainerAttach"),
    ("GET", "/containers/{id}/attach/ws", "ContainerAttachWebsocket"),
    ("POST", "/containers/{id}/wait", "ContainerWait"),
    ("DELETE", "/containers/{id}", "ContainerDelete"),
    ("HEAD", "/containers/{id}/archive", "ContainerArchiveInfo"),
    ("GET", "/containers/{id}/archive", "ContainerArchive"),
    ("PUT", "/containers/{id}/archive", "PutContainerArchive"),
    ("POST", "/containers/{id}/exec", "ContainerExec"),
    # Exec
    ("POST", "/exec/{id}/start", "ExecStart"),
    ("POST", "/exec/{id}/resize", "ExecResize"),
    ("GET", "/exec/{id}/json", "ExecInspect"),
    # Images
    ("GET", "/images/json", "ImageList"),
    ("POST", "/build", "ImageBuild"),
    ("POST", "/build/prune", "BuildPrune"),
    ("POST", "/images/create", "ImageCreate"),
    ("GET", "/images/search", "ImageSearch"),
    ("POST", "/images/prune", "ImagePrune"),
    ("GET", "/images/get", "ImageGetAll"),
    ("POST", "/images/load", "ImageLoad"),
    ("POST", "/commit", "ImageCommit"),
    ("GET", "/images/{name}/json", "ImageInspect"),
    ("GET", "/images/{name}/history", "ImageHistory"),
    ("POST", "/images/{name}/push", "ImagePush"),
    ("POST", "/images/{name}/tag", "ImageTag"),
    ("GET", "/images/{name}/get", "ImageGet"),
    ("GET", "/images/{name}/attestations", "ImageAttestations"),
    ("DELETE", "/images/{name}", "ImageDelete"),
    # Distribution
    ("GET", "/distribution/{name}/json", "DistributionInspect"),
    # Networks
    ("GET", "/networks", "NetworkList"),
    ("POST", "/networks/create", "NetworkCreate"),
    ("POST", "/networks/prune", "NetworkPrune"),
    ("GET", "/networks/{id}", "NetworkInspect"),
    ("DELETE", "/networks/{id}", "NetworkDelete"),
    ("POST", "/networks/{id}/connect", "NetworkConnect"),
    ("POST", "/networks/{id}/disconnect", "NetworkDisconnect"),
    # Volumes
    ("GET", "/volumes", "VolumeList"),
    ("POST", "/volumes/create", "VolumeCreate"),
    ("POST", "/volumes/prune", "VolumePrune"),
    ("GET", "/volumes/{name}", "VolumeInspect"),
    ("PUT", "/volumes/{name}", "VolumeUpdate"),
    ("DELETE", "/volumes/{name}", "VolumeDelete"),
    # Swarm
    ("GET", "/swarm", "SwarmInspect"),
    ("POST", "/swarm/init", "SwarmInit"),
    ("POST", "/swarm/join", "SwarmJoin"),
    ("POST", "/swarm/leave", "SwarmLeave"),
    ("POST", "/swarm/update", "SwarmUpdate"),
    ("GET", "/swarm/unlockkey", "SwarmUnlockkey"),
    ("POST", "/swarm/unlock", "SwarmUnlock"),
    # Nodes
    ("GET", "/nodes", "NodeList"),
    ("GET", "/nodes/{id}", "NodeInspect"),
    ("DELETE", "/nodes/{id}", "NodeDelete"),
    ("POST", "/nodes/{id}/update", "NodeUpdate"),
    # Services
    ("GET", "/services", "ServiceList"),
    ("POST", "/services/create", "ServiceCreate"),
    ("GET", "/services/{id}", "ServiceInspect"),
    ("DELETE", "/services/{id}", "ServiceDelete"),
    ("POST", "/services/{id}/update", "ServiceUpdate"),
    ("GET", "/services/{id}/logs", "ServiceLogs"),
    # Tasks
    ("GET", "/tasks", "TaskList"),
    ("GET", "/tasks/{id}", "TaskInspect"),
    ("GET", "/tasks/{id}/logs", "TaskLogs"),
    # Secrets
    ("GET", "/secrets", "SecretList"),
    ("POST", "/secrets/create", "SecretCreate"),
    ("GET", "/secrets/{id}", "SecretInspect"),
    ("DELETE", "/secrets/{id}", "SecretDelete"),
    ("POST", "/secrets/{id}/update", "SecretUpdate"),
    # Configs
    ("GET", "/configs", "ConfigList"),
    ("POST", "/configs/create", "ConfigCreate"),
    ("GET", "/configs/{id}", "ConfigInspect"),
    ("DELETE", "/configs/{id}", "ConfigDelete"),
    ("POST", "/configs/{id}/update", "ConfigUpdate"),
    # Plugins
    ("GET", "/plugins", "PluginList"),
    ("GET", "/plugins/privileges", "GetPluginPrivileges"),
    ("POST", "/plugins/pull", "PluginPull"),
    ("POST", "/plugins/create", "PluginCreate"),
    ("GET", "/plugins/{name}/json", "PluginInspect"),
    ("DELETE", "/plugins/{name}", "PluginDelete"),
    ("POST", "/plugins/{name}/enable", "PluginEnable"),
    ("POST", "/plugins/{name}/disable", "PluginDisable"),
    ("POST", "/plugins/{name}/upgrade", "PluginUpgrade"),
    ("POST", "/plugins/{name}/push", "PluginPush"),
    ("POST", "/plugins/{name}/set", "PluginSet"),
    # Session (BuildKit)
    ("POST", "/session", "Session"),
]

# Operations whose answer is a stream the client reads as it comes (never buffered).
STREAMING = {"SystemEvents", "ContainerLogs", "ContainerStats", "ContainerAttach", "ExecStart",
             "ImageBuild", "ImageCreate", "ImagePush", "ImageLoad", "ContainerExport",
             "ImageGet", "ImageGetAll", "ContainerArchive", "Session", "ServiceLogs", "TaskLogs",
             "PluginPull", "PluginUpgrade", "PluginPush"}

_VERSION = re.compile(r"^/v\d+\.\d+(?=/)")


def _compile(template: str) -> re.Pattern:
    """A regex for a path template: ``{id}`` one segment, image or plugin ``{name}`` one or more."""
    parts = re.split(r"(\{\w+\})", template)
    out = []
    for part in parts:
        if part.startswith("{"):
            name = part[1:-1]
            out.append(f"(?P<{name}>.+)" if name in _MULTI_SEGMENT and template.startswith(
                ("/images/", "/distribution/", "/plugins/")) else f"(?P<{name}>[^/]+)")
        else:
            out.append(re.escape(part))
    return re.compile("^" + "".join(out) + "$")


_LITERAL = {(m, t): op for m, t, op in TABLE if "{" not in t}
_TEMPLATES = [(m, _compile(t), op) for m, t, op in TABLE if "{" in t]


def strip_version(path: str) -> tuple[str, str | None]:
    """Split ``/v1.41/containers/json`` into (``/containers/json``, ``"1.41"``)."""
    path = path.split("?", 1)[0]
    found = _VERSION.match(path)
    if not found:
        return path, None
    return path[found.end():], found.group(0)[2:]


@lru_cache(maxsize=4096)
def operation(method: str, path: str) -> str:
    """The spec's operationId for a request (query and ``/v1.xx`` ignored), else ``unknown``."""
    bare, _ = strip_version(path)
    method = method.upper()
    if (method, bare) in _LITERAL:
        return _LITERAL[(method, bare)]
    for m, pattern, op in _TEMPLATES:
        if m == method and pattern.match(bare):
            return op
    return UNKNOWN


def template(op: str) -> str | None:
    """``"METHOD /path/{param}"`` of an operation ID, for explanations and tables."""
    for m, t, name in TABLE:
        if name == op:
            return f"{m} {t}"
    return None
