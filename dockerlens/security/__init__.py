"""Security, read from the daemon and the kernel: capability sets, the daemon's isolation options."""
from .attempt import Attempt, attempt
from .caps import Capabilities, capabilities, process_status
from .daemon import Isolation, isolation

__all__ = ["Attempt", "Capabilities", "attempt", "Isolation", "capabilities", "isolation", "process_status"]
