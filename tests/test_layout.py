"""The house's floors (README, "Layout"): every import points down or sideways, and none goes round.

Floors, lowest first: the ground floor (the top-level modules of rotation/: codes, catalogue, dates,
domain, parameters, eligibility, plan, figures ...), the loader (rotation/workbook), the middle
floor (solver/ and reports/), the command layer (rotation/cli, rotation/scenarios), and benchmarks/
above it all. Every ``import`` statement counts, wherever it is: at the top of a module, inside a
function, or under ``if TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("rotation", "solver", "reports", "benchmarks")
# (module prefix, floor), most specific first; a module's floor is that of its first matching prefix.
FLOORS: tuple[tuple[str, int], ...] = (
    ("rotation.workbook", 1),
    ("rotation.cli", 3),
    ("rotation.scenarios", 3),
    ("rotation", 0),
    ("solver", 2),
    ("reports", 2),
    ("benchmarks", 4),
)
FLOOR_NAMES = (
    "ground (rotation/*.py)",
    "loader (rotation/workbook)",
    "middle (solver, reports)",
    "top",
    "bench",
)


@dataclass(frozen=True, slots=True)
class Import:
    importer: str
    imported: str
    line: int


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
    }


MODULES = project_modules()


def floor(module: str) -> int:
    for prefix, level in FLOORS:
        if module == prefix or module.startswith(prefix + "."):
            return level
    raise AssertionError(f"{module} is on no floor")


def _resolve(name: str) -> str | None:
    """The project module an import names: the longest prefix of ``name`` that is one."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in MODULES:
            return candidate
    return None


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    is_package = MODULES[module].name == "__init__.py"
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_of(module: str) -> Iterator[Import]:
    """Every project module that ``module`` imports, anywhere in its source."""
    return imports_in(module, MODULES[module].read_text(encoding="utf-8"))


def imports_in(module: str, source: str) -> Iterator[Import]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            package = _absolute(module, node)
            # ``from package import name``: name may be a submodule, or a name defined in the package.
            targets = [f"{package}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            resolved = _resolve(target)
            if resolved is not None and resolved != module:
                yield Import(module, resolved, node.lineno)


def import_graph() -> dict[str, set[str]]:
    return {module: {i.imported for i in imports_of(module)} for module in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_is_on_a_floor() -> None:
    assert {floor(module) for module in MODULES} == set(range(len(FLOOR_NAMES)))


def test_no_module_imports_a_floor_above_its_own() -> None:
    upward = [
        f"{i.importer} ({FLOOR_NAMES[floor(i.importer)]}) line {i.line} imports {i.imported} "
        f"({FLOOR_NAMES[floor(i.imported)]})"
        for module in MODULES
        for i in imports_of(module)
        if floor(i.imported) > floor(i.importer)
    ]
    assert upward == []


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


# The checks above, on made-up sources, so that they are known to catch what they are meant to.
@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
    ids=["chain", "pair", "triangle"],
)
def test_cycles_are_found(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert cycles(graph) == expected


def test_imports_inside_functions_and_under_type_checking_count() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from rotation.cli.main import main\n"
        "def later():\n"
        "    import solver.solve\n"
        "    from . import text\n"
        "    from .workbook.loader import load_workbook\n"
    )
    found = [(i.imported, i.line) for i in imports_in("rotation.codes", source)]
    assert found == [
        ("rotation.cli.main", 3),
        ("solver.solve", 5),
        ("rotation.text", 6),
        ("rotation.workbook.loader", 7),
    ]
    assert all(
        floor(imported) > floor("rotation.codes") for imported, _ in found if imported != "rotation.text"
    )
