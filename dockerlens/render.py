"""Small HTML helpers shared by every object that renders itself as a table."""
from __future__ import annotations

import re

_CELL = re.compile(r"<(td|th)(?=[\s>])(?![^>]*\bstyle=)")


def left_aligned(markup: str) -> str:
    """Left-align table cells that set no style of their own.

    JupyterLab right-aligns table cells; the course's tables (names, requests, reasons)
    read left to right. Inline styles survive JupyterLab's sanitiser, a <style> block would not.

    >>> left_aligned('<table><thead><tr><th>a</th></tr></thead><tr><td style="x">b</td><td>c</td></tr></table>')
    '<table><thead><tr><th style="text-align:left">a</th></tr></thead><tr><td style="x">b</td><td style="text-align:left">c</td></tr></table>'
    """
    return _CELL.sub(r'<\1 style="text-align:left"', markup)
