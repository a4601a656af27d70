"""The house's shape is a test: no import circles, a small top level, wings that import downward."""
from __future__ import annotations

import ast
from pathlib import Path

from tests.tiers import ROOT

PACKAGE = ROOT / "dockerlens"
# A wing may import only the wings below it (and render.py).
BELOW = {"engine": set(), "wire": {"engine"}, "show": {"engine", "wire"}}


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path) -> set[str]:
    """The package's own modules that NAME imports (relative imports resolved)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _circles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v), on.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                out.append(sorted(part))

    for v in GRAPH:
        if v not in index:
            visit(v)
    return out


def test_the_graph_was_read():
    assert len(MODULES) > 60 and sum(map(len, GRAPH.values())) > 80


def test_no_import_circles():
    assert _circles() == []


def test_the_top_level_is_the_facade_only():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 5, top


def test_wings_import_only_the_wings_below_them():
    for name, targets in GRAPH.items():
        wing = name.split(".")[1] if name.count(".") >= 2 else None
        if wing not in BELOW:
            continue
        for target in targets:
            other = target.split(".")[1] if target.count(".") >= 1 else None
            assert other == wing or other in BELOW[wing] or target == "dockerlens.render", \
                f"{name} imports {target}: {wing}/ may use only {sorted(BELOW[wing])} below it"
