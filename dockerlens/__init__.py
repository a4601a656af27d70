"""dockerlens: the Docker Engine, made visible. Notebooks use ``import dockerlens as lens``."""
from .connect import DaemonUnavailable, connect
from .doctor import doctor
from .images import tag as image
from .course import course_map
from .scope import NotOurs, guard, labels, learner, name
from .session import client, setup
from . import replay  # lens.replay.active(), lens.replay.banner()
from . import wiretap
from .explain import explain
from .rawhttp import raw as raw_http
from .host import where
from .stats import measure_starts, percentile
from .labs import check, lab
from . import diagrams
from .diagrams import objects
from .live import diff, unwatch, watch
from .remote import TLSForwarder, tcp_endpoint
from . import registry  # lens.registry.start(): a real registry on 127.0.0.1
from . import security  # lens.security.capabilities(mask), lens.security.isolation(client)


def reset(lesson: str | None = None):
    """Remove this learner's labelled course objects (of one lesson if given) and report them."""
    from .scope import reset as _reset
    return _reset(client(), lesson)


__all__ = ["DaemonUnavailable", "NotOurs", "client", "connect", "course_map", "doctor", "guard", "image",
           "check", "lab", "diagrams", "diff", "objects", "TLSForwarder", "tcp_endpoint", "unwatch", "watch",
           "labels", "learner", "wiretap", "explain", "raw_http", "measure_starts", "name", "percentile", "registry", "reset", "security", "setup", "where"]
