"""Errors explained where they happen: an IPython handler that shows the explanation box.

``setup()`` calls :func:`install`. A Docker SDK error, a replay's unanswered request, no
daemon, a refusal to touch a learner's own object, or an interrupt then renders as the
course's explanation box (what was asked, what the daemon answered, what it means, the
fix), with the full traceback collapsed inside it. The cell still fails: the handler
publishes a one-line error, so JupyterLab stops Run All there and nbval sees the error.
Outside IPython nothing changes.
"""
from __future__ import annotations

import traceback as tb_module

from ..engine.connect import DaemonUnavailable
from ..engine.scope import NotOurs
from ..wire.unanswered import NotAnswered
from .explain import explain_exception

# The line the handler publishes as the cell's error, under the box (tests find explained errors by it).
EXPLAINED = "(explained above; the full traceback is under 'full traceback')"


def handled(extra: tuple[type[BaseException], ...] = ()) -> tuple[type[BaseException], ...]:
    """The exception classes the box explains: docker's, the engine's and the wire's, EXTRA
    (the session's and the replay's own, which sit above this wing), and interrupts."""
    import docker.errors
    return (docker.errors.DockerException, DaemonUnavailable, NotOurs, NotAnswered, *extra,
            KeyboardInterrupt)


def install(extra: tuple[type[BaseException], ...] = ()) -> bool:
    """Register the handler with the running IPython shell; False outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    shell.set_custom_exc(handled(extra), _handler)
    return True


def uninstall() -> None:
    """Give IPython its own tracebacks back."""
    from IPython import get_ipython
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((), None)


def _handler(shell, etype, value, tb, tb_offset=None):
    """Show the box, then publish a one-line error so the cell counts as failed."""
    text = "".join(tb_module.format_exception(etype, value, tb))
    cell = (shell.user_ns.get("In") or [""])[-1]
    why = explain_exception(value, text, cell)
    if why is None:  # a docker error we cannot read: IPython's own traceback
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None
    from IPython.display import display
    display({"text/html": why._repr_html_(), "text/plain": repr(why)}, raw=True)
    what = why.title or why.note.split(":")[0]
    short = [f"{etype.__name__}" + (f": {what}" if what != etype.__name__ else "")
             + f" {EXPLAINED}"]
    shell._showtraceback(etype, value, short)
    return None
