"""Diagrams as code, one theme (``theme.py``), each object renders itself in Jupyter.

- :class:`Architecture`: client → transport → REST API → dockerd → containerd → runc → objects
- :class:`ObjectGraph`: images → containers → networks/volumes from live state
- :class:`Lifecycle`: the container state machine, current state highlighted
- :class:`VmVsContainers`: the two stacks side by side
"""
from .architecture import ROUTES, Architecture, route
from .ids import node_id, short
from .lifecycle import Lifecycle
from .objectgraph import ObjectGraph, objects
from .state import Snapshot
from .vm import VmVsContainers

__all__ = ["ROUTES", "Architecture", "Lifecycle", "ObjectGraph", "Snapshot", "VmVsContainers",
           "node_id", "objects", "route", "short"]
