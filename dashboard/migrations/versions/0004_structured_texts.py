"""Stored texts as a key with its values: membership reasons and alert messages.

Reasons (``memberships.reason``) and alert messages (``alerts.message``) were English
sentences ("risk score 2.5 > 2", "moved to band 'Slowing' (risk score 1.61)",
"Slipping: risk score 5 > 2 for 20 days or more"). They become the JSON object
``{"key": ..., "args": {...}}`` that the pages word in the reader's language
(``dashboard.analytics.reasons``). This revision parses every old sentence into its key and
values; a sentence it does not understand stays as it was (it is then shown as written). The
parser knows the English of the versions before this one, so it is kept here, frozen, and not
taken from the code (which changes).

The audit log is not rewritten: it is append-only (revision 0002), and its ``action`` column
has always held stable keys (``scheme.create``, ``sign_in_failed``), which the audit page
words in the reader's language.

Downgrade words the stored texts in English again.

Revision ID: 0004_structured_texts
Revises: 0003_order_line_position
"""

from __future__ import annotations

import json
import re
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004_structured_texts"
down_revision = "0003_order_line_position"
branch_labels = None
depends_on = None

# the English names of rule figures and scheme kinds in the texts written before
RULE_FIGURES = {
    "risk score": "risk_score", "risk change (%)": "risk_change_pct",
    "days since last order": "days_since_last_order", "usual gap in days": "mean_gap_days",
    "churn probability (%)": "churn_probability", "revenue": "revenue",
    "previous revenue": "revenue_prev", "growth (%)": "growth_pct", "orders": "orders",
    "average order value": "avg_order_value", "margin (%)": "margin_pct",
    "return rate (%)": "return_rate_pct", "revenue in the last 30 days": "revenue_30d",
    "30-day revenue growth (%)": "revenue_growth_pct",
    "expected value next 90 days": "expected_value_next_90d", "status": "status",
    "tier": "abc_tier", "previous tier": "abc_tier_prev", "tier movement": "tier_move",
    "customer type": "customer_type",
}
CHOICE_FIGURES = {"status", "abc_tier", "abc_tier_prev", "tier_move", "customer_type"}
SCHEME_VALUES = {"risk score": "risk_score", "risk change %": "risk_change",
                 "revenue change %": "revenue_change", "orders": "orders"}
SCHEME_RANKS = {"% of customers rank higher": "revenue_rank",
                "% of the type's revenue ranks higher": "revenue_share"}

NUMBER = r"-?\d+(?:\.\d+)?|–"
DATE = r"\d{4}-\d{2}-\d{2}"
_FIGURE = "|".join(re.escape(f) for f in sorted(RULE_FIGURES, key=len, reverse=True))
_OPERATOR = r">=|<=|!=|>|<|="
CONDITION = (rf"(?P<figure>{_FIGURE}) (?P<value>\S+) (?P<operator>{_OPERATOR}) "
             rf"(?P<threshold>\S+)")
SUFFIX = rf"(?: for (?P<for_days>\d+) days or more| since (?P<since>{DATE}); waiting for " \
         rf"(?P<waiting>\d+) days)?"
STATUS = [
    (re.compile(r"no order yet"), "status.no_order"),
    (re.compile(rf"no order for (?P<days>{NUMBER}) days > (?P<limit>\d+)"),
     "status.no_order_for"),
    (re.compile(rf"risk score (?P<risk>{NUMBER}) > (?P<limit>{NUMBER})"), "status.risk_above"),
    (re.compile(rf"risk score (?P<risk>{NUMBER}) <= (?P<limit>{NUMBER})"),
     "status.risk_at_most"),
    (re.compile(r"ordered within (?P<days>\d+) days \(no usual gap yet\)"), "status.no_gap"),
]
TIER = [
    (re.compile(rf"revenue (?P<revenue>{NUMBER}) in the (?P<days>\d+) days to (?P<end>{DATE})"),
     "tier.revenue"),
    (re.compile(rf"no revenue in the (?P<days>\d+) days to (?P<end>{DATE})"), "tier.no_revenue"),
]
_SCHEME_VALUE = "|".join(re.escape(f) for f in SCHEME_VALUES)
_SCHEME_RANK = "|".join(re.escape(f) for f in SCHEME_RANKS)
SCHEME_BAND = re.compile(rf"moved to band '(?P<band>.*)' \((?P<figure>{_SCHEME_VALUE}) "
                         rf"(?P<value>{NUMBER})\)")
