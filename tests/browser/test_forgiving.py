"""A course that forgives, in JupyterLab in Chromium at 1400×1000 with the file browser open:
the live panel fits the output area (lessons 03 and 05, live and replay), and every mistake a
newcomer makes shows the explanation box, not a traceback taller than it.

Screenshots land in test-output/screenshots/.
"""
from __future__ import annotations

import json
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


def fit_of(img, tries: int = 5) -> dict:
    """How the panel's <img> sits in its output area: widths in CSS px and its smallest text.

    Read in one evaluation; a live panel may replace its <img> meanwhile, so read again then."""
    for attempt in range(tries):
        found = img.evaluate(
            "i => { const o = i.closest('.jp-OutputArea-output');"
            " return o && [i.src, i.getBoundingClientRect().width, o.clientWidth, o.scrollWidth]; }")
        if found:
            break
        img.page.wait_for_timeout(300)
    assert found, "the panel's <img> kept being replaced while it was measured"
    src, width, output, scroll = found
    src = unquote(src.split(",", 1)[1])
    view_width = float(ET.fromstring(src).get("viewBox").split()[2])
    fonts = [float(f) for f in re.findall(r'font-size="([\d.]+)"', src)]
    return {"img": width, "output": output, "scroll": scroll,
            "min_text_px": min(fonts) * width / view_width}


def assert_panel_fits(nb, source: str, shot: str) -> dict:
    img = nb.outputs(source).locator(".jp-RenderedSVG img").first
    img.wait_for(state="visible")
    nb.page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())
    fit = fit_of(img)
    nb.screenshot(shot, nb.outputs(source))  # the output area stays; a live panel swaps its <img>
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


def test_lesson_01_vm_picture_fits(lab):
    """The VM-vs-containers picture (both stacks side by side) needs no sideways scroll either."""
    nb = lab("notebooks/01-containers-vs-vms.ipynb")
    file_browser_open(nb)
    nb.run_cell('lens.setup("01")')
    nb.run_cell("VmVsContainers(")
    fit = assert_panel_fits(nb, "VmVsContainers(", "fit-01-vm-vs-containers")
    assert "hypervisor" in unquote(nb.outputs("VmVsContainers(").locator("img").first.get_attribute("src")), fit


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


def test_a_notebook_saved_on_another_python_does_not_turn_modified(lab, jupyter):
    """A kernel on another Python than the one that last saved the notebook changes nothing."""
    source = json.loads((jupyter.root_dir / "notebooks/04-images.ipynb").read_text())
    source["metadata"]["language_info"]["version"] = "3.9.0"  # as if saved where Python is 3.9
    (jupyter.root_dir / "notebooks/04-other-python.ipynb").write_text(json.dumps(source, indent=1))
    nb = lab("notebooks/04-other-python.ipynb")
    nb.page.wait_for_timeout(2000)  # JupyterLab writes the kernel's language_info once it connects
    tab = nb.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current")
    assert "jp-mod-dirty" not in (tab.get_attribute("class") or ""), tab.get_attribute("class")


# -- mistakes a newcomer makes: each shows the box, no traceback taller than it, then goes on --

STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"


def assert_box(nb, cell, shot: str, *words: str) -> None:
    """CELL's output: the explanation box with WORDS, a collapsed traceback, a short error."""
    out = cell.locator(".jp-OutputArea")
    box = out.locator(".dockerlens-explanation").first
    box.wait_for(state="visible")
    text = box.inner_text()
    for word in words:
        assert word in text, (word, text)
    details = box.locator("details")
    assert details.count() == 1 and details.first.get_attribute("open") is None
    assert "Traceback (most recent call last)" not in out.inner_text()  # collapsed, one click away
    error = out.locator(STDERR)
    assert error.count() == 1, out.inner_text()
    box_height, error_height = box.bounding_box()["height"], error.first.bounding_box()["height"]
    assert error_height < box_height, (error_height, box_height)
    prompt = cell.locator(".jp-InputArea-prompt").inner_text().strip()
    assert PROMPT.match(prompt), prompt  # the cell ran and failed (JupyterLab stopped there)
    nb.screenshot(shot, box)


PROMPT = re.compile(r"^\[\d+\]:$")


def completes(result) -> None:
    assert not result.errors, repr(result)
    assert result.executed == result.code_cells, repr(result)


RESUME = 'ctr = lens.find("web")  # back'


def lesson_05_begun(nb, started: bool = False) -> None:
    """Lesson 05 run cell by cell from the top to its first container (running if STARTED)."""
    file_browser_open(nb)
    nb.run_cell('lens.setup("05")')
    nb.run_cell('leftovers = lens.reset("05")')
    nb.run_cell("panel = lens.watch()")
    nb.run_cell("ctr = client.containers.create(")
    if started:
        nb.run_cell(RESUME, nth=0)
        nb.run_cell("ctr.start()")


