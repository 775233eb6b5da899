"""The source tree stays easy to find one's way in (issue 18): no module over MAX_LINES
lines, no import cycle among dramatis modules, no private name used across modules.

Read with ``ast`` from the files, so the rules hold whatever is imported at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "dramatis"
MAX_LINES = 600

# Modules still being split by the helpers reworking them.  Shrink this set; never grow it.
TOO_LONG_FOR_NOW: set[str] = set()
# (importing module, private name) pairs still to be made public or moved.
PRIVATE_FOR_NOW: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def resolve(module: str, node: ast.ImportFrom) -> str:
    """The absolute module an ``import from`` names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    is_package = MODULES[module].name == "__init__.py"
    base = module.split(".")[: len(module.split(".")) - node.level + is_package]
    return ".".join(base + ([node.module] if node.module else []))


def _type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def module_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is imported: top level, and inside top-level
    try/if blocks, but not under ``if TYPE_CHECKING`` nor inside functions."""
    out: list[ast.Import | ast.ImportFrom] = []
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append(node)
        elif isinstance(node, ast.If) and not _type_checking(node):
            todo += node.body + node.orelse
        elif isinstance(node, ast.Try):
            todo += node.body + node.orelse + node.finalbody
            for h in node.handlers:
                todo += h.body
    return out


def edges(module: str, tree: ast.Module) -> set[str]:
    """The dramatis modules ``module`` imports while it loads."""
    out: set[str] = set()
    for node in module_level_imports(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            base = resolve(module, node)
            # "from dramatis.audio import loudness" imports a module, not a name
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names
            ]
        for name in names:
            # the module itself (its parent packages load first, but a package importing
            # its own submodules is how packages are made, not a cycle)
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                out.add(name)
    return out


TREES = {m: ast.parse(p.read_text(encoding="utf-8"), str(p)) for m, p in MODULES.items()}


def test_no_module_is_too_long() -> None:
    lengths = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in MODULES.items()}
    too_long = {m: n for m, n in lengths.items() if n > MAX_LINES and m not in TOO_LONG_FOR_NOW}
    assert not too_long, f"split these modules (at most {MAX_LINES} lines): {too_long}"
    done = sorted(m for m in TOO_LONG_FOR_NOW if lengths.get(m, 0) <= MAX_LINES)
    assert not done, f"now short enough: remove from TOO_LONG_FOR_NOW: {done}"


def test_no_import_cycle() -> None:
    graph = {m: edges(m, t) for m, t in TREES.items()}
    # Tarjan's strongly connected components: any with two or more modules is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles among dramatis modules: {cycles}"


def test_no_private_name_used_across_modules() -> None:
    found: set[tuple[str, str]] = set()
    for module, tree in TREES.items():
        aliases: dict[str, str] = {}  # local name -> dramatis module it stands for
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = resolve(module, node)
                if not base.startswith("dramatis"):
                    continue
                for a in node.names:
                    if a.name.startswith("_") and not a.name.startswith("__"):
                        found.add((module, a.name))
                    if f"{base}.{a.name}" in MODULES:
                        aliases[a.asname or a.name] = f"{base}.{a.name}"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("dramatis") and a.asname:
                        aliases[a.asname] = a.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and aliases.get(node.value.id, module) != module
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                found.add((module, node.attr))
    unexpected = sorted(found - PRIVATE_FOR_NOW)
    assert not unexpected, f"private names used from another module: {unexpected}"
    done = sorted(PRIVATE_FOR_NOW - found)
    assert not done, f"no longer used: remove from PRIVATE_FOR_NOW: {done}"


def test_the_checks_see_the_package() -> None:
    """Guards the guards: the walk finds the modules and their imports."""
    assert "dramatis.text.segment" in MODULES and "dramatis" in MODULES
    assert "dramatis.text.quotes" in edges("dramatis.text.segment", TREES["dramatis.text.segment"])
