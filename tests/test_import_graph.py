"""The package's modules import each other one way only: no import cycle.

Every import statement counts: at module level, inside a function (a late import is how a
cycle hides) and under ``if TYPE_CHECKING:`` (a type-only import is still a dependency: the
module cannot be read, typed or moved without the one it names). ARCHITECTURE.md draws the
layers this keeps.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "moto_connect_persistent"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE


def module_names() -> dict[str, Path]:
    names = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``module`` imports, anywhere (TYPE_CHECKING included)."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                if f"{source}.{alias.name}" in known:
                    found.add(f"{source}.{alias.name}")  # a submodule
                elif source in known:
                    found.add(source)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text()))
    found.discard(module)
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def walk(node: str) -> list[str] | None:
        if node in visiting:
            return visiting[visiting.index(node) :] + [node]
        if node in done:
            return None
        visiting.append(node)
        for target in sorted(graph[node]):
            cycle = walk(target)
            if cycle:
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        cycle = walk(node)
        if cycle:
            return cycle
    return None


def test_the_import_graph_has_no_cycle() -> None:
    names = module_names()
    graph = {name: imports_of(name, path, set(names)) for name, path in names.items()}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_backend_does_not_import_the_wire() -> None:
    """Rules know no HTTP: the backends reach neither the response classes nor moto's tables."""
    names = module_names()
    graph = {name: imports_of(name, path, set(names)) for name, path in names.items()}
    wire = {f"{PACKAGE}.{m}" for m in ("responses", "wire", "urls", "participant.responses")}
    wire |= {f"{PACKAGE}.participant.urls", f"{PACKAGE}.registration"}
    for backend in (f"{PACKAGE}.models", f"{PACKAGE}.participant.models"):
        reached: set[str] = set()
        todo = [backend]
        while todo:
            for target in graph[todo.pop()] - reached:
                reached.add(target)
                todo.append(target)
        assert not reached & wire, (backend, sorted(reached & wire))


def test_the_checker_sees_a_late_import_cycle(tmp_path: Path) -> None:
    """The checker itself: a function-level import closing a loop is reported."""
    (tmp_path / "a.py").write_text("from .b import x\n")
    (tmp_path / "b.py").write_text("def x():\n    from .a import y\n")
    known = {"pkg.a", "pkg.b"}
    graph = {
        "pkg.a": imports_of("pkg.a", tmp_path / "a.py", known),
        "pkg.b": imports_of("pkg.b", tmp_path / "b.py", known),
    }
    assert find_cycle(graph) == ["pkg.a", "pkg.b", "pkg.a"]


def test_the_checker_sees_a_type_only_import_cycle(tmp_path: Path) -> None:
    """The checker itself: an import under ``if TYPE_CHECKING:`` closing a loop is reported."""
    (tmp_path / "a.py").write_text("from .b import x\n")
    (tmp_path / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import y\n"
    )
    known = {"pkg.a", "pkg.b"}
    graph = {
        "pkg.a": imports_of("pkg.a", tmp_path / "a.py", known),
        "pkg.b": imports_of("pkg.b", tmp_path / "b.py", known),
    }
    assert find_cycle(graph) == ["pkg.a", "pkg.b", "pkg.a"]


def test_the_chat_core_imports_nothing_above_it() -> None:
    """ARCHITECTURE.md: ``chat/`` knows no HTTP and no backend; it imports only itself."""
    names = module_names()
    core = {name for name in names if name.startswith(f"{PACKAGE}.chat")}
    for name in core:
        outside = imports_of(name, names[name], set(names)) - core
        assert not outside, (name, sorted(outside))
