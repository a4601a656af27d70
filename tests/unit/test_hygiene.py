"""Notebooks in git carry no outputs and no execution counts (outputs belong to a run, not the source)."""
import json
import subprocess

from tests.tiers import ROOT


def tracked_notebooks():
    out = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True)
    files = [ROOT / line for line in out.stdout.split()]
    return files or sorted(ROOT.glob("notebooks/*.ipynb"))  # outside git: what is on disk


def test_notebooks_have_no_outputs_or_execution_counts():
    dirty = []
    for path in tracked_notebooks():
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count")):
                dirty.append(f"{path.relative_to(ROOT)} cell {i}")
    assert not dirty, "notebooks with outputs (clear them before committing): " + ", ".join(dirty)


def test_every_notebook_starts_with_the_setup_cell():
    for path in sorted(ROOT.glob("notebooks/*.ipynb")):
        code = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        first = "".join(code[0]["source"])
        number = path.name[:2]
        assert "import dockerlens as lens" in first and f'lens.setup("{number}")' in first, path.name


def course_notebooks():
    return sorted(ROOT.glob("notebooks/*.ipynb")) + sorted(ROOT.glob("labs/*/*.ipynb"))


def test_no_test_harness_marker_in_code_a_learner_reads():
    """nbval's markers are cell tags (nbval-ignore-output, raises-exception, nbval-skip)."""
    marked = [f"{path.relative_to(ROOT)} cell {cell.get('id', i)}"
              for path in course_notebooks()
              for i, cell in enumerate(json.loads(path.read_text())["cells"])
              if cell["cell_type"] == "code" and "NBVAL" in "".join(cell["source"])]
    assert not marked, "NBVAL comments in code cells (use a cell tag instead): " + ", ".join(marked)


def test_notebook_metadata_is_what_jupyterlab_saves():
    """Opening a notebook in JupyterLab 4 does not change it (it would show as modified)."""
    for path in course_notebooks():
        nb = json.loads(path.read_text())
        assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 5), path.name
        assert nb["metadata"]["kernelspec"] == {"display_name": "Python 3 (ipykernel)",
                                                "language": "python", "name": "python3"}, path.name
        info = nb["metadata"]["language_info"]
        assert info["name"] == "python" and info["pygments_lexer"] == "ipython3", path.name
        # no Python pinned: show/contents.py fills in the kernel's on load (else another Python
        # than the one that saved it turns the notebook "modified" on open) and drops it on save
        assert "version" not in info, f"{path.name}: language_info.version {info['version']!r}"
