"""The Team page's table as files: for people (``dashboard.reports.tables``, headers and words
in the reader's language) and for machines (``cockpit export team``: fixed English column
names, fixed rounding, the same rows), and the follow-ups list for people."""

from __future__ import annotations

import pandas as pd

from dashboard.i18n import N_
from dashboard.reports.tables import Column, Table

FOLLOWUP_KIND_NAMES = {"call": N_("Call"), "visit": N_("Visit"), "email": N_("E-mail")}
FOLLOWUP_STATE_NAMES = {"open": N_("To do"), "done": N_("Done")}

TEAM_COLUMNS = (
    Column("account_manager", N_("Account manager")),
    Column("customers", N_("Customers"), "int"),
    Column("active", N_("Active"), "int"),
    Column("churning", N_("Churning"), "int"),
    Column("lost", N_("Lost"), "int"),
    Column("never", N_("Never traded"), "int"),
    Column("tier_a", N_("Tier A"), "int"),
    Column("tier_b", N_("Tier B"), "int"),
    Column("tier_c", N_("Tier C"), "int"),
    Column("tier_d", N_("Tier D"), "int"),
    Column("revenue", N_("Revenue"), "number", 2),
    Column("revenue_prev", N_("Revenue, previous period"), "number", 2),
    Column("growth_pct", N_("Growth (%)"), "number", 2),
    Column("target", N_("Target"), "number", 2),
    Column("attainment_pct", N_("Of target (%)"), "number", 1),
    Column("money_at_risk", N_("Money at risk"), "number", 2),
    Column("open_alerts", N_("Open alerts"), "int"),
    Column("open_followups", N_("Open follow-ups"), "int"),
    Column("overdue_followups", N_("Overdue follow-ups"), "int"),
    Column("calls", N_("Calls"), "int"),
    Column("visits", N_("Visits"), "int"),
    Column("planned_contacts", N_("Contacts planned"), "int"),
    Column("planned_made", N_("Planned contacts made"), "int"),
    Column("contact_plan_pct", N_("Of contact plan (%)"), "number", 1),
    Column("redemptions", N_("Redemptions"), "int"),
)
MACHINE_COLUMNS = [
    "account_manager", "customers", "active", "churning", "lost", "never", "tier_a", "tier_b",
    "tier_c", "tier_d", "revenue", "revenue_prev", "growth_pct", "target", "attainment_pct",
    "money_at_risk", "open_alerts", "open_followups", "overdue_followups", "calls", "visits",
    "redemptions", "planned_contacts", "planned_made", "contact_plan_pct", "segments",
]
_ROUND = {"revenue": 2, "revenue_prev": 2, "growth_pct": 2, "target": 2, "attainment_pct": 2,
          "money_at_risk": 2, "contact_plan_pct": 2}

FOLLOWUP_COLUMNS = (
    Column("due_date", N_("Due"), "date"),
    Column("customer_code", N_("Code")),
    Column("customer_name", N_("Customer")),
    Column("account_manager", N_("Account manager")),
    Column("kind", N_("Kind"), words=FOLLOWUP_KIND_NAMES),
    Column("note", N_("Note")),
    Column("state", N_("State"), words=FOLLOWUP_STATE_NAMES),
    Column("overdue", N_("Overdue"), "bool"),
    Column("snoozes", N_("Snoozed"), "int"),
    Column("done_on", N_("Done on"), "date"),
)


def team_table(rows: pd.DataFrame, name: str) -> Table:
    """The team table (``dashboard.analytics.team.TEAM_COLUMNS``), one row per account
    manager (the row of customers without one has an empty name)."""
    return Table(name=name, columns=TEAM_COLUMNS, rows=rows, sheet=N_("Team"))


def machine_frame(team: pd.DataFrame) -> pd.DataFrame:
    """``MACHINE_COLUMNS`` of a team table, counts as integers, money and ratios rounded."""
    frame = team.reindex(columns=MACHINE_COLUMNS)
    counts = [c for c in MACHINE_COLUMNS
              if c not in ("account_manager", "segments") and c not in _ROUND]
    return frame.assign(
        account_manager=frame["account_manager"].fillna(""),
        segments=frame["segments"].fillna(""),
        **{c: frame[c].astype("float64").round(d) for c, d in _ROUND.items()},
        **{c: frame[c].astype("Int64") for c in counts})


def followups_table(rows: pd.DataFrame, name: str) -> Table:
    """Follow-ups (``dashboard.data.followups.LIST_COLUMNS`` with ``overdue``)."""
    return Table(name=name, columns=FOLLOWUP_COLUMNS, rows=rows, sheet=N_("Follow-ups"))


__all__ = ["FOLLOWUP_COLUMNS", "FOLLOWUP_KIND_NAMES", "FOLLOWUP_STATE_NAMES", "MACHINE_COLUMNS",
           "TEAM_COLUMNS", "followups_table", "machine_frame", "team_table"]
