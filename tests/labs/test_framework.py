"""The check framework without a daemon: results, hints, retry, progress, generated notebooks."""
from __future__ import annotations

import json
import time

import nbformat
import pytest

from dockerlens.labs import all_labs, check, lab
from dockerlens.labs.framework import Fail, Lab, Pending, CheckReport, CheckResult
from dockerlens.labs.context import Context, caller_variables
from dockerlens.labs.generate import BLANK, goal_number, lab_dirs, learner_copy, render, stale
from dockerlens.labs.progress import Progress, progress_path


HINTS = ("the idea", "the API's name", "a sketch")


def make_lab(run, within: float = 0.0) -> Lab:
    toy = Lab("06", "toy")
    toy.task(1, "a toy task", hints=HINTS, section="Published ports", within=within)(run)
    return toy


def always_fails(ctx):
    raise Fail("container `web` exists but port 8080 is not published; it publishes 80")


# --- results --------------------------------------------------------------------------------
def test_failed_result_text_and_html():
    result = CheckResult("06", 2, "the web image", False, "port `80` is <not> published")
    assert repr(result) == "✗ 06.2 the web image: port `80` is <not> published"
    page = result._repr_html_()
    assert "✗ 06.2" in page and "<code>80</code>" in page and "&lt;not&gt;" in page
    assert not result


def test_passed_result_text_and_html():
    result = CheckResult("06", 1, "two containers", True)
    assert repr(result) == "✓ 06.1 two containers: passed"
    assert "✓ 06.1" in result._repr_html_() and "#1a7f37" in result._repr_html_()
    assert result


def test_report_passes_only_when_every_result_passes():
    ok, bad = CheckResult("05", 1, "a", True), CheckResult("05", 2, "b", False, "why")
    assert CheckReport([ok, ok]).passed and not CheckReport([ok, bad]).passed and not CheckReport([]).passed
    assert repr(CheckReport([ok, bad])).startswith("1/2 tasks passed\n✓ 05.1 a: passed\n✗ 05.2 b: why")
    assert "1/2 tasks passed" in CheckReport([ok, bad])._repr_html_()


# --- hints, then the lesson -----------------------------------------------------------------
def test_hints_escalate_from_the_second_failure_and_the_lesson_joins_at_the_third():
    toy = make_lab(always_fails)
    first, second, third, fourth, fifth = (toy.check(1, variables={}) for _ in range(5))
    assert first.reason == "container `web` exists but port 8080 is not published; it publishes 80"
    assert not first.hint and not first.lesson
    assert (second.hint, second.hint_level) == ("the idea", 1) and not second.lesson
    assert (third.hint, third.hint_level) == ("the API's name", 2)
    assert third.lesson == "see lesson 06, section “Published ports”"
    assert (fourth.hint, fourth.hint_level) == ("a sketch", 3)
    assert (fifth.hint, fifth.hint_level) == ("a sketch", 3)
    assert fourth.link == "../../notebooks/06-networks.ipynb#Published-ports"
    assert repr(fourth).splitlines() == [
        "✗ 06.1 a toy task: container `web` exists but port 8080 is not published; it publishes 80",
        "  hint 3/3: a sketch",
        "  see lesson 06, section “Published ports” (../../notebooks/06-networks.ipynb#Published-ports)"]
    assert 'href="../../notebooks/06-networks.ipynb#Published-ports"' in fourth._repr_html_()
    assert "hint 3/3:" in fourth._repr_html_()


def test_a_pass_resets_the_failure_count():
    outcome = {"fail": True}

    def flaky(ctx):
        if outcome["fail"]:
            raise Fail("not yet")
    toy = make_lab(flaky)
    for _ in range(4):
        toy.check(1, variables={})
    outcome["fail"] = False
    assert toy.check(1, variables={}).passed
    outcome["fail"] = True
    assert not toy.check(1, variables={}).hint


# --- retry with a bound -----------------------------------------------------------------------
def test_pending_is_retried_until_it_passes():
    calls = []

    def starting(ctx):
        calls.append(1)
        if len(calls) < 3:
            raise Pending("nothing answers yet")
    assert make_lab(starting, within=5).check(1, variables={}).passed
    assert len(calls) == 3


def test_pending_gives_up_at_its_bound():
    def never(ctx):
        raise Pending("nothing answers on http://127.0.0.1:1/")
    started = time.monotonic()
    result = make_lab(never, within=0.5).check(1, variables={})
    assert 0.5 <= time.monotonic() - started < 3  # gave up at 0.5 s, not at a longer bound
    assert result.reason == "nothing answers on http://127.0.0.1:1/"


def test_a_plain_fail_is_not_retried():
    calls = []

    def missing(ctx):
        calls.append(1)
        raise Fail("there is no container")
    make_lab(missing, within=5).check(1, variables={})
    assert calls == [1]


