"""Run the benchmarks named on the command line (all when none) and print one table."""
from __future__ import annotations

import importlib
import pkgutil
import platform
import sys

from . import __path__ as bench_path
from . import table
import os


def main(argv: list[str]) -> int:
    available = sorted(m.name for m in pkgutil.iter_modules(bench_path) if not m.name.startswith("_"))
    chosen = argv or available
    unknown = set(chosen) - set(available)
    if unknown:
        print(f"unknown benchmark(s) {', '.join(sorted(unknown))}; available: {', '.join(available)}")
        return 2
    figures = []
    for name in chosen:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        figures += importlib.import_module(f"{__package__}.{name}").run()
    print(f"machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print(table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
