"""dockerlens: the Docker Engine, made visible. Notebooks use ``import dockerlens as lens``.

The facade: every name a notebook needs, from the wings below it (``engine`` finds and
prepares the daemon, ``wire`` carries and records its bytes, ``show`` explains them,
``diagrams``, ``live``, ``replay``, ``labs``).
"""
from . import diagrams, replay  # lens.replay.active(), lens.replay.banner(), lens.diagrams.*
from .diagrams import objects
from .engine.connect import DaemonUnavailable, connect
from .engine.facts import facts as engine_facts
from .engine.images import tag as image
from .engine.scope import NotOurs, filters, guard, labels, learner, name
from .labs import check, lab
from .live import diff, unwatch, watch
from .session import NotFoundAgain, client, doctor, find, reset, setup, where
from .show.course import course_map
from .show.explain import explain
from .show.stats import measure_starts, percentile
from .show.tap import NotRecording, wiretap
from .wire.rawhttp import raw as raw_http
from .wire.remote import TLSForwarder, tcp_endpoint
from .wire.remote import stop_all as stop_tcp_endpoints

from . import registry  # lens.registry.start(): a real registry on 127.0.0.1
from . import security  # lens.security.capabilities(mask), lens.security.isolation(client)

__all__ = ["DaemonUnavailable", "NotFoundAgain", "NotOurs", "NotRecording", "TLSForwarder", "check", "client",
           "connect", "course_map", "diagrams", "diff", "doctor", "engine_facts", "explain", "filters", "find", "guard", "image",
           "lab", "labels", "learner", "measure_starts", "name", "objects", "percentile",
           "raw_http", "registry", "replay", "reset", "security", "setup", "stop_tcp_endpoints", "tcp_endpoint", "unwatch", "watch", "where",
           "wiretap"]
