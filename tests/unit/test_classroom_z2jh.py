"""classroom/z2jh/*.yaml use only keys the Zero to JupyterHub chart documents, with the types it
documents, and its DinD sidecar runs dockerd with the local classroom's flags.

SCHEMA holds the facts this file relies on, read from the chart's ``jupyterhub/values.schema.yaml``
(jupyterhub/zero-to-jupyterhub-k8s, commit 48ea50e, chart for JupyterHub 5.5): for each object
the chart closes (``additionalProperties: false``), the keys it documents; ``OPEN`` marks a
pass-through object (``additionalProperties: true``) whose inside the chart does not check.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dockerlens.classroom.config import BOARD, BOARD_SCOPE
from dockerlens.classroom.flags import dockerd_flags
from dockerlens.classroom.hubconfig import ACCESS_BOARD

Z2JH = Path(__file__).resolve().parents[2] / "classroom" / "z2jh"
OPEN = "open"
SCHEMA = {
    "": {"cull", "custom", "debug", "enabled", "fullnameOverride", "global", "httpRoute", "hub",
         "imagePullSecret", "imagePullSecrets", "ingress", "nameOverride", "prePuller", "proxy", "rbac",
         "scheduling", "singleuser"},
    "hub": {"activeServerLimit", "allowNamedServers", "annotations", "args", "authenticatePrometheus",
            "baseUrl", "command", "concurrentSpawnLimit", "config", "consecutiveFailureLimit",
            "containerSecurityContext", "cookieSecret", "db", "deploymentStrategy", "existingSecret",
            "extraConfig", "extraContainers", "extraEnv", "extraFiles", "extraPodSpec", "extraVolumeMounts",
            "extraVolumes", "fsGid", "image", "initContainers", "labels", "lifecycle", "livenessProbe",
            "loadRoles", "namedServerLimitPerUser", "networkPolicy", "nodeSelector", "pdb",
            "podSecurityContext", "readinessProbe", "redirectToServer", "resources", "revisionHistoryLimit",
            "service", "serviceAccount", "services", "shutdownOnLogout", "templatePaths", "templateVars",
            "tolerations"},
    "hub.image": {"name", "tag", "pullPolicy", "pullSecrets"},
    "hub.config": "classes",          # keys must be class names (^[A-Z]), each an open object
    "hub.loadRoles": OPEN,
    "hub.services": OPEN,             # documented inside: name, admin, command, url, api_token, apiToken
    "hub.service": {"annotations", "extraPorts", "ipFamilies", "ipFamilyPolicy", "loadBalancerIP",
                    "ports", "type"},
    "hub.networkPolicy": {"allowedIngressPorts", "egress", "egressAllowRules", "enabled", "ingress",
                          "interNamespaceAccessLabels"},
    "singleuser": {"allowPrivilegeEscalation", "cloudMetadata", "cmd", "cpu", "defaultUrl", "events",
                   "extraAnnotations", "extraContainers", "extraEnv", "extraFiles", "extraLabels",
                   "extraNodeAffinity", "extraPodAffinity", "extraPodAntiAffinity", "extraPodConfig",
                   "extraResource", "extraTolerations", "fsGid", "image", "initContainers", "lifecycleHooks",
                   "memory", "networkPolicy", "networkTools", "nodeSelector", "podNameTemplate",
                   "profileList", "serviceAccountName", "startTimeout", "storage", "uid"},
    "singleuser.image": {"name", "tag", "pullPolicy", "pullSecrets"},
    "singleuser.storage": {"capacity", "dynamic", "extraLabels", "extraVolumeMounts", "extraVolumes",
                           "homeMountPath", "static", "type"},
    "singleuser.cpu": {"guarantee", "limit"},
    "singleuser.memory": {"guarantee", "limit"},
    "singleuser.cloudMetadata": {"blockWithIptables", "ip"},
    "singleuser.networkPolicy": {"allowedIngressPorts", "egress", "egressAllowRules", "enabled", "ingress",
                                 "interNamespaceAccessLabels"},
    "singleuser.extraEnv": OPEN,
    "singleuser.extraPodConfig": OPEN,
}
# the documented types of the leaves and lists we set
TYPES = {"hub.service.extraPorts": list, "hub.networkPolicy.ingress": list, "singleuser.initContainers": list,
         "singleuser.storage.extraVolumes": list, "singleuser.storage.extraVolumeMounts": list,
         "singleuser.networkPolicy.egress": list, "singleuser.defaultUrl": str, "singleuser.image.name": str,
         "singleuser.image.tag": str, "hub.image.tag": str, "singleuser.cloudMetadata.blockWithIptables": bool,
         "singleuser.cpu.limit": (int, float), "singleuser.cpu.guarantee": (int, float),
         "singleuser.memory.limit": (str, int), "singleuser.memory.guarantee": (str, int),
         "singleuser.storage.capacity": str, "singleuser.storage.homeMountPath": str}
STORAGE_TYPES = {"dynamic", "static", "none"}
FILES = sorted(Z2JH.glob("values*.yaml"))
SOCKET = "/var/run/dind/docker.sock"


def _walk(node: dict, path: str = ""):
    """Every (path, key, value) below NODE that lies inside objects the chart closes."""
    rule = SCHEMA.get(path)
    for key, value in node.items():
        child = f"{path}.{key}" if path else key
        yield path, rule, key, value, child
        if isinstance(value, dict) and rule not in (OPEN, "classes") and isinstance(rule, set):
            yield from _walk(value, child)


def _values(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def test_there_is_a_values_file_and_a_sysbox_overlay():
    assert [f.name for f in FILES] == ["values-sysbox.yaml", "values.yaml"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_key_is_one_the_chart_documents(path):
    unknown, wrong = [], []
    for parent, rule, key, value, child in _walk(_values(path)):
        if rule == "classes" and not (key[:1].isupper() and isinstance(value, dict)):
            unknown.append(f"{child} (hub.config keys are Configurable class names)")
        elif isinstance(rule, set) and key not in rule:
            unknown.append(child)
        if child in TYPES and not isinstance(value, TYPES[child]):
            wrong.append(f"{child}: {type(value).__name__}")
        if isinstance(rule, set) and child not in SCHEMA and isinstance(value, dict) and child not in TYPES \
                and not child.startswith(("hub.config", "hub.services", "hub.loadRoles")):
            unknown.append(f"{child} is an object the facts above do not cover")
    assert not unknown and not wrong, {"not in the chart's schema": unknown, "wrong type": wrong}
    storage = _values(path).get("singleuser", {}).get("storage", {})
    assert storage.get("type", "dynamic") in STORAGE_TYPES


def _sidecar(values: dict) -> dict:
    found = [c for c in values["singleuser"]["initContainers"] if c["name"] == "dind"]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_sidecar_runs_dockerd_with_the_local_classrooms_flags(path):
    dind = _sidecar(_values(path))
    assert dind["restartPolicy"] == "Always"          # a native sidecar
    assert dind["command"] == ["dockerd"]
    mtu = int(next(a for a in dind["args"] if a.startswith("--mtu=")).split("=")[1])
    assert dind["args"] == dockerd_flags(SOCKET, mtu, user_network_mtu=True)
    assert {"name": "dind-socket", "mountPath": str(Path(SOCKET).parent)} in dind["volumeMounts"]
    assert {"cpu", "memory", "ephemeral-storage"} <= set(dind["resources"]["limits"])


def test_jupyterlab_shares_the_socket_and_never_the_nodes():
    values = _values(Z2JH / "values.yaml")
    single = values["singleuser"]
    assert single["extraEnv"]["DOCKER_HOST"] == f"unix://{SOCKET}"
    assert {"name": "dind-socket", "mountPath": str(Path(SOCKET).parent)} in single["storage"]["extraVolumeMounts"]
    volumes = {v["name"]: v for v in single["storage"]["extraVolumes"]}
    assert "emptyDir" in volumes["dind-socket"] and "hostPath" not in str(values)


def test_only_the_sidecar_is_privileged_and_sysbox_makes_it_unprivileged():
    plain, sysbox = _values(Z2JH / "values.yaml"), _values(Z2JH / "values-sysbox.yaml")
    assert _sidecar(plain)["securityContext"] == {"privileged": True}
    assert _sidecar(sysbox)["securityContext"] == {"privileged": False}
    assert sysbox["singleuser"]["extraPodConfig"] == {"runtimeClassName": "sysbox-runc", "hostUsers": False}
    same = lambda c: {k: v for k, v in c.items() if k != "securityContext"}  # noqa: E731
    assert same(_sidecar(plain)) == same(_sidecar(sysbox))


def test_the_board_is_a_hub_service_for_instructors_only():
    hub = _values(Z2JH / "values.yaml")["hub"]
    board = hub["services"][BOARD]
    assert board["command"][-1] == "dockerlens.classroom.board"
    assert board["oauth_client_allowed_scopes"] == [BOARD_SCOPE]
    assert BOARD_SCOPE in hub["config"]["JupyterHub"]["custom_scopes"]
    assert hub["loadRoles"]["board-viewer"]["groups"] == ["instructors"]
    assert ACCESS_BOARD in hub["config"]["KubeSpawner"]["server_token_scopes"]
    port = int(board["url"].rsplit(":", 1)[1])
    assert {"name": BOARD, "port": port, "targetPort": port} in hub["service"]["extraPorts"]
