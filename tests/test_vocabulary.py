"""One vocabulary per concept (DESIGN.md rule 9): the scheme kinds and the customer types are
declared once, in ``dashboard/analytics/kinds.py``, and every layer reads them from there.

The scan reads the source tree's syntax: a customer-type code or a scheme-kind key written as a
string anywhere else is a second declaration. Some kind keys are also the names of customer-table
columns, rule figures or import kinds (``risk_score``, ``orders``, ``revenue_change``); those
count only where they are plainly used as a scheme kind: as a ``"kind"`` value, a ``kind=``
argument, a ``.get("kind", ...)`` default, or compared with a scheme's kind (``scheme.kind``,
``record["kind"]``). A list of kinds always holds kinds that are nothing else, so it is found
by those. Database migrations (frozen history), the message catalogs and the tests are not
scanned.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics.kinds import (
    CUSTOMER_TYPES,
    DEFAULT_SCHEME_KIND,
    PERCENT,
    SCHEME_KINDS,
    SchemeKind,
)
from dashboard.analytics.rules import FIGURES
from dashboard.analytics.table import TABLE_COLUMNS
from dashboard.i18n import LANGUAGES, translate

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = "dashboard/analytics/kinds.py"
SCANNED = ("app.py", "dashboard", "layouts", "callbacks", "scripts", "benchmarks")
SKIPPED = ("dashboard/migrations/",)
TYPES = set(CUSTOMER_TYPES)
KINDS = set(SCHEME_KINDS)
SHARED = {k for k in KINDS if k in TABLE_COLUMNS or k in FIGURES}  # also other vocabularies


def _sources() -> list[Path]:
    found = []
    for name in SCANNED:
        path = ROOT / name
        found += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [p for p in found if p.relative_to(ROOT).as_posix() != REGISTRY
            and not p.relative_to(ROOT).as_posix().startswith(SKIPPED)]


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _names_kind(node: ast.AST) -> bool:
    """Whether an expression is a stored scheme's kind (``record["kind"]``, ``scheme.kind``;
    a bare ``kind``, ``report.kind`` or ``checked.kind`` is also an import's kind of file)."""
    if isinstance(node, ast.Attribute) and node.attr == "kind":
        owner = ast.unparse(node.value).lower()
        return "scheme" in owner or "record" in owner
    return isinstance(node, ast.Subscript) and _text(node.slice) == "kind"


def _kind_uses(tree: ast.AST) -> list[ast.Constant]:
    """String constants used as scheme kinds."""
    found: list[ast.Constant] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            found += [v for k, v in zip(node.keys, node.values, strict=True)
                      if k is not None and _text(k) == "kind" and _text(v) in KINDS]
        elif isinstance(node, ast.keyword) and node.arg == "kind" and _text(node.value) in KINDS:
            found.append(node.value)
        elif isinstance(node, ast.Compare):
            parts = [node.left, *node.comparators]
            if any(_names_kind(p) for p in parts):
                found += [p for p in parts if _text(p) in KINDS]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "get" and len(node.args) == 2 \
                and _text(node.args[0]) == "kind" and _text(node.args[1]) in KINDS:
            found.append(node.args[1])
    return found


def _offences(source: str, where: str) -> list[str]:
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        text = _text(node)
        if text in TYPES or (text in KINDS and text not in SHARED):
            found.append(f"{where}:{node.lineno} {text!r}")
    found += [f"{where}:{n.lineno} {n.value!r}" for n in _kind_uses(tree)
              if n.value in SHARED]
    return sorted(set(found))


def test_the_scan_finds_second_declarations() -> None:
    """The scan itself: each way of declaring the lists again is found, other uses are not."""
    source = '\n'.join([
        'TYPES = ("Retail", "Trade")',                     # 1: two type codes
        'KINDS = ["risk_score", "risk_change"]',           # 2: a kind only kinds have
        'rank = kind in ("revenue_rank", "x")',            # 3: the same
        'if record["kind"] == "orders": pass',             # 4: compared with a kind
        'scheme = {"title": "t", "kind": "risk_score"}',   # 5: a kind value
        'form(kind="orders")',                             # 6: a kind argument
        'kind = record.get("kind", "risk_score")',         # 7: a kind default
        'total = table["orders"].sum() + table["risk_score"]',  # columns: not kinds
        'if metric == "orders" or kind == "orders": pass',  # an import's kind of file
        'figure = FIGURES["risk_score"]',
        'COLUMNS = ["orders", "risk_score", "revenue_change"]',
        'if scheme.kind != "orders": pass',                # 12: compared with a kind
        'if report.kind == "orders": pass',                # an import's kind of file
    ])
    assert _offences(source, "x.py") == sorted([
        "x.py:1 'Retail'", "x.py:1 'Trade'", "x.py:2 'risk_change'", "x.py:3 'revenue_rank'",
        "x.py:4 'orders'", "x.py:5 'risk_score'", "x.py:6 'orders'", "x.py:7 'risk_score'",
        "x.py:12 'orders'"])


