"""Put several rendered SVGs side by side in one SVG (one display_id, one saved output)."""
from __future__ import annotations

import re

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