def test_a_bug_in_a_check_is_not_hidden():
    def buggy(ctx):
        raise ZeroDivisionError
    with pytest.raises(ZeroDivisionError):
        make_lab(buggy).check(1, variables={})


# --- the learner's variables --------------------------------------------------------------------
def test_missing_and_mistyped_variables_fail_with_words():
    ctx = Context("08", {"seen": (e for e in []), "exit_code": "7"})
    with pytest.raises(Fail, match=r"^there is no variable `raw` in your notebook yet: assign bytes"):
        ctx.var("raw", bytes, "bytes")
    with pytest.raises(Fail, match=r"^`seen` is a generator, but this task needs a list"):
        ctx.var("seen", list)
    with pytest.raises(Fail, match=r"^`exit_code` is a str, but this task needs a int"):
        ctx.var("exit_code", int)


def test_checks_read_the_callers_variables():
    host_pid = 4242  # noqa: F841 (read from this frame by the framework)
    assert caller_variables()["host_pid"] == 4242
    seen: list = []  # noqa: F841
    result = check("08.1")  # no daemon needed: an empty `seen` fails before any daemon call
    assert not result.passed
    assert result.reason.startswith("`seen` holds 0 event(s), none of container")


def test_unknown_labs_and_keys_say_what_exists():
    with pytest.raises(KeyError, match="the labs are 01, 02, 03, 04, 05, 06, 07, 08, 09, 10"):
        lab("11")
    with pytest.raises(ValueError, match='looks like "06.2"'):
        check("06")
    with pytest.raises(KeyError, match=r"lab 06 has tasks \[1, 2, 3, 4\], not 9"):
        lab(6).check(9, variables={})
    assert lab(6) is lab("06")
    assert lab(8).check("1", variables={}).reason.startswith("there is no variable `seen`")


# --- progress -----------------------------------------------------------------------------------
def test_progress_file_per_learner(progress_dir, monkeypatch):
    monkeypatch.setenv("DOCKERLENS_LEARNER", "pytest-carol")
    toy = make_lab(always_fails)
    toy.check(1, variables={})
    path = progress_dir / "progress-pytest-carol.json"
    assert progress_path() == path
    data = json.loads(path.read_text())
    assert data == {"learner": "pytest-carol", "tasks": {"06.1": {"passed": None, "failures": 1}}}
    Progress.load().record(CheckResult("06", 1, "t", True))
    assert Progress.load().passed_at("06.1")
    assert "✓ 1. a toy task  (passed " in repr(toy)
    assert repr(Progress.load()) == "pytest-carol: 1 task(s) passed (lab 06: 1)"


def test_unreadable_progress_starts_afresh(progress_dir):
    progress_dir.mkdir(parents=True)
    progress_path().write_text("{not json")
    assert Progress.load().tasks == {}


# --- generated learner notebooks ----------------------------------------------------------------
def test_learner_copy_blanks_solution_cells_and_drops_solution_only():
    def cell(source, tags=(), **kw):
        made = nbformat.v4.new_code_cell(source, **kw)
        if tags:
            made.metadata["tags"] = list(tags)
        return made
    solution = nbformat.v4.new_notebook(cells=[
        cell("import dockerlens as lens"),
        cell("secret = 42", ["solution"]),
        cell("lab.check(1)", outputs=[nbformat.v4.new_output("stream", text="✓")], execution_count=3),
        cell("assert report.passed", ["solution-only"]),
    ])
    copy = learner_copy(solution)
    assert [c.source for c in copy.cells] == ["import dockerlens as lens", BLANK, "lab.check(1)"]
    assert copy.cells[1].metadata["tags"] == ["task"]
    assert copy.cells[2].outputs == [] and copy.cells[2].execution_count is None
    assert solution.cells[1].source == "secret = 42"  # the source is untouched


def test_every_committed_lab_notebook_readme_and_task_cell_is_generated():
    """lab.ipynb from solution.ipynb; README.md and each task's cell from the lab module's goals."""
    folders = lab_dirs()
    assert len(folders) == 10
    old = [f.name for f in folders if stale(f)]
    assert not old, f"run python -m dockerlens labs --generate: {old} are out of date"
    for folder in folders:
        solution = nbformat.read(folder / "solution.ipynb", as_version=4)
        stated = sorted(goal_number(c) for c in solution.cells if goal_number(c) is not None)
        assert stated == sorted(lab(folder.name[:2]).tasks), folder.name
        readme = (folder / "README.md").read_text()
        assert all(t.goal in readme for t in lab(folder.name[:2]).tasks.values()), folder.name


