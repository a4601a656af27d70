"""dockerlens: the Docker Engine, made visible. Notebooks use ``import dockerlens as lens``."""
from .connect import DaemonUnavailable, connect
from .doctor import doctor
from .images import tag as image
from .course import course_map
from .scope import NotOurs, guard, labels, learner, name
from .session import client, setup
from .host import where
from .stats import measure_starts, percentile


def reset(lesson: str | None = None):
    """Remove this learner's labelled course objects (of one lesson if given) and report them."""
    from .scope import reset as _reset
    return _reset(client(), lesson)


__all__ = ["DaemonUnavailable", "NotOurs", "client", "connect", "course_map", "doctor", "guard", "image",
           "labels", "learner", "measure_starts", "name", "percentile", "reset", "setup", "where"]
