"""The import rules of DESIGN.md, checked on the source tree.

- dashboard/analytics: pure (pandas, numpy, scipy); no Dash, Flask, SQLAlchemy, no database;
- SQL only in dashboard/data (and models, db, migrations, the migration tool);
- layouts build components and never query or call services that query;
- callbacks never import SQLAlchemy or dashboard.data;
- dashboard (the core) never imports Dash, layouts or callbacks;
- the importer (dashboard/ingest) never calls up into services;
- one place builds a Runtime (``build_runtime``), called by the composition roots;
- no import cycles between the modules of app.py, dashboard, layouts and callbacks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in _files(folder):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


SQL_MODULES = ("sqlalchemy", "psycopg", "psycopg2", "sqlite3", "duckdb")
UI_MODULES = ("dash", "dash_bootstrap_components", "dash_ag_grid", "plotly", "flask",
              "flask_login", "layouts", "callbacks")

RULES = [
    ("dashboard/analytics", SQL_MODULES[:-1] + UI_MODULES + ("dashboard.data", "dashboard.db",
                                                            "dashboard.models",
                                                            "dashboard.services")),
    ("layouts", SQL_MODULES + ("dashboard.data", "dashboard.db", "dashboard.models",
                               "dashboard.services", "callbacks")),
    ("callbacks", SQL_MODULES + ("dashboard.data", "dashboard.db", "dashboard.models")),
    ("dashboard/data", UI_MODULES + ("dashboard.services",)),
    ("dashboard/services", ("dash", "dash_bootstrap_components", "dash_ag_grid", "plotly",
                            "layouts", "callbacks")),
    # the importer reads and writes only: the recompute after an import is a service use case
    ("dashboard/ingest", ("dash", "plotly", "layouts", "callbacks", "dashboard.services")),
    # pure steps of the recompute and every figure: no service, no runtime
    ("dashboard/analytics", ("dashboard.runtime", "dashboard.cache", "dashboard.config")),
]


@pytest.mark.parametrize(("folder", "forbidden"), RULES, ids=[r[0] for r in RULES])
def test_import_rules(folder: str, forbidden: tuple[str, ...]) -> None:
    assert _violations(folder, forbidden) == []


def test_one_place_builds_a_runtime() -> None:
    """``Runtime(...)`` is called in dashboard/runtime.py only (``build_runtime``); the
    composition roots (``create_app``, the CLI context) call that and hand the runtime down."""
    calls = []
    for path in [ROOT / "app.py"] + _files("dashboard") + _files("layouts") + _files("callbacks"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Runtime":
                calls.append(path.relative_to(ROOT).as_posix())
    assert calls == ["dashboard/runtime.py"]


def test_sql_only_in_data_layer() -> None:
    """Outside dashboard/data, models, db and migrations, nothing builds SQL statements."""
    allowed = {"dashboard/data", "dashboard/migrations"}
    allowed_files = {"dashboard/models.py", "dashboard/db.py", "dashboard/migrate.py"}
    sql_builders = {"select", "insert", "update", "delete", "text"}
    offenders = []
    for path in _files("dashboard") + _files("layouts") + _files("callbacks"):
        rel = path.relative_to(ROOT).as_posix()
        if rel in allowed_files or any(rel.startswith(a + "/") for a in allowed):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and (
                node.module == "sqlalchemy" or node.module.startswith("sqlalchemy.")
            ):
                bad = {a.name for a in node.names} & sql_builders
                if bad:
                    offenders.append(f"{rel} imports {sorted(bad)} from {node.module}")
    assert offenders == []


def test_no_raw_sql_formatting() -> None:
    """No text()/exec_driver_sql built with f-strings or % formatting (SQL injection)."""
    offenders = []
    for path in _files("dashboard") + _files("layouts") + _files("callbacks"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(
                    node.func, "id", "")) in {"text", "exec_driver_sql"} and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.JoinedStr) or (
                    isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mod)
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


# --- import cycles ----------------------------------------------------------------------------

CYCLE_ROOTS = ("app.py", "dashboard", "layouts", "callbacks")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_graph() -> dict[str, set[str]]:
    """Every module of the product and the modules it imports anywhere (at the top, inside
    functions, under ``TYPE_CHECKING``); relative imports resolved; ``from package import
    module`` is an edge to that module."""
    paths = [ROOT / "app.py"] + [p for folder in CYCLE_ROOTS[1:] for p in _files(folder)]
    modules = {_module_name(p): p for p in paths}

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(known(alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                for alias in node.names:
                    child = f"{base}.{alias.name}"
                    found.add(child if child in modules else known(base))
        graph[name] = {m for m in found if m is not None and m != name}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return sorted(cycles)


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"e"}, "e": {"d"}, "f": {"a"},
             "g": set()}
    assert import_cycles(graph) == [["a", "b", "c"], ["d", "e"]]
    assert import_cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_the_module_graph_sees_imports_inside_functions() -> None:
    graph = module_graph()
    assert "dashboard.services.recompute" in graph["dashboard.services.schemes"]
    assert "dashboard.ingest.xlsx" in graph["dashboard.ingest.readers"]  # inside a function
    assert "dashboard.services.customer_table" in graph["dashboard.services.filters"]  # from x import m
    assert "layouts.shell" in graph["app"]


def test_no_import_cycles() -> None:
    """DESIGN.md rule 8: no module imports itself again through others, not even through an
    import inside a function."""
    assert import_cycles(module_graph()) == []
