"""One vocabulary for the address (DESIGN.md rule 9), checked on the source tree.

``dashboard/filters.py`` declares the filter types, their query keys, the default period and
the page paths; no other module declares a filter type, writes the default period or spells
a page path.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dashboard import filters

ROOT = Path(__file__).resolve().parent.parent
CORE = "dashboard/filters.py"
FILTER_FIELDS = {"as_of", "period", "customer_type", "region", "rep_id"}
FILTER_TYPE_NAMES = {"Filters", "FilterQuery", "FilterLike", "FilterParams", "PageFilters"}
# "30d" written elsewhere on purpose: the list of periods itself and their names on screen,
# the command line's spellings of a period (kept free of pandas so that `cockpit --help`
# stays fast), and the backtest's status table, which is a 30-day table whatever the pages'
# default is.
DEFAULT_PERIOD_ELSEWHERE = {"dashboard/analytics/periods.py", "layouts/labels.py",
                            "dashboard/cli_export.py", "dashboard/analytics/backtest.py"}
PATHS = {value for name, value in vars(filters).items()
         if name.endswith("_PATH") or name.endswith("_PATH_TEMPLATE")}
PATH_PREFIXES = ("/customer/", "/campaigns/")
# the pages, their links and the use cases behind them; the web layer's own routes (login,
# the CSV download) are Flask's and are not pages
PAGE_CODE = ("layouts", "callbacks", "dashboard/services", "dashboard/analytics",
             "dashboard/reports", "dashboard/messaging")


def _sources(*folders: str) -> list[tuple[str, ast.Module]]:
    found = []
    for folder in folders:
        base = ROOT / folder
        paths = [base] if base.is_file() else sorted(base.rglob("*.py"))
        for path in paths:
            rel = path.relative_to(ROOT).as_posix()
            if rel != CORE:
                found.append((rel, ast.parse(path.read_text(encoding="utf-8"))))
    return found


def _strings(tree: ast.AST) -> list[ast.Constant]:
    """String constants, docstrings left out (they may quote an address)."""
    docs = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                 ast.AsyncFunctionDef))
            and node.body and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)}
    return [node for node in ast.walk(tree) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and id(node) not in docs]


def _fields(node: ast.ClassDef) -> set[str]:
    return {item.target.id for item in node.body
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)}


def test_the_core_module_declares_the_vocabulary() -> None:
    assert filters.DEFAULT_PERIOD == "30d"
    assert {f for f in filters.Filters.__dataclass_fields__} == FILTER_FIELDS
    assert {f for f in filters.FilterQuery.__dataclass_fields__} == FILTER_FIELDS
    assert {"/", "/customers", "/customer/<code>", "/campaigns", "/campaigns/new",
            "/campaigns/<campaign_id>", "/schemes", "/alerts", "/targets", "/team",
            "/audit", "/404", "/customers/export.csv", "/duplicates", "/import",
            "/suggestions", "/my", "/users", "/followups", "/ledger", "/contact-plan"} == PATHS


def test_no_other_filter_type() -> None:
    """No class outside the core is a filter type by name or by its fields (a period and
    the narrowing fields; a customer record has a type and a region but no period)."""
    offenders = []
    for rel, tree in _sources("dashboard", "layouts", "callbacks", "app.py"):
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            if node.name in FILTER_TYPE_NAMES or {"period", "customer_type",
                                                   "region"} <= _fields(node):
                offenders.append(f"{rel}: class {node.name}")
    assert offenders == []


def test_the_default_period_is_written_once() -> None:
    offenders = [f"{rel}:{node.lineno}"
                 for rel, tree in _sources("dashboard", "layouts", "callbacks", "app.py")
                 if rel not in DEFAULT_PERIOD_ELSEWHERE
                 for node in _strings(tree) if node.value == "30d"]
    assert offenders == []


@pytest.mark.parametrize("folder", PAGE_CODE)
def test_page_paths_are_spelled_once(folder: str) -> None:
    """Pages, links and use cases name a page through the core's constants and builders:
    no literal page path (``"/"`` as a link or page path) or portrait or campaign address."""
    offenders = []
    for rel, tree in _sources(folder):
        for node in _strings(tree):
            text = node.value
            if (text in PATHS and text != "/") or text.startswith(PATH_PREFIXES):
                offenders.append(f"{rel}:{node.lineno} {text!r}")
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg in ("href", "path", "path_template") \
                    and isinstance(node.value, ast.Constant) and node.value.value == "/":
                offenders.append(f"{rel}:{node.value.lineno} {node.arg}='/'")
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(
                    node.values[0], ast.Constant) and str(node.values[0].value).startswith(
                    PATH_PREFIXES):
                offenders.append(f"{rel}:{node.lineno} f-string {node.values[0].value!r}")
    assert offenders == []


def test_the_address_is_parsed_and_encoded_only_in_the_core() -> None:
    """Nobody else splits a query string or declares the query's keys."""
    offenders = []
    for rel, tree in _sources("dashboard/services", "layouts", "callbacks"):
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "urllib.parse" and any(
                    alias.name in ("parse_qs", "parse_qsl") for alias in node.names):
                offenders.append(f"{rel}: imports {node.module}.parse_qs*")
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id in ("FILTER_KEYS", "SELECTOR_KEYS",
                                                         "DEFAULT_PERIOD")
                    for t in node.targets):
                offenders.append(f"{rel}:{node.lineno} declares {ast.unparse(node.targets[0])}")
    assert offenders == []
