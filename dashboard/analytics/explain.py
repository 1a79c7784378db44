"""Why the membership rows a step opened were opened: their reasons, worded only for them.

:func:`dashboard.analytics.standing.step` compares labels first (no reasons) and asks
:func:`opened_reasons` for the reasons of the rows that moved, typically a few of every
customer's rows. Pure: tables in, reasons out.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.analytics import memberships as ledger_rules
from dashboard.analytics.standing import Classifications, standing


def opened_reasons(opened: pd.DataFrame, table: pd.DataFrame, assignment: pd.DataFrame,
             config: Classifications, ledger: ledger_rules.Ledger, as_of: dt.date) -> pd.DataFrame:
    """The reasons (stored texts, ``dashboard.analytics.reasons``) of the membership rows
    just opened (``opened``: ``customer_id``, ``source``), computed for those (customer,
    source) pairs only: the ``explain`` of :func:`dashboard.analytics.standing.step`."""
    names = pd.unique(opened["source"])  # a few sources
    schemes = {str(n): int(str(n).split(":")[1]) for n in names
               if str(n).startswith("scheme:")}
    families = {"status": {"status"}, "abc": {"abc"}, "scheme": set(schemes),
                "rule": {str(n) for n in names if str(n).startswith("rule:")}}
    parts = []
    for family, sources in families.items():
        if not sources:
            continue
        mine = opened.loc[opened["source"].isin(list(sources))]
        rows = table.loc[table["customer_id"].isin(mine["customer_id"])].reset_index(drop=True)
        chosen = assignment.iloc[:0]
        if family == "scheme":
            pairs = pd.DataFrame({"scheme": mine["source"].map(schemes).to_numpy(),
                                  "customer_id": mine["customer_id"].to_numpy()})
            chosen = assignment.merge(pairs, on=["scheme", "customer_id"], how="inner")
        parts.append(standing(rows, chosen, config, ledger, as_of, sources))
    return pd.concat(parts, ignore_index=True) if parts else ledger_rules.empty_rows()


__all__ = ["opened_reasons"]
