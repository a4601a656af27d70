"""The instructor's board: a hub service showing every learner's lab checks, live."""
from .store import STUCK_FAILURES, STUCK_SECONDS, Board, Cell

__all__ = ["Board", "Cell", "STUCK_FAILURES", "STUCK_SECONDS"]
