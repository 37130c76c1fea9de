"""The package's layers: a module imports only from layers below its own (or its own package), at
the top of the file or inside a function; and no two modules import each other, however indirectly.

    L0 core, actions -> L1 sites -> L2 attacks -> L3 tasks, guest, box -> L4 envs, agents, evaluator
       -> L5 run -> L6 reports -> L7 integrations -> L8 cli

Packages on one line are siblings that never import each other (the guest, which runs in the box,
never sees tasks/ or box/). integrations/ holds riskgym inside other frameworks (Inspect), each behind
an optional extra; the command line calls into it lazily. Old import paths kept as re-exports
(riskgym.sandbox) sit above all.
"""
from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "riskgym"
LAYERS = [("core", "actions"), ("sites",), ("attacks",), ("tasks", "guest", "box"), ("envs", "agents", "evaluator"),
          ("run",), ("reports",), ("integrations",), ("cli",)]
LEVEL = {pkg: i for i, line in enumerate(LAYERS) for pkg in line}
COMPAT = {"sandbox": len(LAYERS)}            # riskgym.sandbox: the old path of riskgym.box, for one release


def module_name(path: Path, root: Path = PKG) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, root: Path = PKG) -> list[tuple[int, str]]:
    """Every riskgym module this file imports, as (line, module), relative imports resolved;
    `from package import module` counts as importing the module."""
    mod = module_name(path, root)
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    modules = {module_name(p, root) for p in root.rglob("*.py")}
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == root.name]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            if base.split(".")[0] != root.name:
                continue
            for a in node.names:
                out.append((node.lineno, f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base))
    return out


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def violations(root: Path = PKG) -> list[str]:
    levels = {**LEVEL, **COMPAT}
    found = []
    for path in sorted(root.rglob("*.py")):
        mine = layer_of(module_name(path, root))
        if mine is None:          # riskgym/__init__.py: registers the Gymnasium envs, as Gymnasium expects
            continue
        if mine not in levels:
            found.append(f"{path}: package riskgym.{mine} is in no layer (add it to LAYERS in tests/test_layers.py)")
            continue
        for line, target in imports(path, root):
            theirs = layer_of(target)
            if theirs is None or theirs == mine:
                continue
            if theirs not in levels:
                found.append(f"{path}:{line}: imports {target}, which is in no layer")
            elif levels[theirs] >= levels[mine]:
                kind = "a sibling layer" if levels[theirs] == levels[mine] else "a higher layer"
                found.append(f"{path}:{line}: riskgym.{mine} (L{levels[mine]}) imports {target}, {kind} "
                             f"(L{levels[theirs]})")
    return found


def cycles(root: Path = PKG) -> list[list[str]]:
    """Groups of modules that import each other (strongly connected), by any import."""
    graph = {module_name(p, root): {t for _, t in imports(p, root)} for p in root.rglob("*.py")}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out = []

    def visit(v: str) -> None:            # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_every_module_imports_only_from_lower_layers():
    assert violations() == []


def test_no_module_imports_itself_back():
    assert cycles() == []


def test_an_upward_import_is_caught_and_named(tmp_path):
    """The check itself: a copy of the package with one upward import added by hand fails, naming it."""
    import shutil

    copy = tmp_path / "riskgym"
    shutil.copytree(PKG, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert violations(copy) == []
    sites = copy / "sites" / "web" / "server.py"
    sites.write_text(sites.read_text() + "\n\ndef _late():\n    from riskgym.tasks import load_tasks\n")
    found = violations(copy)
    assert len(found) == 1 and "sites/web/server.py" in found[0] and "riskgym.tasks" in found[0] \
        and "a higher layer" in found[0], found
    guest = copy / "guest" / "launch.py"
    guest.write_text("from riskgym.box import start_box\n" + guest.read_text())
    assert any("guest/launch.py:1:" in f and "a sibling layer" in f for f in violations(copy))
