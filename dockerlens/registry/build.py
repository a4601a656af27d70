"""Small labelled images built from text, offline: what the registry lessons push and pull."""
from __future__ import annotations

import io
import tarfile

from ..engine import scope


def context(dockerfile: str, files: dict[str, bytes] | None = None) -> io.BytesIO:
    """A build context as an in-memory tar: the Dockerfile and FILES."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in {"Dockerfile": dockerfile.encode(), **(files or {})}.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    return buf


def build_image(client, tag: str, dockerfile: str, files: dict[str, bytes] | None = None,
                labels: dict | None = None):
    """Build TAG from DOCKERFILE and FILES with this learner's labels; return the image."""
    img, _ = client.images.build(fileobj=context(dockerfile, files), custom_context=True, tag=tag,
                                 labels=scope.labels() if labels is None else labels, rm=True)
    return img
