"""The course's contents manager: the kernel's Python version in a notebook loaded, none in one saved."""
import asyncio
from concurrent.futures import ThreadPoolExecutor
import json

from dockerlens.show.contents import CourseContents, python_version

from tests.tiers import ROOT


def run(coroutine):
    """Await COROUTINE in a thread of its own: the browser tier's Playwright keeps an event loop
    running in this one for the whole session, and asyncio.run() refuses to nest."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_a_loaded_notebook_carries_this_python_and_a_saved_one_none(tmp_path):
    source = json.loads((ROOT / "notebooks/04-images.ipynb").read_text())
    source["metadata"]["language_info"]["version"] = "3.9.0"  # saved on another Python
    (tmp_path / "nb.ipynb").write_text(json.dumps(source))
    contents = CourseContents(root_dir=str(tmp_path))

    loaded = run(contents.get("nb.ipynb"))
    assert loaded["content"]["metadata"]["language_info"]["version"] == python_version()
    run(contents.save({"type": "notebook", "content": loaded["content"]}, "saved.ipynb"))
    saved = json.loads((tmp_path / "saved.ipynb").read_text())
    assert "version" not in saved["metadata"]["language_info"]
    assert ["".join(c["source"]) for c in saved["cells"]] == ["".join(c["source"]) for c in source["cells"]]