def test_a_create_cell_run_twice_explains_the_conflict_and_the_lesson_goes_on(lab):
    nb = lab("notebooks/05-containers.ipynb")
    lesson_05_begun(nb)
    nb.run_cell("ctr = client.containers.create(")  # again, as a newcomer does
    assert_box(nb, nb.cell("ctr = client.containers.create("), "mistake-create-twice",
               "409", "Name already in use", 'ctr = lens.find("web")', 'lens.reset("05")')
    completes(nb.run_from(RESUME, nth=0))  # the fix the box names is the next cell


def test_a_name_typo_is_explained_and_the_lesson_goes_on(lab):
    nb = lab("notebooks/05-containers.ipynb")
    lesson_05_begun(nb)
    nb.add_cell_below("ctr = client.containers.create(", 'client.containers.get(lens.name("wbe"))')
    nb.run_cell('lens.name("wbe")')
    assert_box(nb, nb.cell('lens.name("wbe")'), "mistake-name-typo", "404", "No such container", "lens-", "wbe")
    nb.delete_cell('lens.name("wbe")')  # the learner drops the mistaken cell
    completes(nb.run_from(RESUME, nth=0))


def test_removing_a_running_container_is_explained_and_the_lesson_goes_on(lab):
    nb = lab("notebooks/05-containers.ipynb")
    lesson_05_begun(nb, started=True)
    nb.add_cell_below("ctr.start()", "ctr.remove()")
    nb.run_cell("ctr.remove()", nth=0)
    assert_box(nb, nb.cell("ctr.remove()", nth=0), "mistake-remove-running", "Container still running",
               "ctr.remove(force=True)")
    nb.delete_cell("ctr.remove()", nth=0)
    completes(nb.run_from("ctr.reload()", nth=0))


def test_interrupting_a_long_cell_removes_what_it_made_and_the_lesson_goes_on(lab, client):
    from dockerlens.engine.scope import acting_as, name
    nb = lab("notebooks/01-containers-vs-vms.ipynb")
    file_browser_open(nb)
    timing = "lens.measure_starts(client"
    nb.run_above(timing)
    with acting_as(BROWSER_LEARNER):
        prefix = name("start-")

    def made() -> list[str]:
        return [c.name for c in client.containers.list(all=True, filters={"name": prefix})]

    nb.start_cell(timing)
    nb._wait(lambda: len(made()) >= 3, 60, "three of the 20 containers to exist")
    nb.menu("Kernel", "Interrupt Kernel")
    nb._wait(lambda: nb.server.kernel_state(nb.relpath) == "idle", 60, "the interrupted kernel", settle=2)
    assert_box(nb, nb.cell(timing), "mistake-interrupt", "Interrupted", "removed the")
    assert made() == [], "the interrupted cell left containers behind"
    completes(nb.run_from(timing))


def test_a_restart_in_the_middle_of_lesson_05_then_the_resume_cell(lab):
    nb = lab("notebooks/05-containers.ipynb")
    file_browser_open(nb)
    above = nb.run_above(RESUME, nth=1)  # everything before "Stop, restart, kill"
    assert not above.errors, repr(above)
    nb.restart_kernel()  # outputs cleared: every prompt is [ ] again
    nb.run_cell('lens.setup("05")')
    nb.run_cell("ctr = client.containers.create(")  # what a learner tries first: the box says what to do
    assert_box(nb, nb.cell("ctr = client.containers.create("), "mistake-restart-then-create",
               "Name already in use", 'ctr = lens.find("web")')
    rest = nb.run_from(RESUME, nth=1)  # the section's resume cell, then the rest of the lesson
    assert not rest.errors, repr(rest)
    assert rest.executed == 2 + rest.code_cells - nb.index_of(RESUME, 1), repr(rest)


def test_an_edited_cell_in_replay_gets_one_clear_box(replay_lab):
    nb = replay_lab("notebooks/05-containers.ipynb")
    file_browser_open(nb)
    nb.run_cell('lens.setup("05")')
    create = "ctr = client.containers.create("
    original = "".join(nb.cell(create).locator(".cm-line").all_inner_texts())
    source = nb.cell(create).locator(".cm-content").inner_text()
    nb.type_into(nb.cell(create), source.replace('lens.name("web")', 'lens.name("web2")'))
    nb.run_cell(create)
    assert_box(nb, nb.cell(create), "mistake-replay-edited", "Not in the recording",
               "This request was not recorded", "the recording has", "make lab / dev container",
               "Run the cells unchanged")
    assert original
    nb.type_into(nb.cell(create), source)  # back as it was: the recording answers it
    nb.run_cell(create)
    out = nb.cell(create).locator(".jp-OutputArea")
    assert out.locator(".dockerlens-explanation").count() == 0 and out.locator(STDERR).count() == 0
