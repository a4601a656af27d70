"""Put several rendered SVGs in one SVG (one display_id, one saved output): side by side, or
stacked and scaled to fit a notebook's output area with its text still readable.

JupyterLab shows an ``image/svg+xml`` output as an ``<img>`` at its natural size (its CSS
confines inline ``<svg>`` to the output width, not that image), so a picture wider than the
output area needs a sideways scroll. :func:`stacked` puts the pictures one above the other
and gives the result a width of at most ``FIT_PX`` pixels, never shrinking text below
``MIN_TEXT_PX`` (the viewBox keeps the drawing's own units).
"""
from __future__ import annotations

import math
import re

PX_PER_PT = 96 / 72
FIT_PX = 900       # JupyterLab at 1400×1000 with the file browser open: an output area of ~968 px
MIN_TEXT_PX = 11   # the smallest text a learner reads without zooming
_FONT = re.compile(r'font-size="([\d.]+)"')
_SIZE = re.compile(r'<svg[^>]*?width="([\d.]+)pt"[^>]*?height="([\d.]+)pt"', re.S)


def _body(svg: str) -> tuple[float, float, str]:
    """(width, height, the <svg> element) of one graphviz SVG, prolog and doctype removed."""
    start = svg.index("<svg")
    match = _SIZE.search(svg, start)
    width, height = (float(match.group(1)), float(match.group(2))) if match else (400.0, 300.0)
    return width, height, svg[start:]


def side_by_side(svgs: list[str], title: str, gap: float = 16.0) -> str:
    """One SVG holding each given SVG, left to right, with ``title`` as its marker.

    >>> "<title>demo</title>" in side_by_side([], "demo")
    True
    """
    x, height, parts = 0.0, 0.0, []
    for svg in svgs:
        w, h, body = _body(svg)
        head, rest = body.split(">", 1)
        head = re.sub(r'(width|height)="([\d.]+)pt"', r'\1="\2"', head)  # user units = pt here
        body = head.replace("<svg", f'<svg x="{x:.0f}" y="0"', 1) + ">" + rest
        parts.append(body)
        x += w + gap
        height = max(height, h)
    width = max(x - gap, 1.0)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'id="{title}" width="{width:.0f}pt" height="{height:.0f}pt" '
            f'viewBox="0 0 {width:.0f} {height:.0f}"><title>{title}</title>'
            + "".join(parts) + "</svg>")


def stacked(svgs: list[str], title: str, gap: float = 12.0, fit_px: float = FIT_PX,
            min_text_px: float = MIN_TEXT_PX) -> str:
    """One SVG holding each given SVG, top to bottom, at most FIT_PX wide (text ≥ MIN_TEXT_PX).

    >>> one = '<svg width="1000pt" height="100pt" viewBox="0 0 1000 100"><text font-size="20.00">a</text></svg>'
    >>> re.search(r'width="([\\d.]+)px"', stacked([one], "demo")).group(1)
    '900'
    """
    y, width, parts, fonts = 0.0, 1.0, [], []
    for svg in svgs:
        w, h, body = _body(svg)
        head, rest = body.split(">", 1)
        head = re.sub(r'(width|height)="([\d.]+)pt"', r'\1="\2"', head)
        parts.append(head.replace("<svg", f'<svg x="0" y="{y:.0f}"', 1) + ">" + rest)
        fonts += [float(f) for f in _FONT.findall(rest)]
        y += h + gap
        width = max(width, w)
    width, height = math.ceil(width), math.ceil(max(y - gap, 1.0))  # the viewBox, whole units
    natural = width * PX_PER_PT
    scale = 1.0 if natural <= fit_px else fit_px / natural
    if fonts:
        scale = max(scale, min(1.0, min_text_px / (min(fonts) * PX_PER_PT)))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'id="{title}" width="{math.ceil(round(natural * scale, 6))}px" '
            f'height="{math.ceil(round(height * PX_PER_PT * scale, 6))}px" '
            f'viewBox="0 0 {width} {height}"><title>{title}</title>'
            + "".join(parts) + "</svg>")


PROLOG = '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'


def fitted(svg: str, fit_px: float = FIT_PX) -> str:
    """SVG unchanged if it fits FIT_PX, else wrapped and scaled to fit (text ≥ MIN_TEXT_PX).

    >>> small = '<svg width="100pt" height="50pt" viewBox="0 0 100 50"></svg>'
    >>> fitted(small) == small
    True
    """
    width, _, body = _body(svg)
    if width * PX_PER_PT <= fit_px:
        return svg
    match = re.search(r"<title>([^<]*)</title>", body)
    return PROLOG + stacked([svg], match.group(1) if match else "diagram", fit_px=fit_px)
