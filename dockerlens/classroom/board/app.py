"""The board as a JupyterHub service: instructors read it (custom scope), learners' servers post to it.

Every handler is hub-authenticated. Pages and the grid need ``custom:dockerlens-board:view``
(granted only to the instructors group); posting needs only access to the service, which a
learner server's ``$JUPYTERHUB_API_TOKEN`` holds, and the learner is whoever owns the token.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from tornado import web

from ..config import BOARD_SCOPE
from .page import page
from .store import Board


class _Base(HubOAuthenticated, web.RequestHandler):
    @property
    def board(self) -> Board:
        return self.settings["board"]


class _InstructorOnly(_Base):
    hub_scopes = {BOARD_SCOPE}


class PageHandler(_InstructorOnly):
    @web.authenticated
    def get(self):
        self.write(page(self.xsrf_token.decode()))


class GridHandler(_InstructorOnly):
    @web.authenticated
    def get(self):
        self.set_header("Cache-Control", "no-store")
        self.write(self.board.grid())


class CellHandler(_InstructorOnly):
    @web.authenticated
    def get(self):
        found = self.board.detail(self.get_argument("learner"), self.get_argument("task"))
        if found is None:
            raise web.HTTPError(404, "no check of that task by that learner yet")
        self.write(found)


class ResultsHandler(_Base):
    """POST one check result (JSON) with a learner server's token: the sender is the learner."""

    def get_login_url(self):
        raise web.HTTPError(403)  # an API: a missing token is refused, never redirected

    @web.authenticated
    def post(self):
        result = valid_result(self.request.body)
        if result is None:
            raise web.HTTPError(400, 'a result is JSON {"lab": "05", "task": 2, "passed": ..., "reason": ...}')
        self.board.add(self.current_user["name"], result)
        self.set_status(204)


def valid_result(body: bytes) -> dict | None:
    """The posted result if it is one (a lab like "05", an integer task), else None.

    >>> valid_result(b'{"lab": "05", "task": 2, "passed": false, "reason": "no"}')["task"]
    2
    >>> valid_result(b'{"lab": "<script>", "task": 2}') is None
    True
    """
    try:
        result = json.loads(body)
        task = int(result["task"])
    except (ValueError, KeyError, TypeError):
        return None
    if not (isinstance(result.get("lab"), str) and re.fullmatch(r"\d\d", result["lab"])):
        return None
    return {**result, "task": task, "title": str(result.get("title", ""))[:200],
            "passed": bool(result.get("passed"))}


def make_app(board: Board, prefix: str) -> web.Application:
    """The service's tornado app under the hub's service PREFIX."""
    route = lambda path: url_path_join(prefix, path)  # noqa: E731
    return web.Application([
        (route("oauth_callback"), HubOAuthCallbackHandler),
        (route("api/results"), ResultsHandler),
        (route("api/grid"), GridHandler),
        (route("api/cell"), CellHandler),
        (prefix, PageHandler),
    ], board=board, cookie_secret=os.urandom(32))


def board_from_env() -> Board:
    """The board state the hub told us about (path and the class's learners)."""
    path = Path(os.environ.get("DOCKERLENS_BOARD_STATE", "board.json"))
    learners = [n for n in os.environ.get("DOCKERLENS_BOARD_LEARNERS", "").split(",") if n]
    return Board.load(path, learners)
