"""Set environment variables for a block and give the old values back: kernels, CLIs and
learner names are chosen through the environment, so tests, the recorder and the bench all
need this, and it exists once."""
from __future__ import annotations

import contextlib
import os


@contextlib.contextmanager
def environment(**values: str | None):
    """Set (or, with None, unset) variables for a ``with`` block; restore them after.

    >>> with environment(DOCKERLENS_EXAMPLE="1"):
    ...     os.environ["DOCKERLENS_EXAMPLE"]
    '1'
    >>> "DOCKERLENS_EXAMPLE" in os.environ
    False
    """
    saved = {key: os.environ.get(key) for key in values}
    try:
        for key, value in values.items():
            _put(key, value)
        yield
    finally:
        for key, value in saved.items():
            _put(key, value)


def _put(key: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(key, None)
    else:
        os.environ[key] = value
