"""The package's import graph has no cycle, between modules or between packages (every import
counts: top-level, inside functions and under ``TYPE_CHECKING``)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import distill

ROOT = Path(distill.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the distill modules it imports (``from pkg import name`` counts ``pkg.name`` when
    that is a module, else ``pkg``)."""
    modules = {module_name(path): path for path in ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            else:
                continue
            graph[name] |= {t for t in targets if t.split(".")[0] == "distill" and t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Edges between the top-level packages (``distill.api``, ``distill.data``, ...)."""

    def package(name: str) -> str:
        return ".".join(name.split(".")[:2])

    packages: dict[str, set[str]] = defaultdict(set)
    for source, targets in graph.items():
        packages[package(source)] |= {package(t) for t in targets if package(t) != package(source)}
    return packages


def test_find_cycle_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}}) is None


def test_no_module_cycle():
    assert find_cycle(import_graph()) is None


def test_no_package_cycle():
    assert find_cycle(package_graph(import_graph())) is None


def test_training_input_does_not_load_generation():
    """The datamodule is training input: it must not pull in the SDK, tree-sitter or the sandbox."""
    graph = import_graph()
    seen, todo = set(), ["distill.data.datamodule"]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += graph.get(name, ())
    assert not {n for n in seen if n.startswith(("distill.api", "distill.generation", "distill.execution"))}


# The packages by layer, lowest first: a package imports only from layers below its own (or its own
# package). Pipeline order and import order differ on purpose: generation and evaluation both run code
# through execution/, and training never imports generation or the API.
LAYERS = (
    ("distill.config",),
    ("distill.utils", "distill.benchmark_data"),
    ("distill.data", "distill.execution", "distill.losses", "distill.models"),
    ("distill.offline",),
    ("distill.api",),
    ("distill.generation", "distill.training"),
    ("distill.evaluation",),
)


def test_packages_import_only_from_lower_layers():
    rank = {package: level for level, packages in enumerate(LAYERS) for package in packages}
    top = len(LAYERS)  # entry points and the spec's shim modules (distill.cli, distill.stages, ...)
    upward = [
        f"{source} -> {target}"
        for source, targets in package_graph(import_graph()).items()
        for target in targets
        if rank.get(target, top) >= rank.get(source, top) and rank.get(source, top) < top
    ]
    assert not upward, upward
