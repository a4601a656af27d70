"""Record real sessions; serve them back when no daemon exists (Binder, no-daemon mode).

``active()`` tells whether this kernel replays; ``banner()`` gives the text every picture
of a replayed session should carry (None when live).
"""
from .mode import ENV_MODE, LAB_NEEDS_LIVE, NoRecording, StaleRecording, active, available, banner, check_current, recording, recording_for, server, start, stop, wanted

__all__ = ["LAB_NEEDS_LIVE", "NoRecording", "StaleRecording", "active", "available", "banner",
           "check_current", "recording", "recording_for", "server", "start", "stop", "wanted"]
