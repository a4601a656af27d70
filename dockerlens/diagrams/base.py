"""What every course diagram shares: it renders itself in Jupyter and reads well in a terminal."""
from __future__ import annotations

import graphviz

from . import theme
from .compose import fitted


class Diagram:
    """A graphviz diagram built from data; ``svg()`` renders it, Jupyter displays it."""

    marker = "dockerlens-diagram"

    def build(self) -> graphviz.Digraph:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    @property
    def dot(self) -> graphviz.Digraph:
        return self.build()

    def source(self) -> str:
        """The DOT source (what the unit tests read)."""
        return self.build().source

    def svg(self) -> str:
        return theme.svg(self.build())

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        """The SVG (fitted to a notebook's output area) and a text line, as IPython asks: only
        INCLUDE's types, none of EXCLUDE's."""
        makers = {"image/svg+xml": lambda: fitted(self.svg()), "text/plain": lambda: repr(self)}
        wanted = [m for m in makers if (not include or m in include) and m not in (exclude or ())]
        return {mime: makers[mime]() for mime in wanted}
