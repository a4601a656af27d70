"""Build the course's own container images offline, from ``images/NAME/`` build contexts.

The busybox binary comes from the host's static busybox (Debian's ``busybox-static``),
else from a local ``busybox`` image, and only as a last resort from a registry pull.
Images are rebuilt only when their context changed (a content-hash label).
"""
from __future__ import annotations

import hashlib
import io
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import scope
from .system import apt_install, can_install

ROOT = Path(__file__).resolve().parents[2] / "images"
TAG = "1"
ORDER = ["base", "web"]  # web is built FROM base
HASH_LABEL = "dockerlens.context-hash"
HOST_BUSYBOX = ["/bin/busybox", "/usr/bin/busybox"]


def tag(name: str) -> str:
    """The course tag of image NAME: ``dockerlens/NAME:1``."""
    return f"dockerlens/{name}:{TAG}"


def is_static_elf(path: Path) -> bool:
    """True for an ELF executable with no program interpreter (statically linked)."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if data[:4] != b"\x7fELF" or data[4] != 2:  # 64-bit only
        return False
    little = data[5] == 1
    order = "little" if little else "big"
    phoff = int.from_bytes(data[32:40], order)
    phentsize = int.from_bytes(data[54:56], order)
    phnum = int.from_bytes(data[56:58], order)
    for i in range(phnum):
        start = phoff + i * phentsize
        if int.from_bytes(data[start:start + 4], order) == 3:  # PT_INTERP
            return False
    return True


def host_busybox() -> Path | None:
    """The host's static busybox (Debian's busybox-static), if there is one."""
    return next((Path(p) for p in HOST_BUSYBOX if is_static_elf(Path(p))), None)


def busybox_binary(client, log=print) -> tuple[bytes, str]:
    """The bytes of a static busybox and where they came from."""
    host = host_busybox()
    if host is not None:
        return host.read_bytes(), f"{host} (host busybox-static)"
    if can_install():
        apt_install("busybox-static")
        host = host_busybox()
        if host is not None:
            return host.read_bytes(), f"{host} (busybox-static, just installed)"
    import docker.errors
    try:
        client.images.get("busybox:latest")
        source = "local image busybox:latest"
    except docker.errors.ImageNotFound:
        log("no static busybox on the host and no local busybox image: pulling busybox "
            "from the registry (last resort)")
        client.images.pull("busybox", tag="latest")
        source = "busybox:latest pulled from the registry"
    return _copy_from_image(client, "busybox:latest"), source


def _copy_from_image(client, image: str) -> bytes:
    ctr = client.containers.create(image, labels=scope.labels(scope.INHERITED_LESSON))
    try:
        stream, _ = ctr.get_archive("/bin/busybox")
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            return tar.extractfile(tar.getmembers()[0]).read()
    finally:
        ctr.remove(force=True)


def context_files(name: str) -> dict[str, bytes]:
    folder = ROOT / name
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def needs_busybox(files: dict[str, bytes]) -> bool:
    return b"COPY busybox" in files.get("Dockerfile", b"")


def context_hash(files: dict[str, bytes], parent: str = "") -> str:
    """A short hash of a build context (busybox included) and of its parent image's hash."""
    digest = hashlib.sha256(parent.encode())
    for rel, data in sorted(files.items()):
        digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()[:16]


def _tar(files: dict[str, bytes]) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for rel, data in files.items():
            info = tarfile.TarInfo(rel)
            info.size, info.mode, info.mtime = len(data), 0o755, 0
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    return buf


@dataclass
class BuildResult:
    name: str
    tag: str
    built: bool
    seconds: float
    size: int
    source: str = ""

    def __str__(self) -> str:
        mb = self.size / 1e6
        if not self.built:
            return f"{self.name:<6} {self.tag:<20} up to date ({mb:.1f} MB)"
        return f"{self.name:<6} {self.tag:<20} built in {self.seconds:.1f} s ({mb:.1f} MB){self.source}"


def current_hash(client, name: str) -> str | None:
    import docker.errors
    try:
        return (client.images.get(tag(name)).labels or {}).get(HASH_LABEL)
    except docker.errors.ImageNotFound:
        return None


def contexts(busybox: bytes) -> list[tuple[str, dict[str, bytes], str]]:
    """(name, build files, content hash) of every course image, in build order.

    The busybox is added where a Dockerfile copies it; each hash covers its parent's.
    """
    found, parent = [], ""
    for name in ORDER:
        files = context_files(name)
        if needs_busybox(files):
            files = {**files, "busybox": busybox}
        parent = context_hash(files, parent)
        found.append((name, files, parent))
    return found


def build_all(client, log=print, force: bool = False) -> list[BuildResult]:
    """Build every course image whose context changed; log one progress line per image."""
    busybox, source = busybox_binary(client, log)
    results = []
    for name, files, wanted in contexts(busybox):
        if not force and current_hash(client, name) == wanted:
            size = client.images.get(tag(name)).attrs["Size"]
            result = BuildResult(name, tag(name), False, 0.0, size)
        else:
            note = f"; busybox from {source}" if "busybox" in files else ""
            result = _build(client, name, files, wanted, note)
        results.append(result)
        log(str(result))
    return results


def _build(client, name: str, files: dict[str, bytes], wanted: str, note: str) -> BuildResult:
    started = time.monotonic()
    labels = {**scope.labels(scope.INHERITED_LESSON), scope.LEARNER: scope.SHARED, HASH_LABEL: wanted}
    stream = client.api.build(fileobj=_tar(files), custom_context=True, tag=tag(name),
                              labels=labels, rm=True, forcerm=True, decode=True)
    for chunk in stream:
        if "error" in chunk:
            raise RuntimeError(f"building {tag(name)} failed: {chunk['error'].strip()}")
    image = client.images.get(tag(name))
    return BuildResult(name, tag(name), True, time.monotonic() - started,
                       image.attrs["Size"], note)


def remove_all(client, log=print) -> None:
    """Untag the course images (never a forced removal by ID: a learner's child images stay)."""
    import docker.errors
    for name in reversed(ORDER):
        try:
            client.images.remove(tag(name))
            log(f"untagged {tag(name)}")
        except docker.errors.ImageNotFound:
            pass
        except docker.errors.APIError as err:
            log(f"kept {tag(name)}: {err.explanation}")




def expected_hashes() -> dict[str, str]:
    """The hash each image would carry if built now ({} when the busybox is not on the host)."""
    host = host_busybox()
    if host is None:
        return {}
    return {name: wanted for name, _, wanted in contexts(host.read_bytes())}
