"""What a learner sees of the wire and the daemon: taps, explanations, build logs, event tables, start timings, the course map."""
