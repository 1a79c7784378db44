"""Where every customer stands in every active classification, and the step that moves the
membership ledger (``dashboard.analytics.memberships.Ledger``) to a date.

The recompute (``dashboard.services.recompute``) reads the classifications in force into a
:class:`Classifications`, builds the customer table and the schemes' assignment, then calls
:func:`step` for each date it records. Pure: tables in, ledger changes out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from dashboard.analytics import memberships as ledger_rules
from dashboard.analytics.classification import Scheme
from dashboard.analytics.periods import period_bounds
from dashboard.analytics.rules import Rule, evaluate
from dashboard.analytics.settings import FigureSettings


@dataclass(frozen=True)
class Classifications:
    """The classifications in force: active schemes (and each one's team, None for the whole
    business), active rules, the default period and the figure settings."""

    schemes: dict[int, Scheme]
    scheme_teams: dict[int, int | None]
    rules: dict[int, Rule]
    period: str
    figure_rules: FigureSettings

    def sources(self) -> set[str]:
        return ({"status", "abc"} | {f"scheme:{k}" for k in self.schemes}
                | {f"rule:{k}" for k in self.rules})


# (rows just opened, table, assignment, classifications, ledger, as-of) -> their reasons
Explain = Callable[[pd.DataFrame, pd.DataFrame, pd.DataFrame, Classifications,
                    ledger_rules.Ledger, dt.date], pd.DataFrame]


def standing(table: pd.DataFrame, assignment: pd.DataFrame, config: Classifications,
             ledger: ledger_rules.Ledger, as_of: dt.date, sources: set[str] | None = None, *,
             reasons: bool = True) -> pd.DataFrame:
    """Where every customer stands as of ``as_of`` (the sources in ``sources`` only)."""
    wanted = sources or config.sources()
    bounds = period_bounds(as_of, config.period)
    parts = []
    if "status" in wanted:
        parts.append(ledger_rules.status_rows(table, config.figure_rules, reasons=reasons))
    if "abc" in wanted:
        parts.append(ledger_rules.tier_rows(
            table, ledger_rules.period_args(bounds.start, bounds.end), reasons=reasons))
    schemes = {k: s for k, s in config.schemes.items() if f"scheme:{k}" in wanted}
    if schemes:
        chosen = assignment.loc[assignment["scheme"].isin(list(schemes))]
        parts.append(ledger_rules.scheme_rows(chosen, schemes, config.scheme_teams,
                                              table[["customer_id", "team_id"]],
                                              reasons=reasons))
    rules = {k: r for k, r in config.rules.items() if f"rule:{k}" in wanted}
    if rules:
        parts.append(evaluate(table, rules, ledger.open_rows(f"rule:{k}" for k in rules),
                              as_of, reasons=reasons))
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else ledger_rules.empty_rows()


def step(ledger: ledger_rules.Ledger, table: pd.DataFrame, assignment: pd.DataFrame,
         config: Classifications, as_of: dt.date, sources: set[str] | None = None, *,
         explain: Explain) -> None:
    """Move the ledger to ``as_of``: compare labels first, then write the reasons
    (``explain``) of the rows that changed only (most customers stay where they were)."""
    found = ledger.apply(standing(table, assignment, config, ledger, as_of, sources,
                                  reasons=False), as_of, sources)
    if not found.opened.empty:
        ledger.fill_reasons(explain(found.opened, table, assignment, config, ledger, as_of))


__all__ = ["Classifications", "Explain", "standing", "step"]