SCHEME_TOP = re.compile(rf"moved to band '(?P<band>.*)' \(top (?P<top>{NUMBER}) %: "
                        rf"(?P<value>{NUMBER}) (?P<figure>{_SCHEME_RANK})\)")
RULE = re.compile(CONDITION + SUFFIX)
ALERT = re.compile(rf"(?P<rule>.*): {CONDITION}{SUFFIX}")


def _number(text: str) -> float | int | None:
    if text in ("–", "none"):
        return None
    number = float(text)
    return int(number) if number.is_integer() and "." not in text else number


def _dump(key: str, args: dict[str, Any]) -> str:
    return json.dumps({"key": key, "args": args}, ensure_ascii=False, separators=(",", ":"))


def _condition(found: re.Match[str]) -> dict[str, Any]:
    figure = RULE_FIGURES[found["figure"]]
    if figure in CHOICE_FIGURES:
        value: Any = None if found["value"] == "none" else found["value"]
        threshold: Any = found["threshold"]
    else:
        try:
            value, threshold = _number(found["value"]), _number(found["threshold"])
        except ValueError:
            return {}
    return {"figure": figure, "value": value, "operator": found["operator"],
            "threshold": threshold}


def _rule(found: re.Match[str], prefix: str, extra: dict[str, Any]) -> str | None:
    args = _condition(found)
    if not args:
        return None
    args = {**extra, **args}
    if found["for_days"]:
        return _dump(f"{prefix}.met_for", {**args, "for_days": int(found["for_days"])})
    if found["since"] and prefix == "rule":
        return _dump("rule.waiting", {**args, "since": found["since"],
                                      "for_days": int(found["waiting"])})
    if found["since"]:
        return None
    return _dump(f"{prefix}.met", args)


def parse_reason(source: str, text: str) -> str | None:
    """The stored text of an old English reason of a row of ``source`` (None: not
    understood)."""
    family = str(source).split(":", 1)[0]
    if family in ("status", "abc"):
        for pattern, key in STATUS if family == "status" else TIER:
            found = pattern.fullmatch(text)
            if found:
                args: dict[str, Any] = {}
                for name, value in found.groupdict().items():
                    args[name] = value if name == "end" else _number(value)
                return _dump(key, args)
        return None
    if family == "scheme":
        found = SCHEME_TOP.fullmatch(text)
        if found:
            return _dump("scheme.band_top", {
                "band": found["band"], "figure": SCHEME_RANKS[found["figure"]],
                "top": _number(found["top"]), "value": _number(found["value"])})
        found = SCHEME_BAND.fullmatch(text)
        if found:
            return _dump("scheme.band", {"band": found["band"],
                                         "figure": SCHEME_VALUES[found["figure"]],
                                         "value": _number(found["value"])})
        return None
    if family == "rule":
        found = RULE.fullmatch(text)
        return _rule(found, "rule", {}) if found else None
    return None


def parse_message(text: str) -> str | None:
    """The stored text of an old English alert message (None: not understood)."""
    found = ALERT.fullmatch(text)
    return _rule(found, "alert", {"rule": found["rule"]}) if found else None


def _table(name: str, column: str) -> sa.TableClause:
    return sa.table(name, sa.column("id", sa.Integer), sa.column(column, sa.Text),
                    *([sa.column("source", sa.String)] if name == "memberships" else []))


def _rewrite(table: sa.TableClause, column: str, updates: list[dict[str, Any]],
             batch: int = 5_000) -> None:
    statement = (sa.update(table).where(table.c.id == sa.bindparam("row_id"))
                 .values({column: sa.bindparam("stored")}))
    for start in range(0, len(updates), batch):
        op.get_bind().execute(statement, updates[start:start + batch])


