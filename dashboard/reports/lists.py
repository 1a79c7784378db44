"""The pages' tables as files people open (``dashboard.reports.tables``): the customer list,
the customer report (seed 001: the list with each customer's band in every active scheme and
their rule segments) and the alerts. Each builder takes the rows the page's own service call
returned and says how to show them; it never reads anything itself."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pandas as pd

from dashboard.i18n import N_
from dashboard.reports.campaigns import OUTCOME_NAMES
from dashboard.reports.reasons import churn_reasons
from dashboard.reports.tables import Column, Table
from dashboard.reports.words import (
    ACTION_NAMES,
    ALERT_STATUS_NAMES,
    CHANNEL_NAMES,
    CUSTOMER_TYPE_NAMES,
    MOVE_NAMES,
    ROLE_NAMES,
    STATUS_NAMES,
    USER_STATES,
)

CUSTOMER_COLUMNS = (
    Column("customer_code", N_("Code")),
    Column("customer_name", N_("Customer")),
    Column("customer_type", N_("Type"), words=CUSTOMER_TYPE_NAMES),
    Column("region", N_("Region")),
    Column("account_manager", N_("Account manager")),
    Column("phone", N_("Phone")),
    Column("email", N_("E-mail")),
    Column("status", N_("Status"), words=STATUS_NAMES),
    Column("is_new", N_("New this period"), "bool"),
    Column("abc_tier", N_("Tier")),
    Column("abc_tier_prev", N_("Prev. tier")),
    Column("tier_move", N_("Tier movement"), words=MOVE_NAMES),
    Column("action", N_("Suggested action"), words=ACTION_NAMES),
    Column("revenue", N_("Revenue"), "number", 2),
    Column("revenue_prev", N_("Revenue, previous period"), "number", 2),
    Column("growth_pct", N_("Growth (%)"), "number", 2),
    Column("orders", N_("Orders"), "int"),
    Column("orders_prev", N_("Orders, previous period"), "int"),
    Column("gross_margin", N_("Gross margin"), "number", 2),
    Column("margin_pct", N_("Margin (%)"), "number", 2),
    Column("avg_order_value", N_("Average order value"), "number", 2),
    Column("first_order_date", N_("First order"), "date"),
    Column("last_order_date", N_("Last order"), "date"),
    Column("days_since_last_order", N_("Days since last order"), "int"),
    Column("mean_gap_days", N_("Usual gap (days)"), "number", 1),
    Column("risk_score", N_("Risk"), "number", 2),
    Column("churn_pct", N_("Churn probability (%)"), "number", 1),
    Column("money_at_risk", N_("Money at risk"), "number", 2),
    Column("expected_orders_next_90d", N_("Expected orders, next 90 days"), "number", 1),
    Column("expected_value_next_90d", N_("Expected value, next 90 days"), "number", 2),
    Column("potential", N_("Potential"), "number", 2),
    Column("headroom", N_("Headroom"), "number", 2),
    Column("receivable", N_("Receivable"), "number", 2),
    Column("overdue", N_("Overdue"), "number", 2),
    Column("last_visit", N_("Last visit"), "date"),
    Column("last_call", N_("Last call"), "date"),
    Column("last_coupon", N_("Last coupon"), "date"),
    Column("reason", N_("Reason"), derive=churn_reasons),
)
SEGMENTS = Column("segments", N_("Rule segments"))
ALERT_COLUMNS = (
    Column("created_at", N_("Raised"), "datetime"),
    Column("status", N_("Alert status"), words=ALERT_STATUS_NAMES),
    Column("customer_code", N_("Code")),
    Column("customer_name", N_("Customer")),
    Column("account_manager", N_("Account manager")),
    Column("rule_name", N_("Rule")),
    Column("value", N_("Value when raised"), "number", 2),
    Column("threshold", N_("Threshold"), "number", 2),
    Column("closed_at", N_("Handled on"), "datetime"),
)
RECIPIENT_COLUMNS = (
    Column("code", N_("Code")),
    Column("name", N_("Customer")),
    Column("channel", N_("Channel"), words=CHANNEL_NAMES),
    Column("address", N_("Sent to")),
    Column("status", N_("Outcome"), words=OUTCOME_NAMES),
    Column("is_holdout", N_("Held out for comparison"), "bool"),
    Column("coupon_code", N_("Coupon code")),
    Column("expires_on", N_("Expires on"), "date"),
    Column("queued_at", N_("Queued"), "datetime"),
    Column("sent_at", N_("Sent"), "datetime"),
    Column("attempts", N_("Attempts"), "int"),
    Column("last_error", N_("What happened")),
    Column("redeemed_at", N_("Redeemed"), "date"),
    Column("redeemed_amount", N_("Order amount"), "number", 2),
    Column("message", N_("Message")),
)
CAMPAIGN_COLUMNS = (  # the campaign list's columns (layouts/campaign_list_parts.py)
    Column("name", N_("Campaign")),
    Column("created_by", N_("Created by")),
    Column("channel", N_("Channel"), words=CHANNEL_NAMES),
    Column("queued_at", N_("Date"), "datetime"),
    Column("recipients", N_("Recipients"), "int"),
    Column("sent", N_("Sent"), "int"),
    Column("failed", N_("Failed"), "int"),
    Column("unknown", N_("Unknown"), "int"),
    Column("holdout", N_("Held out"), "int"),
    Column("unreachable", N_("Cannot be reached"), "int"),
    Column("redeemed", N_("Redeemed"), "int"),
    Column("redeemed_revenue", N_("Revenue from redemptions"), "number", 2),
)
USER_COLUMNS = (
    Column("username", N_("User")),
    Column("display_name", N_("Name")),
    Column("role", N_("Role"), words=ROLE_NAMES),
    Column("team", N_("Team")),
    Column("rep", N_("Account manager")),
    Column("is_active", N_("State"), "bool", words=USER_STATES),
    Column("created_at", N_("Created (UTC)"), "datetime"),
    Column("last_login_at", N_("Last sign-in (UTC)"), "datetime"),
    Column("sessions", N_("Open sessions"), "int"),
)
TARGET_COLUMNS = (
    Column("customer_code", N_("Code")),
    Column("customer_name", N_("Customer")),
    Column("account_manager", N_("Account manager")),
    Column("month", N_("Month")),
    Column("target", N_("Target"), "number", 2),
    Column("actual", N_("Actual"), "number", 2),
    Column("pct_of_target", N_("Share of target (%)"), "number", 1),
    Column("met", N_("Target met"), "bool"),
    Column("month_to_date", N_("Month to date"), "bool"),
)
AUDIT_OUTCOMES = {"ok": N_("done"), "denied": N_("refused"), "failed": N_("failed")}


def _audit_detail(rows: pd.DataFrame, _language: str) -> pd.Series:
    return rows["detail"].map(lambda v: "" if v is None else json.dumps(
        v, ensure_ascii=False, default=str, sort_keys=True))


def customer_list_table(rows: pd.DataFrame, name: str) -> Table:
    """The customer list (rows of ``dashboard.services.customers.rows_at``); the reason is
    worded in the language the file is written in."""
    return Table(name=name, columns=CUSTOMER_COLUMNS, rows=rows, sheet=N_("Customers"))


def customer_report_table(rows: pd.DataFrame, name: str,
                          schemes: Mapping[int, str], bands: pd.DataFrame,
                          segments: pd.Series) -> Table:
    """The customer report: the list's columns, then one column per active scheme (titled
    with the scheme's own title) holding the customer's band, then the rule segments.

    ``schemes`` maps scheme id → title (in the page's order); ``bands`` has ``scheme``,
    ``customer_id`` and ``label``; ``segments`` maps customer id → "segment; segment"."""
    frame = rows
    ids = frame["customer_id"].to_numpy()
    extra: dict[str, pd.Series] = {}
    scheme_columns = []
    for scheme_id, title in schemes.items():
        key = f"scheme_{scheme_id}"
        labels = bands.loc[bands["scheme"] == scheme_id].set_index("customer_id")["label"]
        extra[key] = pd.Series(labels.reindex(ids).to_numpy(), index=frame.index,
                               dtype=object)
        scheme_columns.append(Column(key, title, literal=True))
    extra["segments"] = pd.Series(segments.reindex(ids).to_numpy(), index=frame.index,
                                  dtype=object)
    return Table(name=name, columns=(*CUSTOMER_COLUMNS, *scheme_columns, SEGMENTS),
                 rows=frame.assign(**extra), sheet=N_("Customers"))


def alert_list_table(rows: pd.DataFrame, name: str) -> Table:
    """Alerts (``dashboard.data.alerts.LIST_COLUMNS``), newest first."""
    return Table(name=name, columns=ALERT_COLUMNS, rows=rows, sheet=N_("Alerts"))


def recipients_table(rows: pd.DataFrame, name: str) -> Table:
    """A campaign's recipients (``dashboard.data.campaigns.OUTBOX_COLUMNS``), outbox order."""
    return Table(name=name, columns=RECIPIENT_COLUMNS, rows=rows, sheet=N_("Recipients"))


def campaigns_table(rows: pd.DataFrame, name: str) -> Table:
    """The campaign list (``dashboard.services.campaign_pages.LIST_COLUMNS``), newest first."""
    return Table(name=name, columns=CAMPAIGN_COLUMNS, rows=rows, sheet=N_("Campaigns"))


def users_table(rows: pd.DataFrame, name: str) -> Table:
    """The users of the Team page (``dashboard.data.users.load_users``), by user name."""
    return Table(name=name, columns=USER_COLUMNS, rows=rows, sheet=N_("Team"))


def targets_table(rows: pd.DataFrame, name: str) -> Table:
    """The targets report (``dashboard.services.targets.report_frame``): one row per
    customer and month of the window."""
    return Table(name=name, columns=TARGET_COLUMNS, rows=rows, sheet=N_("Sales targets"))


def audit_table(rows: pd.DataFrame, name: str, actions: Mapping[str, str],
                objects: Mapping[str, str]) -> Table:
    """Audit entries (``dashboard.data.audit.AUDIT_COLUMNS``), newest first; ``actions`` and
    ``objects`` are the audit page's words for the stored keys (message ids)."""
    columns = (
        Column("at", N_("Time (UTC)"), "datetime"),
        Column("username", N_("User")),
        Column("action", N_("Action"), words=actions),
        Column("object_type", N_("Object"), words=objects),
        Column("object_id", N_("Object id")),
        Column("outcome", N_("Outcome"), words=AUDIT_OUTCOMES),
        Column("ip", N_("Address")),
        Column("request_id", N_("Request")),
        Column("detail", N_("Detail"), derive=_audit_detail),
    )
    return Table(name=name, columns=columns, rows=rows, sheet=N_("Audit log"))


__all__ = ["ALERT_COLUMNS", "CAMPAIGN_COLUMNS", "CUSTOMER_COLUMNS", "RECIPIENT_COLUMNS", "TARGET_COLUMNS",
           "USER_COLUMNS",
           "alert_list_table", "audit_table", "campaigns_table", "customer_list_table", "customer_report_table",
           "recipients_table", "targets_table", "users_table"]
