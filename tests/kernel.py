"""A real IPython kernel (this Python's ipykernel) driven cell by cell, as JupyterLab drives it."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from jupyter_client.manager import KernelManager


@dataclass
class CellRun:
    """What one cell produced: its reply status and every output message, in order."""
    status: str
    outputs: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> list[dict]:
        return [o for o in self.outputs if o["msg_type"] == "error"]

    @property
    def html(self) -> str:
        return "".join(o["content"].get("data", {}).get("text/html", "") for o in self.outputs
                       if o["msg_type"] in ("display_data", "execute_result"))

    @property
    def text(self) -> str:
        return "".join(o["content"].get("text", "") for o in self.outputs if o["msg_type"] == "stream")


class Kernel:
    """Start with ``with Kernel(env) as k: k.run("1+1")``; the kernel is this venv's Python."""

    def __init__(self, env: dict[str, str] | None = None, cwd: str | None = None):
        self.km = KernelManager(kernel_name="python3")
        self.km.kernel_spec.argv[0] = sys.executable  # this venv, whatever the kernelspec says
        self.env, self.cwd = {**os.environ, **(env or {})}, cwd

    def __enter__(self) -> "Kernel":
        self.km.start_kernel(env=self.env, cwd=self.cwd)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        return self

    def __exit__(self, *exc) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def run(self, code: str, timeout: float = 120) -> CellRun:
        outputs: list[dict] = []
        reply = self.kc.execute_interactive(code, timeout=timeout, store_history=True,
                                            output_hook=outputs.append)
        return CellRun(reply["content"]["status"], outputs)

    def interrupt_when(self, code: str, ready, timeout: float = 120) -> CellRun:
        """Run CODE and press Kernel → Interrupt once ``ready()`` is true (polled meanwhile)."""
        import threading

        done = threading.Event()

        def watch():
            while not done.is_set():
                if ready():
                    self.km.interrupt_kernel()
                    return
                done.wait(0.05)
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            return self.run(code, timeout)
        finally:
            done.set()
            watcher.join(5)
