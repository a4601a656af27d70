"""Container engines: which one is in use, and private current engines for the test matrix."""
