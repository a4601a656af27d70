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
