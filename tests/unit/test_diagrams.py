"""Diagrams from recorded daemon state: nodes, edges, colours, the lit path, odd names."""
from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dockerlens.diagrams import Architecture, Lifecycle, ObjectGraph, Snapshot, VmVsContainers, theme
from dockerlens.diagrams.compose import side_by_side
from dockerlens.diagrams.ids import node_id

FIXTURE = Path(__file__).with_name("fixtures") / "course_state.json"
NS = {"svg": "http://www.w3.org/2000/svg"}


def svg_nodes(svg: str) -> dict[str, dict]:
    """Node ID → its visible text lines and fill colour, read from rendered SVG."""
    root = ET.fromstring(svg)
    found = {}
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        if g.get("class") != "node":
            continue
        shape = next((el for el in g if el.tag.split("}")[1] in ("polygon", "path", "ellipse")), None)
        found[g.find("svg:title", NS).text] = {
            "text": [t.text for t in g.findall("svg:text", NS)],
            "fill": shape.get("fill") if shape is not None else None,
            "stroke": shape.get("stroke") if shape is not None else None,
        }
    return found


def svg_edges(svg: str) -> dict[str, str]:
    """``a->b`` → stroke colour of every edge in rendered SVG."""
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        if g.get("class") == "edge":
            out[g.find("svg:title", NS).text] = g.find("svg:path", NS).get("stroke")
    return out


@pytest.fixture
def snap() -> Snapshot:
    return Snapshot.load(FIXTURE)


def cid(snap: Snapshot, short_name: str) -> str:
    ctr = next(c for c in snap.containers if c["Names"][0].endswith("-" + short_name))
    return node_id("container", ctr["Id"])


def test_object_graph_nodes_and_labels(snap):
    nodes = svg_nodes(ObjectGraph(snap).svg())
    web = nodes[cid(snap, "web")]["text"]
    assert web[0] == "web" and web[2] == "running"
    assert any(t.startswith("127.0.0.1:") and t.endswith("→80/tcp") for t in web), web
    assert nodes[cid(snap, "job")]["text"][2] == "exited (3)"
    assert nodes[node_id("volume", "lens-fixture-data")]["text"] == ["volume", "data"]
    assert nodes[node_id("network", "lens-fixture-appnet")]["text"] == ["network", "appnet", "(bridge)"]
    assert nodes[node_id("network", "bridge")]["text"] == ["network", "bridge"]
    images = [n["text"][0] for k, n in nodes.items() if k.startswith("image_")]
    assert sorted(images) == ["dockerlens/base:1", "dockerlens/web:1"]


@pytest.mark.parametrize("name,state", [("web", "running"), ("job", "exited"),
                                        ("idle", "created"), ("nap", "paused")])
def test_containers_coloured_by_state(snap, name, state):
    nodes = svg_nodes(ObjectGraph(snap).svg())
    assert nodes[cid(snap, name)]["fill"] == theme.STATE[state]


def test_object_graph_edges(snap):
    source = ObjectGraph(snap).source()
    web = cid(snap, "web")
    web_image = next(c["ImageID"] for c in snap.containers if c["Names"][0].endswith("-web"))
    assert f"{node_id('image', web_image)} -> {web}" in source
    assert f"{web} -> {node_id('network', 'lens-fixture-appnet')}" in source
    assert f'{web} -> {node_id("volume", "lens-fixture-data")} [label="/data"' in source
    edges = svg_edges(ObjectGraph(snap).svg())
    assert len(edges) == 4 + 4 + 1  # image→container ×4, container→network ×4, one mount


@pytest.mark.parametrize("operation,lit", [
    ("ContainerCreate", ["client_sdk", "transport_unix", "api", "dockerd", "containers"]),
    ("ContainerStart", ["client_sdk", "transport_unix", "api", "dockerd", "containerd", "runc",
                        "containers"]),
    ("ImageBuild", ["client_sdk", "transport_unix", "api", "dockerd", "images"]),
    ("ImageCreate", ["client_sdk", "transport_unix", "api", "dockerd", "registry"]),
    ("ImagePush", ["client_sdk", "transport_unix", "api", "dockerd", "registry"]),
    ("NetworkCreate", ["client_sdk", "transport_unix", "api", "dockerd", "networks"]),
    ("VolumeRemove", ["client_sdk", "transport_unix", "api", "dockerd", "volumes"]),
    ("SystemPing", ["client_sdk", "transport_unix", "api"]),
    ("ExecStart", ["client_sdk", "transport_unix", "api", "dockerd", "containerd", "runc",
                   "containers"]),
])
def test_architecture_lights_the_path_of_each_operation(operation, lit):
    svg = Architecture(operation).svg()
    nodes = svg_nodes(svg)
    assert sorted(k for k, n in nodes.items() if n["stroke"] == theme.HIGHLIGHT) == sorted(lit)
    edges = svg_edges(svg)
    assert sorted(k for k, c in edges.items() if c == theme.HIGHLIGHT) == sorted(
        f"{a}->{b}" for a, b in zip(lit, lit[1:]))
    assert f"last request: {operation} (sdk)" in svg


