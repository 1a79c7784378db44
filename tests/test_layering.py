"""The import rules of DESIGN.md, checked on the source tree.

- dashboard/analytics: pure (pandas, numpy, scipy); no Dash, Flask, SQLAlchemy, no database;
- SQL only in dashboard/data (and models, db, migrations, the migration tool);
- layouts build components and never query or call services that query;
- callbacks never import SQLAlchemy or dashboard.data;
- dashboard (the core) never imports Dash, layouts or callbacks.
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
    ("dashboard/ingest", ("dash", "plotly", "layouts", "callbacks")),
]


@pytest.mark.parametrize(("folder", "forbidden"), RULES, ids=[r[0] for r in RULES])
def test_import_rules(folder: str, forbidden: tuple[str, ...]) -> None:
    assert _violations(folder, forbidden) == []


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
