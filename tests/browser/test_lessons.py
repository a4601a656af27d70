"""Lessons 02 and 03 in the browser: the wiretap table and the live architecture diagram
render in JupyterLab, not only in a kernel."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import pytest

pytestmark = pytest.mark.browser

HIGHLIGHT = "#d9480f"  # dockerlens.diagrams.theme.HIGHLIGHT: the lit path of the last request
SVG_NS = "{http://www.w3.org/2000/svg}"


def read_architecture(img) -> dict:
    """The architecture half of the live panel as the browser has it (JupyterLab draws SVG
    outputs as an <img> with a data: URL): caption, lit nodes, all node names, size drawn."""
    src = img.get_attribute("src")
    assert src.startswith("data:image/svg+xml"), src[:80]
    root = ET.fromstring(unquote(src.split(",", 1)[1]))
    graph = root.find(f"{SVG_NS}svg/{SVG_NS}g[@class='graph']")
    caption = graph.find(f"{SVG_NS}text")
    nodes = {g.find(f"{SVG_NS}title").text: g for g in graph.iter(f"{SVG_NS}g")
             if g.get("class") == "node"}
    lit = [name for name, g in nodes.items()
           if any(shape.get("stroke") == HIGHLIGHT for shape in g if shape.tag != f"{SVG_NS}title")]
    size = img.evaluate("i => [i.naturalWidth, i.clientWidth, i.clientHeight]")
    return {"title": root.findtext(f"{SVG_NS}title"), "caption": caption.text or "",
            "nodes": sorted(nodes), "lit": lit, "size": size,
            "text": " ".join(t.text or "" for t in graph.iter(f"{SVG_NS}text"))}


def operation(state: dict) -> str:
    found = re.search(r"last request: (\w+)", state["caption"])
    return found.group(1) if found else ""


def test_docker_engine_wiretap_table_names_create_and_start(lab):
    nb = lab("notebooks/02-docker-engine.ipynb")
    result = nb.run_all()
    assert result.executed == result.code_cells >= 20, repr(result)
    assert not result.errors, repr(result)

    live = nb.outputs("lens.wiretap(live=True) as sdk_tap")
    table = live.locator("table").first
    table.wait_for(state="visible")
    assert "wiretap (live)" in live.inner_text()
    operations = table.locator("tbody tr td:nth-child(5)").all_inner_texts()
    assert "ContainerCreate" in operations and "ContainerStart" in operations, operations
    assert operations.index("ContainerCreate") < operations.index("ContainerStart"), operations
    for op in ("ContainerCreate", "ContainerStart"):
        row = table.locator("tbody tr").filter(has_text=op).first
        assert row.is_visible() and "sdk" in row.inner_text(), row.inner_text()
    nb.screenshot("02-docker-engine-wiretap", table)

    raw = nb.outputs("with lens.wiretap() as raw_tap").locator("table").first
    raw.wait_for(state="visible")
    assert raw.locator("tbody tr td:nth-child(5)").all_inner_texts()[:2] == [
        "ContainerCreate", "ContainerStart"]


def test_architecture_svg_names_dockerd_and_lights_the_container_path(lab):
    nb = lab("notebooks/03-architecture.ipynb")
    nb.run_cell('lens.setup("03")')
    nb.run_cell('leftovers = lens.reset("03")')
    nb.run_cell("panel = lens.watch()")
    img = nb.outputs("panel = lens.watch()").locator(".jp-RenderedSVG img").first
    img.wait_for(state="visible")
    before = read_architecture(img)
    assert before["title"] == "dockerlens-architecture", before
    assert "dockerd" in before["nodes"] and "dockerd" in before["text"], before
    natural, width, height = before["size"]
    assert natural > 0 and width > 300 and height > 100, f"the SVG is not drawn: {before}"
    assert not operation(before).startswith("Container"), before

    nb.run_cell('ctr = client.containers.run(lens.image("web")')
    nb.page.wait_for_function(  # the renderer thread redraws within ~200 ms of the request
        "i => decodeURIComponent(i.src).includes('last request: Container')",
        arg=img.element_handle(), timeout=10_000)
    after = read_architecture(img)
    assert operation(after).startswith("Container") and operation(after) != operation(before)
    assert {"dockerd", "containers"} <= set(after["lit"]), after
    nb.screenshot("03-architecture-after-run", img)

    result = nb.run_from("ctr.stop(timeout=1)")
    assert result.executed == result.code_cells >= 20, repr(result)
    assert not result.errors, repr(result)
