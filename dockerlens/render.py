"""The one HTML vocabulary every self-rendering object shares: palette, tables, code, display.

Objects render themselves (``_repr_html_``); these helpers keep them looking like one
course: the same colours for good, warning and bad, left-aligned tables, `backticks` as
``<code>``, and one way to show an object inside IPython or as text outside it.
"""
from __future__ import annotations

import html
import re

# The palette of the course's HTML (the diagrams' own theme is diagrams/theme.py).
GOOD = "#1a7f37"     # ✓, live, created (+)
WARN = "#9a6700"     # replay, changed (~), raw HTTP
BAD = "#cf222e"      # ✗, errors, removed (-)
MUTED = "#6e7781"    # secondary text
NEUTRAL = "#57606a"  # an unknown client
SDK = "#0969da"
CLI = "#8250df"
CODE_BACKGROUND = "#f6f8fa"

_CELL = re.compile(r"<(td|th)(?=[\s>])(?![^>]*\bstyle=)")


def left_aligned(markup: str) -> str:
    """Left-align table cells that set no style of their own.

    JupyterLab right-aligns table cells; the course's tables (names, requests, reasons)
    read left to right. Inline styles survive JupyterLab's sanitiser, a <style> block would not.

    >>> left_aligned('<table><thead><tr><th>a</th></tr></thead><tr><td style="x">b</td><td>c</td></tr></table>')
    '<table><thead><tr><th style="text-align:left">a</th></tr></thead><tr><td style="x">b</td><td style="text-align:left">c</td></tr></table>'
    """
    return _CELL.sub(r'<\1 style="text-align:left"', markup)


def code_html(text: str) -> str:
    """Escape TEXT and render its `backticked` spans as ``<code>``.

    >>> code_html("run `lens.reset()` <now>")
    'run <code>lens.reset()</code> &lt;now&gt;'
    """
    pieces = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(pieces))


def show(obj) -> None:
    """Display OBJ in IPython (its rich form), else print its text form."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(obj)
    else:
        print(repr(obj))


def live_display(kind: str, data: str):
    """Display DATA as ``html`` or ``svg`` with a display_id; the handle (None outside IPython).

    A background thread later calls ``update(handle, kind, data)``: the last frame stays in
    the notebook as an ordinary output.
    """
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return None
    if get_ipython() is None:
        return None
    return display(_rich(kind, data), display_id=True)


def update(handle, kind: str, data: str) -> None:
    """Replace what a ``live_display`` handle shows."""
    handle.update(_rich(kind, data))


def _rich(kind: str, data: str):
    from IPython.display import HTML, SVG
    return SVG(data=data) if kind == "svg" else HTML(data)