def test_scheme_kinds_and_customer_types_are_declared_once() -> None:
    assert SHARED == {"risk_score", "orders", "revenue_change"}
    offences = []
    for path in _sources():
        offences += _offences(path.read_text(encoding="utf-8"),
                              path.relative_to(ROOT).as_posix())
    assert offences == []


def test_the_database_checks_are_the_registry() -> None:
    from dashboard.models import CUSTOMER_TYPES as MODEL_TYPES
    from dashboard.models import SCHEME_KINDS as MODEL_KINDS
    from dashboard.models import Customer

    assert MODEL_TYPES == tuple(CUSTOMER_TYPES)
    assert MODEL_KINDS == tuple(SCHEME_KINDS)
    assert Customer.__table__.c.customer_type.default.arg == "Retail"


def test_every_kind_and_type_has_words_in_both_languages() -> None:
    for language in LANGUAGES:
        for kind in SCHEME_KINDS.values():
            for text in (kind.label, kind.hint, kind.bounds_rule):
                assert translate(text, language).strip(), (language, kind.key, text)
        for customer_type in CUSTOMER_TYPES.values():
            assert translate(customer_type.label, language).strip()
    zh = [translate(k.label, "zh") for k in SCHEME_KINDS.values()]
    assert len(set(zh)) == len(zh) and all(z != k.label for z, k in
                                           zip(zh, SCHEME_KINDS.values(), strict=True))


def test_the_scheme_form_lists_the_registry() -> None:
    from layouts import ids

    kind, types = _select(ids.SCHEMES_KIND), _select(ids.SCHEMES_TYPE)
    assert [o["value"] for o in kind.options] == list(SCHEME_KINDS)
    assert kind.value == DEFAULT_SCHEME_KIND
    assert [o["value"] for o in types.options] == ["all", *CUSTOMER_TYPES]


@pytest.fixture
def margin_kind() -> Iterator[SchemeKind]:
    """A value kind added the way the registry says: one entry (the catalogs and a migration
    are the other steps; this test does not store schemes)."""
    kind = SchemeKind("margin", "Margin (%)", "Gross margin in %. Example: 10, 100.",
                      "margin", "A margin is at most 100 %.", column="margin_pct",
                      unit=PERCENT, high=100.0)
    SCHEME_KINDS[kind.key] = kind
    yield kind
    del SCHEME_KINDS[kind.key]


def test_a_new_kind_needs_only_its_registry_entry(margin_kind: SchemeKind) -> None:
    from dashboard.analytics.classification import Band, Scheme, classify
    from dashboard.analytics.memberships import scheme_rows
    from dashboard.errors import ValidationError
    from dashboard.services.scheme_forms import parse_scheme
    from layouts import ids
    from layouts.schemes_parts import band_range, kind_hint, kind_name
    from layouts.stored_texts import render

    scheme = Scheme(kind="margin", bands=(Band("Thin", 10.0), Band("Fat", 100.0)))
    day = pd.Timestamp("2026-01-05")
    figures = pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5, 6], "customer_code": ["C1", "C2", "C3", "C4", "C5", "C6"],
        "customer_type": "Retail", "revenue": [100.0] * 6, "orders": [1] * 6,
        "first_order_date": [day, day, day, day, day, pd.NaT],
        "margin_pct": [5.0, 10.0, 10.01, -3.0, np.nan, 50.0]})
    assignment = classify(figures, scheme)
    # 10 is in band 1 (bounds included), a negative or empty margin and a customer without
    # orders are in no band
    assert assignment["band"].astype("float64").fillna(-1).tolist() == [0, 0, 1, -1, -1, -1]
    assert assignment["label"].fillna("-").tolist() == ["Thin", "Thin", "Fat", "-", "-", "-"]
    rows = scheme_rows(assignment.assign(scheme=7), {7: scheme})
    assert [render(r, "CNY", "en") for r in rows["reason"]] == [
        "moved to band 'Thin' (margin 5%)", "moved to band 'Thin' (margin 10%)",
        "moved to band 'Fat' (margin 10%)"]  # a change in % reads with one decimal at most

    fields = {"title": "Margins", "kind": "margin", "timeframe_days": "365",
              "bands": [{"label": "Thin", "upper": "10"}, {"label": "Fat", "upper": "100"}]}
    assert parse_scheme(fields)["kind"] == "margin"
    with pytest.raises(ValidationError) as refused:
        parse_scheme({**fields, "bands": [{"label": "Thin", "upper": "150"}]})
    assert refused.value.details == ["A margin is at most 100 %."]

    assert band_range("margin", [10.0, 100.0], 0) == "0 % – 10 %"
    assert band_range("margin", [10.0, 100.0], 1) == "> 10 % – 100 %"
    assert (kind_name("margin"), kind_hint("margin")) == (
        "Margin (%)", "Gross margin in %. Example: 10, 100.")
    assert "margin" in [o["value"] for o in _select(ids.SCHEMES_KIND).options]


def _select(component_id: str):  # noqa: ANN202
    from layouts.schemes_parts import scheme_editor

    stack = [scheme_editor()]
    while stack:
        node = stack.pop()
        if getattr(node, "id", None) == component_id:
            return node
        children = getattr(node, "children", None)
        stack += children if isinstance(children, list) else [children] if children else []
    raise AssertionError(component_id)
