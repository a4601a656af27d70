"""Security, read from the daemon and the kernel: capability sets, the daemon's isolation options."""
from .attempt import Attempt, attempt
from .caps import Capabilities, capabilities, process_status
from .daemon import Isolation, isolation
from .processes import host_users, runs_as_root

__all__ = ["Attempt", "Capabilities", "attempt", "Isolation", "capabilities", "host_users", "isolation", "process_status", "runs_as_root"]
