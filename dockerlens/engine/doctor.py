"""Preflight report: is everything the course needs here, and how to fix what is not."""
from __future__ import annotations

import html
import platform
import shutil
import subprocess
from dataclasses import dataclass, field
from importlib import metadata

from ..render import BAD, GOOD, left_aligned
from ..render import WARN as WARN_COLOUR
from . import images
from .connect import DaemonUnavailable, connect, find_endpoint
from .facts import facts
from .rootless import PRIVATE, daemon_history, without_cgroups

OK, WARN, FAIL = "ok", "warn", "fail"
MINIMUM = {"jupyterlab": "4.0", "ipykernel": "7.1", "ipywidgets": "8.1.9", "docker": "7.1"}


@dataclass
class Row:
    check: str
    status: str
    value: str
    fix: str = ""


@dataclass
class DoctorReport:
    """Rows of the preflight check; an HTML table in a notebook, text in a terminal."""
    rows: list[Row] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.status != FAIL for r in self.rows)

    def row(self, check: str) -> Row:
        return next(r for r in self.rows if r.check == check)

    def __repr__(self) -> str:
        width = max(len(r.check) for r in self.rows)
        lines = []
        for r in self.rows:
            lines.append(f"{r.status.upper():<4}  {r.check:<{width}}  {r.value}")
            if r.fix:
                lines.append(f"{'':<4}  {'':<{width}}  fix: {r.fix}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colours = {OK: GOOD, WARN: WARN_COLOUR, FAIL: BAD}
        body = "".join(
            f'<tr><td style="color:{colours[r.status]};font-weight:bold">{r.status.upper()}</td>'
            f"<td>{html.escape(r.check)}</td><td><code>{html.escape(r.value)}</code></td>"
            f"<td>{html.escape(r.fix)}</td></tr>" for r in self.rows)
        return left_aligned('<table class="dockerlens-doctor"><thead><tr><th></th><th>check</th><th>found</th>'
                f"<th>how to fix</th></tr></thead><tbody>{body}</tbody></table>")


def _version_row(package: str) -> Row:
    try:
        found = metadata.version(package)
    except metadata.PackageNotFoundError:
        return Row(package, FAIL, "not installed", "run `make lab` (it installs the course's .venv)")
    wanted = MINIMUM.get(package)
    if wanted and _older(found, wanted):
        return Row(package, FAIL, found, f"needs >= {wanted}: `pip install -U '{package}>={wanted}'`")
    return Row(package, OK, found)


def _older(found: str, wanted: str) -> bool:
    def parts(v: str) -> tuple[int, ...]:
        return tuple(int("".join(ch for ch in p if ch.isdigit()) or 0) for p in v.split(".")[:3])
    return parts(found) < parts(wanted)


def _dot_row() -> Row:
    path = shutil.which("dot")
    if not path:
        return Row("graphviz dot", FAIL, "not found",
                   "install graphviz: `sudo apt-get install graphviz` or `brew install graphviz`")
    out = subprocess.run([path, "-V"], capture_output=True, text=True).stderr.strip()
    return Row("graphviz dot", OK, out.replace("dot - graphviz version ", ""))


def _cli_row() -> Row:
    path = shutil.which("docker")
    if not path:
        return Row("docker CLI", WARN, "not found",
                   "optional: lessons show CLI cells only when it exists; install docker-ce-cli "
                   "or Debian's docker.io")
    out = subprocess.run([path, "version", "--format", "{{.Client.Version}}"],
                         capture_output=True, text=True, timeout=20)
    return Row("docker CLI", OK, f"{out.stdout.strip() or '?'} ({path})")


def _daemon_rows(daemon: tuple[str, str] | None = None, route: str = "") -> list[Row]:
    try:
        endpoint, source = daemon or find_endpoint()
        client = connect(route or endpoint)
    except DaemonUnavailable as err:
        return [Row("daemon", FAIL, "none answered", str(err).replace("\n", " "))] + [
            Row(*found) for found in daemon_history()]
    info, version = client.info(), client.version()
    engine = facts(client)
    rows = [Row("daemon", OK, f"{endpoint} ({source})")]
    if route:
        rows.append(Row("route", OK, f"through the wiretap {route} (every request is shown "
                                     "in lens.wiretap)"))
    rows += [
        Row("engine", OK, engine.describe()),
        Row("API version", OK, f"{client.api.api_version} (negotiated; daemon max "
                                f"{version.get('ApiVersion')}, min {version.get('MinAPIVersion')})"),
        Row("OS/arch", OK, f"{info.get('OperatingSystem')} {version.get('Os')}/{version.get('Arch')}"),
        Row("storage driver", OK, info.get("Driver", "?")),
        Row("rootless", OK, f"yes: {PRIVATE}" if engine.rootless else "no"),
    ]
    if without_cgroups(info):
        rows.append(Row("cgroups", WARN, without_cgroups(info), "lesson 05's pause and lesson 01's memory limit "
                        "need cgroup v2 with its controllers delegated to your user (systemd: "
                        "`Delegate=cpu cpuset io memory pids` for user@.service)"))
    rows += [Row(*found) for found in daemon_history()]
    expected = images.expected_hashes()
    for name in images.ORDER:
        wanted = expected.get(name)
        found = images.current_hash(client, name)
        if found is None:
            rows.append(Row(f"image {images.tag(name)}", FAIL, "missing",
                            "run `python -m dockerlens images` (builds offline)"))
        elif wanted is not None and found != wanted:
            rows.append(Row(f"image {images.tag(name)}", FAIL, "out of date",
                            "run `python -m dockerlens images` (its build context changed)"))
        else:
            size = client.images.get(images.tag(name)).attrs["Size"] / 1e6
            rows.append(Row(f"image {images.tag(name)}", OK, f"current ({size:.1f} MB)"))
    client.close()
    return rows


def doctor(daemon: tuple[str, str] | None = None, route: str = "") -> DoctorReport:
    """Check Python, packages, dot, the daemon and the course images; every failing row says the fix.

    DAEMON is (endpoint, where it was found) when the caller knows it (``lens.doctor()`` after
    setup: the daemon the setup line names); ROUTE the wiretap proxy requests go through."""
    rows = [Row("Python", OK, platform.python_version())]
    rows += [_version_row(p) for p in ("jupyterlab", "ipykernel", "ipywidgets", "docker")]
    rows.append(_dot_row())
    rows += _daemon_rows(daemon, route)
    rows.append(_cli_row())
    return DoctorReport(rows)
