"""A course that forgives, in JupyterLab in Chromium at 1400×1000 with the file browser open:
the live panel fits the output area (lessons 03 and 05, live and replay), and every mistake a
newcomer makes shows the explanation box, not a traceback taller than it.

Screenshots land in test-output/screenshots/.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import pytest

from .conftest import BROWSER_LEARNER, launch, notebooks_in
from .jlab import JupyterServer, copy_course

pytestmark = pytest.mark.browser
MIN_TEXT_PX = 11


@pytest.fixture(scope="module")
def replay_server(tmp_path_factory):
    """JupyterLab whose kernels replay the recordings (DOCKERLENS_MODE=replay), as on Binder."""
    course = copy_course(tmp_path_factory.mktemp("course-replay"))
    server = JupyterServer(course, tmp_path_factory.mktemp("jupyter-home-replay"), BROWSER_LEARNER,
                           env={"DOCKERLENS_MODE": "replay"})
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def replay_browser(playwright, chromium, replay_server, tmp_path_factory):
    chrome, relay = launch(playwright, chromium, replay_server, tmp_path_factory.mktemp("chromium-r"))
    yield chrome
    chrome.close()
    relay.close()


@pytest.fixture
def replay_lab(replay_browser, replay_server, client):
    yield from notebooks_in(replay_browser, replay_server, client)


def file_browser_open(nb) -> None:
    """The left sidebar shows the file browser, as JupyterLab opens by default."""
    panel = nb.page.locator("#filebrowser")
    if not panel.is_visible():
        nb.page.locator(".jp-SideBar.jp-mod-left [data-id='filebrowser']").click()
    panel.wait_for(state="visible")


def fit_of(img) -> dict:
    """How the panel's <img> sits in its output area: widths in CSS px and its smallest text."""
    src = unquote(img.get_attribute("src").split(",", 1)[1])
    root = ET.fromstring(src)
    view_width = float(root.get("viewBox").split()[2])
    fonts = [float(f) for f in re.findall(r'font-size="([\d.]+)"', src)]
    width, output, scroll = img.evaluate(
        "i => { const o = i.closest('.jp-OutputArea-output');"
        " return [i.getBoundingClientRect().width, o.clientWidth, o.scrollWidth]; }")
    return {"img": width, "output": output, "scroll": scroll,
            "min_text_px": min(fonts) * width / view_width}


def assert_panel_fits(nb, source: str, shot: str) -> dict:
    img = nb.outputs(source).locator(".jp-RenderedSVG img").first
    img.wait_for(state="visible")
    nb.page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())
    fit = fit_of(img)
    nb.screenshot(shot, img)
    assert 900 <= fit["output"] <= 1000, f"not the 1400×1000 layout with the file browser: {fit}"
    assert fit["img"] <= fit["output"] and fit["scroll"] <= fit["output"], f"sideways scroll: {fit}"
    assert fit["min_text_px"] >= MIN_TEXT_PX, f"text too small: {fit}"
    return fit


def panel_of_lesson(nb, lesson: str) -> None:
    file_browser_open(nb)
    nb.run_cell(f'lens.setup("{lesson}")')
    nb.run_cell(f'leftovers = lens.reset("{lesson}")')
    nb.run_cell("panel = lens.watch()")


def test_lesson_03_panel_fits_live(lab):
    nb = lab("notebooks/03-architecture.ipynb")
    panel_of_lesson(nb, "03")
    nb.run_cell('ctr = client.containers.run(lens.image("web")')
    assert_panel_fits(nb, "panel = lens.watch()", "fit-03-live")


def test_lesson_05_panel_fits_live_with_the_learners_objects(lab):
    nb = lab("notebooks/05-containers.ipynb")
    panel_of_lesson(nb, "05")
    nb.run_cell("ctr = client.containers.create(")
    nb.run_cell("ctr.start()")
    nb.page.wait_for_function(  # the renderer redraws after the container's events
        "() => [...document.querySelectorAll('.jp-RenderedSVG img')].some("
        "i => decodeURIComponent(i.src).includes('lens-'))", timeout=15_000)
    assert_panel_fits(nb, "panel = lens.watch()", "fit-05-live")


def test_lesson_03_panel_fits_replay(replay_lab):
    nb = replay_lab("notebooks/03-architecture.ipynb")
    panel_of_lesson(nb, "03")
    assert_panel_fits(nb, "panel = lens.watch()", "fit-03-replay")


def test_lesson_05_panel_fits_replay(replay_lab):
    nb = replay_lab("notebooks/05-containers.ipynb")
    panel_of_lesson(nb, "05")
    nb.run_cell("ctr = client.containers.create(")
    assert_panel_fits(nb, "panel = lens.watch()", "fit-05-replay")


@pytest.mark.parametrize("relpath", ["notebooks/05-containers.ipynb",
                                     "labs/05-containers/lab.ipynb"])
def test_a_notebook_does_not_turn_modified_when_opened(lab, relpath):
    """Metadata and nbformat minor version as JupyterLab 4 saves them: nothing to save on open."""
    nb = lab(relpath)
    nb.page.wait_for_timeout(2000)  # JupyterLab writes the kernel's language_info once it connects
    tab = nb.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current")
    assert "jp-mod-dirty" not in (tab.get_attribute("class") or ""), tab.get_attribute("class")
    nb.screenshot(f"not-modified-{nb.name}")
