"""``python -m dockerlens classroom up --learners N | status | down``."""
from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    """Register the ``classroom`` command on the course CLI's subparsers."""
    p = sub.add_parser("classroom", help="a JupyterHub class on this machine: up, status, down")
    actions = p.add_subparsers(dest="action", required=True)
    up = actions.add_parser("up", help="accounts, a private rootless daemon per learner, the hub and board")
    up.add_argument("--learners", type=int, default=2, help="how many learner accounts (default 2)")
    up.add_argument("--prefix", default="dl", help="account names start with this (default dl)")
    up.add_argument("--port", type=int, default=8000, help="the hub's port on 127.0.0.1 (default 8000)")
    actions.add_parser("status", help="learners, their servers and daemons")
    actions.add_parser("down", help="stop everything and remove every account and file the class made")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .install import NotReady
    try:
        if args.action == "up":
            from .run import up
            up(args.learners, args.prefix, args.port)
        elif args.action == "down":
            from .run import down
            down()
        else:
            from .status import status
            print(status())
    except NotReady as err:
        print(err)
        return 1
    return 0
