"""What every test tier shares: where the repository is, and how long each notebook took."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMINGS: dict[str, float] = {}  # notebook path -> seconds, printed at the end of the run
