"""Lab tests keep progress files in a temporary folder, never in the developer's home."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def progress_dir(tmp_path, monkeypatch):
    folder = tmp_path / "progress"
    monkeypatch.setenv("DOCKERLENS_PROGRESS", str(folder))
    return folder
