"""Live panels: an event follower, a renderer, ``watch()`` and ``diff()``."""
from .statediff import Change, StateDiff, changes, diff
from .follower import EventFollower, wait_until
from .panel import Panel, panels, unwatch, watch
from .renderer import Renderer

__all__ = ["Change", "EventFollower", "Panel", "Renderer", "StateDiff", "changes", "diff",
           "panels", "unwatch", "wait_until", "watch"]
