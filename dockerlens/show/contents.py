"""The course's notebooks as JupyterLab loads and saves them: no Python version pinned in git.

Why: JupyterLab copies the kernel's ``language_info`` into a notebook's metadata when the kernel
connects, and a notebook whose stored version differs (saved on another Python) turns
"modified" as soon as it opens. The notebooks are committed without ``language_info.version``;
this contents manager fills in the Python the kernel runs (the server's: `make lab` starts the
kernel with the same interpreter) when a notebook loads, and drops it again when one is saved.

    jupyter lab --ServerApp.contents_manager_class=dockerlens.show.contents.CourseContents
"""
from __future__ import annotations

import sys

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

OPTION = f"--ServerApp.contents_manager_class={__name__}.CourseContents"


def python_version() -> str:
    """The version ipykernel reports for this interpreter (its ``language_info.version``)."""
    return sys.version.split()[0]


def _language_info(model: dict) -> dict | None:
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return None
    info = model["content"].get("metadata", {}).get("language_info")
    return info if isinstance(info, dict) and info.get("name") == "python" else None


class CourseContents(AsyncLargeFileManager):
    """Jupyter's own file contents manager, with the Python version filled in on load only."""

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        info = _language_info(model)
        if info is not None:
            info["version"] = python_version()
        return model

    async def save(self, model, path=""):
        info = _language_info(model)
        if info is not None:
            info.pop("version", None)
        return await super().save(model, path)
