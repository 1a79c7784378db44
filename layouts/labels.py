"""The words the pages show for the product's fixed values (statuses, tiers, movements,
periods, customer types, KPIs), translated into the current language on use."""

from __future__ import annotations

from dashboard.analytics.kinds import CUSTOMER_TYPES
from dashboard.i18n import N_, _

STATUS_NAMES = {
    "active": N_("Active"),
    "churning": N_("Churning"),
    "lost": N_("Lost"),
    "never": N_("Never traded"),
    "new": N_("New this period"),
    "once": N_("One-time buyers"),
}
STATUS_HINTS = {
    "active": N_("Buying at their usual pace"),
    "churning": N_("Overdue: two to four usual gaps without an order"),
    "lost": N_("More than four usual gaps, or a year, without an order"),
    "never": N_("In the customer list, but no order yet"),
    "new": N_("First order ever in this period"),
    "once": N_("Exactly one purchase so far"),
}
MOVE_NAMES = {
    "up": N_("Moved up"),
    "down": N_("Moved down"),
    "same": N_("Same tier"),
    "new": N_("New (no tier before)"),
}
PERIOD_NAMES = {
    "30d": N_("Last 30 days"),
    "90d": N_("Last 90 days"),
    "365d": N_("Last 365 days"),
    "month": N_("This month to date"),
    "quarter": N_("This quarter to date"),
    "year": N_("This year to date"),
}
CUSTOMER_TYPE_NAMES = {code: kind.label for code, kind in CUSTOMER_TYPES.items()}
KPI_NAMES = {
    "revenue": N_("Revenue"),
    "gross_margin": N_("Gross margin"),
    "orders": N_("Orders"),
    "active": N_("Active customers"),
    "new": N_("New customers"),
    "churning": N_("Churning"),
    "lost": N_("Lost"),
    "never": N_("Never traded"),
}
ROLE_NAMES = {"owner": N_("Owner"), "manager": N_("Sales manager"), "rep": N_("Sales rep"),
              "customer": N_("Customer")}


def status_name(status: str) -> str:
    return _(STATUS_NAMES.get(status, status))


def tier_name(tier: str) -> str:
    return _("Tier {tier}", tier=tier)


def move_name(move: str) -> str:
    return _(MOVE_NAMES.get(move, move))


def period_name(period: str) -> str:
    return _(PERIOD_NAMES.get(period, period))


def customer_type_name(customer_type: str) -> str:
    return _(CUSTOMER_TYPE_NAMES[customer_type]) if customer_type in CUSTOMER_TYPE_NAMES \
        else customer_type


def kpi_name(kpi: str) -> str:
    return _(KPI_NAMES.get(kpi, kpi))


def role_name(role: str) -> str:
    return _(ROLE_NAMES.get(role, role))
