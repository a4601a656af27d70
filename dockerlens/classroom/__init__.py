"""The classroom: a JupyterHub on this machine, a private rootless daemon per learner, the board.

``python -m dockerlens classroom up --learners N`` (root) makes the accounts and starts the hub;
``status`` shows every learner's server and daemon; ``down`` removes all of it. Modules:
``config`` (the class's facts), ``accounts`` (Unix accounts, subordinate IDs), ``daemon``
(a learner's rootless dockerd), ``flags`` (its dockerd flags, shared with ``classroom/z2jh``),
``rootless`` (is a daemon rootless?), ``spawner`` and ``hubconfig`` (inside the hub),
``board`` (the instructor's service), ``report`` (lab checks to the board), ``run``/``status``/``cli``.
"""
from ..engine.rootless import PRIVATE, is_rootless

__all__ = ["PRIVATE", "is_rootless"]
