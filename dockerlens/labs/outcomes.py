"""What a check says when a task is not done: Fail (with the reason) or Pending (not yet)."""


class Fail(Exception):
    """A learner's task is not done yet; the message says exactly what is missing."""


class Pending(Fail):
    """Not done yet, but it may be in a moment (the check is retried until its bound)."""
