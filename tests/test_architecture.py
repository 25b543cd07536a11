"""The package's shape (issue 14, item 22): no import cycles, function-level imports included; every module
imports on its own; one loader; one validation entry point; HTTP helpers outside the query module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "phoihop"
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__main__")


def _tree(module: str) -> ast.Module:
    return ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))


def imports_of(module: str) -> set[str]:
    """The phoihop modules a module imports anywhere in its body (top level, functions, classes)."""
    found: set[str] = set()
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                found.update([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
            elif node.level == 0 and (node.module or "").startswith("phoihop."):
                found.add(node.module.split(".")[1])
            elif node.level == 0 and node.module == "phoihop":
                found.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("phoihop."))
    return found & set(MODULES)


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_import_graph_has_no_cycle() -> None:
    """build -> validate -> shacl_sparql / reason -> build was a circle hidden in function-level imports."""
    graph = {module: imports_of(module) - {module} for module in MODULES}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports_on_its_own(module: str) -> None:
    proc = subprocess.run([sys.executable, "-c", f"import phoihop.{module}"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr


def _calls(module: str, names: set[str]) -> list[str]:
    """Calls of functions or methods with one of these names in a module."""
    found = []
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in names:
                found.append(f"{module}.py:{node.lineno} {name}")
    return found


def test_one_loader_puts_rdf_files_into_stores() -> None:
    """query.load_store, build.load_sources and store.load_files each loaded files: only store.py may, and
    the network module's `load` (called by export) goes through it."""
    outside = {c.split(":")[0] + " " + c.split(" ")[1] for m in MODULES if m != "store"
               for c in _calls(m, {"load", "bulk_load", "load_file"})}
    assert outside <= {"export.py load"}
    assert _calls("network", {"load_files"})
    defined = {node.name for m in MODULES if m != "store" for node in ast.walk(_tree(m))
               if isinstance(node, ast.FunctionDef)}
    assert not defined & {"load_store", "load_sources"}


def test_build_and_validate_share_one_validation_entry_point() -> None:
    assert _calls("build", {"validate_store", "run_checks", "validate_graph"}) == []
    assert _calls("build", {"check"}) and _calls("validate", {"check"})


def test_push_does_not_import_the_query_module() -> None:
    assert "query" not in imports_of("push")
    assert {"remote"} <= imports_of("push") and {"remote"} <= imports_of("query")