def test_architecture_client_transport_marker_and_offline_registry():
    svg = Architecture("ContainerList", client="cli", transport="tcp").svg()
    graph = ET.fromstring(svg).find("svg:g", NS)
    assert graph.get("id") == "dockerlens-architecture"
    assert graph.find("svg:title", NS).text == "dockerlens-architecture"
    nodes = svg_nodes(svg)
    assert nodes["client_cli"]["stroke"] == theme.HIGHLIGHT
    assert nodes["transport_tcp"]["stroke"] == theme.HIGHLIGHT
    assert nodes["client_sdk"]["stroke"] != theme.HIGHLIGHT
    assert nodes["dockerd"]["text"] == ["dockerd", "(daemon)"]
    assert nodes["registry"]["text"] == ["registry", "(offline)"]
    assert "last request: none yet" in Architecture().svg()


def test_architecture_lights_dockerd_to_registry_for_a_request_the_relay_saw():
    """A /v2/ request of the daemon lights dockerd → registry and names it on the edge."""
    svg = Architecture("ImagePush", registry_online=True,
                       registry_request="PUT /v2/alice/app/manifests/1").svg()
    nodes, edges = svg_nodes(svg), svg_edges(svg)
    assert nodes["registry"]["stroke"] == theme.HIGHLIGHT
    assert nodes["registry"]["text"][0] == "registry"
    assert edges["dockerd->registry"] == theme.HIGHLIGHT
    assert "PUT /v2/alice/app/manifests/1" in svg
    assert "images->registry" not in edges  # the daemon, not the image store, talks to registries


def test_odd_names_render_with_real_names_in_labels(snap):
    odd = copy.deepcopy(snap)
    weird = ["a:b", "x/y.z", "1.2.3", 'quote"d', "sp ace"]
    for ctr, name in zip(odd.containers, weird):
        ctr["Names"] = ["/" + name]
        ctr["NetworkSettings"]["Networks"] = {name + ".net": {}}
    odd.learner = "nobody"
    nodes = svg_nodes(ObjectGraph(odd).svg())
    labels = [n["text"][0] for k, n in nodes.items() if k.startswith("container_")]
    assert sorted(labels) == sorted(weird[:len(odd.containers)])
    assert all(":" not in k and "/" not in k and "." not in k for k in nodes)
    assert node_id("n", "a_2f") != node_id("n", "a/")  # escaping never collides


def test_lifecycle_highlights_the_current_state():
    nodes = svg_nodes(Lifecycle("paused", "web", "pause").svg())
    assert [k for k, n in nodes.items() if n["stroke"] == theme.HIGHLIGHT] == ["state_paused"]
    assert {k[6:] for k in nodes if k.startswith("state_")} == {
        "created", "running", "paused", "restarting", "exited", "removed"}
    assert "web: paused after pause" in Lifecycle("paused", "web", "pause").svg()


def test_vm_vs_containers_has_both_stacks():
    svg = VmVsContainers().svg()
    assert "hypervisor" in svg and ">guest OS A<" in svg and ">(own kernel)<" in svg and "container engine" in svg
    # the engine stands beside the apps: it is not a layer their system calls pass through
    assert ">not in their<" in svg and ">system&#45;call path<" in svg and svg.count(">system calls<") == 3


def test_side_by_side_keeps_both_pictures_and_one_marker(snap):
    both = side_by_side([Architecture("ContainerStart").svg(), ObjectGraph(snap).svg()],
                        "dockerlens-architecture")
    root = ET.fromstring(both)
    assert root.find("svg:title", NS).text == "dockerlens-architecture"
    assert len(root.findall("svg:svg", NS)) == 2
    assert "ContainerStart" in both and "lens-fixture" not in both.split("<title>")[1][:40]


def test_diagrams_render_themselves(snap):
    for diagram in (Architecture("ContainerStart"), ObjectGraph(snap), Lifecycle("running"),
                    VmVsContainers()):
        bundle = diagram._repr_mimebundle_()
        assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
        assert bundle["text/plain"].startswith("<")
    assert "web (running)" in repr(ObjectGraph(snap))


def test_mimebundle_honours_include_and_exclude():
    diagram = Lifecycle("running")
    assert set(diagram._repr_mimebundle_(include={"text/plain"})) == {"text/plain"}
    assert set(diagram._repr_mimebundle_(exclude={"image/svg+xml"})) == {"text/plain"}
    assert not hasattr(diagram, "_repr_svg_")


def test_the_same_picture_is_rendered_once_and_a_changed_one_again(monkeypatch):
    calls = []
    real = theme.graphviz.pipe
    monkeypatch.setattr(theme.graphviz, "pipe", lambda *a, **k: calls.append(a) or real(*a, **k))
    theme._rendered.cache_clear()
    first, again = Lifecycle("created").svg(), Lifecycle("created").svg()
    changed = Lifecycle("running").svg()
    assert first == again and changed != first
    assert len(calls) == 2, "one dot run for each distinct DOT source"
