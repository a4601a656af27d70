"""Find and prepare the daemon: connect, the engine's facts, labels and reset, course images, system installs, and private current engines for the test matrix."""