def _convert(name: str, column: str, parse: Any) -> None:
    """Rewrite every old text of ``name.column`` that ``parse`` understands (each distinct
    text parsed once)."""
    table = _table(name, column)
    text = table.c[column]
    source = table.c.source if name == "memberships" else sa.literal("")
    rows = op.get_bind().execute(
        sa.select(table.c.id, source, text)
        .where(text.is_not(None), text != "", ~text.like("{%")).order_by(table.c.id)).all()
    parsed: dict[tuple[str, str], str | None] = {}
    updates = []
    for row_id, family, old in rows:
        key = (str(family).split(":", 1)[0], str(old))
        if key not in parsed:
            parsed[key] = parse(str(family), str(old)) if name == "memberships" \
                else parse(str(old))
        if parsed[key] is not None:
            updates.append({"row_id": row_id, "stored": parsed[key]})
    _rewrite(table, column, updates)


def upgrade() -> None:
    _convert("memberships", "reason", parse_reason)
    _convert("alerts", "message", parse_message)


# --- downgrade: the English sentences again --------------------------------------------------

_FIGURE_NAMES = {v: k for k, v in RULE_FIGURES.items()}
_SCHEME_NAMES = {v: k for k, v in {**SCHEME_VALUES, **SCHEME_RANKS}.items()}


def _short(value: Any) -> str:
    if value is None:
        return "none"
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def english(stored: str) -> str:
    """The English sentence of a stored text (as written before this revision)."""
    try:
        found = json.loads(stored)
        key, a = found["key"], found["args"]
    except (ValueError, KeyError, TypeError):
        return stored
    simple = {
        "status.no_order": lambda: "no order yet",
        "status.no_order_for": lambda: f"no order for {_short(a['days'])} days > "
                                       f"{int(a['limit'])}",
        "status.risk_above": lambda: f"risk score {_short(a['risk'])} > {a['limit']:g}",
        "status.risk_at_most": lambda: f"risk score {_short(a['risk'])} <= {a['limit']:g}",
        "status.no_gap": lambda: f"ordered within {a['days']} days (no usual gap yet)",
        "tier.revenue": lambda: f"revenue {_short(a['revenue'])} in the {a['days']} days to "
                                f"{a['end']}",
        "tier.no_revenue": lambda: f"no revenue in the {a['days']} days to {a['end']}",
        "scheme.band": lambda: f"moved to band '{a['band']}' "
                               f"({_SCHEME_NAMES.get(a['figure'], a['figure'])} "
                               f"{_short(a['value'])})",
        "scheme.band_top": lambda: f"moved to band '{a['band']}' (top {_short(a['top'])} %: "
                                   f"{_short(a['value'])} "
                                   f"{_SCHEME_NAMES.get(a['figure'], a['figure'])})",
        "text": lambda: str(a.get("text", "")),
    }
    if key in simple:
        return simple[key]()
    figure = str(a.get("figure", ""))
    shown = (lambda v: "none" if v is None else str(v)) if figure in CHOICE_FIGURES else _short
    text = (f"{_FIGURE_NAMES.get(figure, figure)} {shown(a.get('value'))} {a.get('operator')} "
            f"{shown(a.get('threshold'))}")
    if key.endswith("met_for"):
        text += f" for {a['for_days']} days or more"
    if key == "rule.waiting":
        text += f" since {a['since']}; waiting for {a['for_days']} days"
    return f"{a['rule']}: {text}" if key.startswith("alert.") else text


def _back(name: str, column: str) -> None:
    table = _table(name, column)
    rows = op.get_bind().execute(sa.select(table.c.id, table.c[column])
                                 .where(table.c[column].like("{%")).order_by(table.c.id)).all()
    _rewrite(table, column, [{"row_id": i, "stored": english(str(t))} for i, t in rows])


def downgrade() -> None:
    _back("memberships", "reason")
    _back("alerts", "message")