def test_learner_notebooks_hold_no_solution_code():
    for folder in lab_dirs():
        sol = nbformat.read(folder / "solution.ipynb", as_version=4)
        learner = nbformat.reads(render(folder), as_version=4)
        secret = [c.source for c in sol.cells if "solution" in c.metadata.get("tags", [])]
        assert secret, f"{folder.name}: no cell tagged solution"
        assert not any(s in (c.source for c in learner.cells) for s in secret)
        checks = [c.source for c in learner.cells if c.source.startswith("lab.check(")]
        assert len(checks) == len(lab(folder.name[:2]).tasks), folder.name
        assert not any("assert" in c.source for c in learner.cells if c.cell_type == "code")


def test_cli_check_flags_a_stale_learner_notebook(tmp_path, monkeypatch, capsys):
    from dockerlens.labs import cli, generate
    folder = tmp_path / "05-containers"
    folder.mkdir()
    (folder / "solution.ipynb").write_text((lab_dirs()[4] / "solution.ipynb").read_text())
    monkeypatch.setattr(generate, "ROOT", tmp_path)
    assert cli.run(verify=True) == 1
    assert "05-containers/lab.ipynb is not generated" in capsys.readouterr().out
    assert cli.run(generate=True) == 0 and cli.run(verify=True) == 0


def test_lesson_sections_named_by_hints_exist_in_the_lessons_written_so_far():
    """'see lesson NN, section X' must name a real '## X' heading of that lesson's notebook."""
    from dockerlens.labs import all_labs
    from dockerlens.labs.generate import ROOT
    checked = 0
    for each in all_labs():
        notebook = ROOT.parent / "notebooks" / f"{each.slug}.ipynb"
        if not notebook.exists():
            continue  # that lesson is not written yet
        headings = {line[3:].strip() for c in nbformat.read(notebook, as_version=4).cells
                    if c.cell_type == "markdown" for line in c.source.splitlines()
                    if line.startswith("## ")}
        for task in each.tasks.values():
            assert task.section in headings, f"lab {each.number} task {task.number}: {task.section!r}"
            checked += 1
    assert checked >= 1


# --- tasks say what, not how ---------------------------------------------------------------------
SOLVING = [r"client\.", r"\bapi\.", r"\.run\(", r"\.create\(", r"\.start\(", r"\.pause\(",
           r"\.build\(", r"\.events\(", r"\.diff\(", r"\bdocker (run|create|build|pause|inspect|"
           r"network|volume|events|diff|port)\b", r"\b[a-z_]{3,}=[\"'{\[(]",
           r"\[\s*\"[\w/.-]+\",\s*\"", r"tcp_endpoint\(", r"socket\.socket|AF_UNIX", r"\.attrs\b",
           r"\.logs\("]


@pytest.mark.parametrize("key", [f"{l.number}.{n}" for l in all_labs() for n in l.tasks])
def test_task_text_and_first_hint_hold_no_solving_code(key):
    """A task says what must be true and why; its first hint names the idea, not the call."""
    import re
    number, task = key.split(".")
    the_task = lab(number).tasks[int(task)]
    assert len(the_task.goal) > 80, f"{key}: the goal is too short to say what and why"
    assert len(the_task.hints) == 3, f"{key}: hints must escalate: idea, API, sketch"
    for text in (the_task.goal, the_task.hints[0]):
        found = [p for p in SOLVING if re.search(p, text)]
        assert not found, f"{key} gives the code away ({found}): {text}"
    assert "`" in the_task.hints[2], f"{key}: the last hint should sketch the code"
    assert the_task.hints[0] != the_task.hints[1] != the_task.hints[2]


def test_solving_code_is_caught():
    """The patterns above catch what a recipe-style task used to say."""
    import re
    recipes = ['`client.containers.run(lens.image("base"), ["sleep", "3600"])`', "`mem_limit=\"64m\"`",
               "run `docker run -d busybox`", "`ctr.pause()`", "`fwd = lens.tcp_endpoint()`"]
    assert all(any(re.search(p, r) for p in SOLVING) for r in recipes)


def test_every_lab_section_is_a_heading_of_its_lesson():
    """The link's anchor is one JupyterLab gives a heading of the lesson (so it opens there)."""
    import importlib
    import re
    from pathlib import Path

    from dockerlens.labs.framework import heading_anchor
    root = Path(__file__).resolve().parents[2]
    missing = []
    for number in ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10"]:
        toy = importlib.import_module(f"dockerlens.labs.lab{number}").LAB
        cells = json.loads((root / "notebooks" / f"{toy.slug}.ipynb").read_text())["cells"]
        anchors = {heading_anchor(m.group(1)) for c in cells if c["cell_type"] == "markdown"
                   for m in re.finditer(r"^#+\s+(.+?)\s*$", "".join(c["source"]), re.MULTILINE)}
        missing += [f"lab {number} task {t.number}: “{t.section}”" for t in toy.tasks.values()
                    if heading_anchor(t.section) not in anchors]
    assert not missing, "lab sections that are no heading of their lesson: " + "; ".join(missing)
