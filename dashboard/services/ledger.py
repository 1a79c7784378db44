"""The migration ledger (SPEC "Dynamic segmentation rules"): this period's moves of tier,
scheme band and rule segment, each with the rule (or scheme) and the values that fired it,
the account manager and the state of the alert it raised; filtered by kind and source;
exported from the page and by ``cockpit export ledger``.

Scoped like every list: a rep sees the moves of their own customers. The period is the
filters' (as of a date, over a period); nothing after the as-of date is shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dashboard.analytics.periods import period_bounds
from dashboard.data import schemes as scheme_data
from dashboard.data.audit import insert_audit
from dashboard.data.ledger import LEDGER_COLUMNS, load_ledger
from dashboard.db import session_scope
from dashboard.errors import ValidationError
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import filters as filter_service
from dashboard.services.access import visible_teams

KINDS = ("all", "tier", "scheme", "rule")
ROWS_SHOWN = 500


@dataclass(frozen=True)
class LedgerView:
    rows: pd.DataFrame  # LEDGER_COLUMNS + source_kind, source_name
    start: dt.date
    end: dt.date
    kind: str
    source: str | None
    sources: dict[str, str]  # source -> its name (schemes' titles, rules' names)
    counts: dict[str, int]  # moves per kind (tier, scheme, rule)
    total: int


def source_names(runtime: Runtime, actor: Actor) -> dict[str, str]:
    """The schemes and rules ``actor`` sees, by source (``scheme:3`` -> its title)."""
    with session_scope(runtime.engine) as session:
        teams = visible_teams(session, actor)
        schemes = scheme_data.load_schemes(session, teams)
        rules = scheme_data.load_rules(session, teams)
    names = {f"scheme:{int(i)}": str(t) for i, t in zip(schemes["id"], schemes["title"],
                                                          strict=True)}
    names.update({f"rule:{int(i)}": str(n) for i, n in zip(rules["id"], rules["name"],
                                                          strict=True)})
    return names


def get_ledger(runtime: Runtime, actor: Actor, *, as_of: dt.date | None = None,
               period: str | None = None, kind: str = "all",
               source: str | None = None) -> LedgerView:
    """The moves of the period ending ``as_of`` (default: today, the default period)."""
    if kind not in KINDS:
        raise ValidationError(f"unknown ledger kind {kind!r}")
    names = source_names(runtime, actor)
    if source is not None and source != "abc" and source not in names:
        raise ValidationError(f"unknown ledger source {str(source)[:40]!r}")
    bounds = period_bounds(as_of or filter_service.today(runtime),
                           period or filter_service.default_period(runtime))
    with session_scope(runtime.engine) as session:
        rows = load_ledger(session, actor, bounds.start, bounds.end)
    source_kind = rows["source"].astype(str).str.split(":").str[0].replace({"abc": "tier"})
    rows = rows.assign(source_kind=source_kind,
                       source_name=rows["source"].map(names).astype(object).fillna(""))
    counts = {k: int((source_kind == k).sum()) for k in ("tier", "scheme", "rule")}
    if kind != "all":
        rows = rows.loc[rows["source_kind"] == kind]
    if source is not None:
        rows = rows.loc[rows["source"] == source]
    rows = rows.reset_index(drop=True)
    return LedgerView(rows=rows, start=bounds.start, end=bounds.end, kind=kind, source=source,
                      sources=names, counts=counts, total=len(rows))


def ledger_export(runtime: Runtime, actor: Actor, *, as_of: dt.date | None = None,
                  period: str | None = None, kind: str = "all",
                  source: str | None = None, fmt: str = "csv") -> LedgerView:
    """:func:`get_ledger` for a file; audited with its row count."""
    view = get_ledger(runtime, actor, as_of=as_of, period=period, kind=kind, source=source)
    with session_scope(runtime.engine, write=True) as session:
        insert_audit(session, actor, "export", object_type="ledger",
                     object_id=view.end.isoformat(),
                     detail={"rows": view.total, "kind": kind, "source": source,
                             "format": fmt, "start": view.start.isoformat()})
    return view


__all__ = ["KINDS", "LEDGER_COLUMNS", "ROWS_SHOWN", "LedgerView", "get_ledger", "ledger_export",
           "source_names"]
