"""The import graph of ``core`` and ``ui``: no cycles, no Streamlit in ``core``, no private names across modules.

Built from the source with :mod:`ast`, so imports inside functions (deferred
imports, which hide cycles from Python) count as much as those at the top.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "ui")


def module_name(path: Path) -> str:
    """``core/io/posts.py`` -> ``core.io.posts``; ``core/io/__init__.py`` -> ``core.io``."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def sources(packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    """Module name -> file, for every Python file of ``packages``."""
    return {module_name(p): p for package in packages for p in sorted((ROOT / package).rglob("*.py"))}


MODULES = sources()


def imported(path: Path) -> Iterator[tuple[str, str | None]]:
    """``(module, name)`` of every import in the file, at any depth; ``name`` is None for ``import x``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                yield base, alias.name


def _known(name: str) -> str | None:
    """The longest prefix of ``name`` that is a module of ``core`` or ``ui``."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in MODULES:
            return candidate
    return None


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of ``core`` / ``ui`` it imports (and their parent packages, which run first)."""
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for module, attribute in imported(path):
            target = _known(f"{module}.{attribute}") if attribute else None
            target = target or _known(module)
            if target is None:
                continue
            parts = target.split(".")
            for end in range(1, len(parts) + 1):
                step = ".".join(parts[:end])
                if step in MODULES and step != name and not name.startswith(step + "."):
                    graph[name].add(step)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_deferred_imports() -> None:
    graph = import_graph()
    assert "core.model.classifier" in graph["ui.services.models"]  # imported inside load_classifier
    assert all(graph[name] <= set(MODULES) for name in graph)


def test_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_in_core_and_ui() -> None:
    assert cycles(import_graph()) == []


def test_core_never_imports_streamlit() -> None:
    offenders = [
        f"{name}: {module}"
        for name, path in MODULES.items()
        if name.startswith("core")
        for module, _ in imported(path)
        if module == "streamlit" or module.startswith("streamlit.")
    ]
    assert offenders == []


def test_core_never_imports_the_dashboard() -> None:
    graph = import_graph()
    assert [f"{a} -> {b}" for a in graph if a.startswith("core") for b in graph[a] if b.startswith("ui")] == []


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("ui.services", ("ui.components", "ui.sections")),
        ("ui.components", ("ui.sections",)),
    ],
)
def test_ui_layers_only_import_downwards(layer: str, forbidden: tuple[str, ...]) -> None:
    graph = import_graph()
    wrong = [
        f"{a} -> {b}"
        for a in graph
        if a == layer or a.startswith(layer + ".")
        for b in graph[a]
        if any(b == f or b.startswith(f + ".") for f in forbidden)
    ]
    assert wrong == []


def test_no_module_imports_another_modules_private_names() -> None:
    roots = ("core", "ui", "tests", "benchmarks", "pages")
    offenders = []
    for path in [ROOT / "app.py", *(p for root in roots for p in sorted((ROOT / root).rglob("*.py")))]:
        for module, name in imported(path):
            if name and name.startswith("_") and not name.startswith("__"):
                offenders.append(f"{path.relative_to(ROOT)}: from {module} import {name}")
    assert offenders == []


def private_attributes(source: str) -> list[str]:
    """``module._name`` uses in a source, where ``module`` was imported as a module of ``core`` or ``ui``."""
    tree = ast.parse(source)
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.asname for alias in node.names if alias.asname and alias.name in MODULES}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules |= {alias.asname or alias.name for alias in node.names if f"{node.module}.{alias.name}" in MODULES}
    return [
        f"{node.value.id}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in modules
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    ]


def test_no_module_reaches_into_another_modules_private_attributes() -> None:
    """In the shipped code; tests may clear a private cache of the module they test."""
    probe = "from core.plots import style\nfrom ui import state as s\nstyle._x\ns.get\ns.__name__\n"
    assert private_attributes(probe) == ["style._x"]
    roots = ("core", "ui", "benchmarks", "pages")
    files = [ROOT / "app.py", *(p for root in roots for p in sorted((ROOT / root).rglob("*.py")))]
    hits = [f"{path.relative_to(ROOT)}: {hit}" for path in files for hit in private_attributes(path.read_text())]
    assert hits == []
