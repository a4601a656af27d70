"""``python -m dockerlens doctor | images | reset | prepare | lab``."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from .engine.doctor import doctor
from .engine import images
from .engine.connect import connect
from .engine.scope import reset
from .engine.prepare import prepare
import secrets
from .labs.cli import run
from .replay.record import record
from .engine.connect import DaemonUnavailable
from .show.contents import OPTION as CONTENTS_OPTION  # notebooks open unmodified

ROOT = Path(__file__).resolve().parent.parent
# show/contents.py: notebooks load with the kernel's Python version (not imported: it needs jupyter_server)


def _doctor(args) -> int:
    report = doctor()
    print(report)
    return 0 if report.ok else 1


def _images(args) -> int:
    client = connect()
    if args.remove:
        images.remove_all(client)
    else:
        images.build_all(client, force=args.force)
    return 0


def _reset(args) -> int:
    report = reset(connect(), args.lesson)
    print(report)
    if args.images:
        images.remove_all(connect())
    return 1 if report.failed else 0


def _prepare(args) -> int:
    prepare(replay_ok=args.replay_ok)
    _registry_server()
    return 0


def _registry_server() -> None:
    """Lesson 09's registry server, installed now (when root on apt) rather than mid-lesson."""
    from .registry import install
    if install.binary() is None and install.can_install():
        install.ensure(log=print)


def _lab(args) -> int:
    """Start JupyterLab on 127.0.0.1 at the preflight notebook, printing the URL with its token."""
    token = os.environ.get("JUPYTER_TOKEN") or secrets.token_hex(24)
    page = "lab/tree/notebooks/00-preflight.ipynb"
    cmd = [sys.executable, "-m", "jupyter", "lab", "--ip=127.0.0.1", f"--port={args.port}",
           "--port-retries=0", "--no-browser", f"--ServerApp.root_dir={ROOT}",
           f"--ServerApp.default_url=/{page}", f"--IdentityProvider.token={token}", CONTENTS_OPTION]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    print(f"\nOpen the course at:  http://127.0.0.1:{args.port}/{page}?token={token}\n", flush=True)
    os.chdir(ROOT)
    os.execv(sys.executable, cmd)


def _labs(args) -> int:
    return run(generate=args.generate, verify=args.check)


def _record(args) -> int:
    """Run notebooks against the real daemon through a recording proxy (Binder replays them)."""
    results = record(args.lessons or None)
    return 1 if any(r.error for r in results) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dockerlens", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("doctor", help="check everything the course needs").set_defaults(run=_doctor)
    p = sub.add_parser("images", help="build the course images offline (only what changed)")
    p.add_argument("--force", action="store_true", help="rebuild even when up to date")
    p.add_argument("--remove", action="store_true", help="untag the course images")
    p.set_defaults(run=_images)
    p = sub.add_parser("reset", help="remove this learner's labelled course objects")
    p.add_argument("--lesson", help="only objects of this lesson (e.g. 05)")
    p.add_argument("--images", action="store_true", help="also untag the shared course images")
    p.set_defaults(run=_reset)
    p = sub.add_parser("prepare", help="install/start what the course needs (make lab/test)")
    p.add_argument("--replay-ok", action="store_true",
                   help="no daemon is not an error: the notebooks replay recordings (make lab)")
    p.set_defaults(run=_prepare)
    p = sub.add_parser("lab", help="start JupyterLab at the preflight notebook")
    p.add_argument("--port", type=int, default=8888)
    p.set_defaults(run=_lab)
    p = sub.add_parser("record", help="record notebooks against the real daemon for replay mode")
    p.add_argument("lessons", nargs="*", metavar="NN", help="lesson numbers (default: all)")
    p.set_defaults(run=_record)
    p = sub.add_parser("labs", help="lab progress of every learner; --generate the learner notebooks")
    p.add_argument("--generate", action="store_true", help="write each lab.ipynb from its solution.ipynb")
    p.add_argument("--check", action="store_true", help="exit 1 if a lab.ipynb is not up to date")
    p.set_defaults(run=_labs)
    from .classroom.cli import add_parser as add_classroom
    add_classroom(sub)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except DaemonUnavailable as err:
        print(err, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
