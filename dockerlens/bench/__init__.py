"""The course's benchmarks: ``python -m dockerlens.bench [NAME ...]`` (``make bench``).

Each benchmark is a module here with ``run() -> list[Figure]``; figures are measured side
by side in one run and printed as one table with medians and targets. No timed asserts:
the table is the result.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Figure:
    """One measured figure: what, its median value, its unit, and the target (if any)."""
    name: str
    value: float
    unit: str
    target: str = ""
    note: str = ""

    def row(self) -> str:
        return f"| {self.name} | {self.value:.3g} {self.unit} | {self.target} | {self.note} |"


def table(figures: list[Figure]) -> str:
    head = "| figure | median | target | note |\n|---|---|---|---|"
    return "\n".join([head, *(f.row() for f in figures)])
