"""The customer list's grid: its columns (the ERP's list: region, account manager, contact,
current and previous tier, orders, revenue, growth, receivables, overdue, last order, last
visit, last coupon; plus risk, churn probability and the reason) and the rows of one page,
formatted in the reader's language.

Rows are fetched page by page from the server (AG Grid's infinite row model): sorting,
filtering and the quick search happen in ``dashboard.services.customers``; a column's
``field`` is the service's column name, so the grid's sort and filter models name them
directly. Numbers, money and dates arrive formatted as text; the sort is the server's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any
from urllib.parse import quote

import dash_ag_grid as dag
import pandas as pd

from dashboard.filters import customer_path
from dashboard.i18n import (
    DASH,
    N_,
    _,
    format_date,
    format_money,
    format_number,
    format_percent,
)
from dashboard.reports.reasons import churn_reasons
from layouts import ids
from layouts.labels import customer_type_name, move_name, status_name

SEARCH_FIELD = "q"  # the hidden column whose filter carries the quick search
PAGE_SIZE = 100
ACTION_NAMES = {
    "keep": N_("Keep and protect"),
    "grow": N_("Raise repeat rate and basket to reach A"),
    "promote": N_("Promote"),
    "call": N_("Phone call with an incentive"),
    "visit": N_("Visit in person now"),
}
TEXT_FILTER = {"filterOptions": ["contains", "notContains", "equals", "notEqual",
                                 "startsWith", "endsWith", "blank", "notBlank"],
               "maxNumConditions": 2, "debounceMs": 600, "trimInput": True}
NUMBER_FILTER = {"filterOptions": ["equals", "notEqual", "greaterThan", "greaterThanOrEqual",
                                   "lessThan", "lessThanOrEqual", "inRange", "blank",
                                   "notBlank"],
                 "inRangeInclusive": True, "maxNumConditions": 2, "debounceMs": 600}
DATE_FILTER = {"filterOptions": ["equals", "notEqual", "greaterThan", "lessThan", "inRange",
                                 "blank", "notBlank"],
               "inRangeInclusive": True, "maxNumConditions": 2, "browserDatePicker": True}
FILTERS = {"text": ("agTextColumnFilter", TEXT_FILTER),
           "number": ("agNumberColumnFilter", NUMBER_FILTER),
           "date": ("agDateColumnFilter", DATE_FILTER)}
RIGHT = {"money", "int", "pct", "number1", "churn"}
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class Column:
    field: str
    label: str  # marked with N_, translated when the grid is built
    fmt: str
    width: int
    shown: bool = True
    filter: str | None = None  # text | number | date


COLUMNS = (
    Column("customer_name", N_("Customer"), "name", 230, filter="text"),
    Column("abc_tier", N_("Tier"), "tier", 66),
    Column("abc_tier_prev", N_("Prev. tier"), "tier", 100),
    Column("status", N_("Status"), "status", 150),
    Column("revenue", N_("Revenue"), "money", 140, filter="number"),
    Column("growth_pct", N_("Growth"), "pct", 125, filter="number"),
    Column("orders", N_("Orders"), "int", 108, filter="number"),
    Column("last_order_date", N_("Last order"), "date", 135, filter="date"),
    Column("risk_score", N_("Risk"), "number1", 92, filter="number"),
    Column("churn_pct", N_("Churn probability"), "churn", 165, filter="number"),
    Column("money_at_risk", N_("Money at risk"), "money", 140, filter="number"),
    Column("receivable", N_("Receivable"), "money", 140, filter="number"),
    Column("overdue", N_("Overdue"), "money", 130, filter="number"),
    Column("last_visit", N_("Last visit"), "date", 135, filter="date"),
    Column("last_coupon", N_("Last coupon"), "date", 145, filter="date"),
    Column("account_manager", N_("Account manager"), "text", 140, filter="text"),
    Column("region", N_("Region"), "text", 125, filter="text"),
    Column("contact", N_("Contact"), "contact", 250, filter="text"),
    Column("customer_code", N_("Code"), "text", 105, filter="text"),
    Column("customer_type", N_("Type"), "type", 110),
    Column("reason", N_("Reason"), "reason", 330),
    Column("suggest", N_("Suggest"), "text", 220, filter="text"),
    Column("revenue_prev", N_("Revenue, previous period"), "money", 135, False, "number"),
    Column("orders_prev", N_("Orders, previous period"), "int", 120, False, "number"),
    Column("gross_margin", N_("Gross margin"), "money", 125, False, "number"),
    Column("margin_pct", N_("Margin"), "pct0", 90, False, "number"),
    Column("avg_order_value", N_("Average order value"), "money", 130, False, "number"),
    Column("first_order_date", N_("First order"), "date", 125, False, "date"),
    Column("days_since_last_order", N_("Days since last order"), "int", 120, False,
           "number"),
    Column("mean_gap_days", N_("Usual gap (days)"), "number1", 110, False, "number"),
    Column("risk_change_pct", N_("Risk change"), "pct", 105, False, "number"),
    Column("expected_orders_next_90d", N_("Expected orders, next 90 days"), "number1", 140,
           False, "number"),
    Column("expected_value_next_90d", N_("Expected value, next 90 days"), "money", 150,
           False, "number"),
    Column("potential", N_("Potential"), "money", 125, False, "number"),
    Column("headroom", N_("Headroom"), "money", 125, False, "number"),
    Column("last_call", N_("Last call"), "date", 125, False, "date"),
    Column("tier_move", N_("Tier movement"), "move", 120, False),
    Column("action", N_("Suggested action"), "action", 230, False),
)
BY_FIELD = {c.field: c for c in COLUMNS}
CHOOSABLE = [c.field for c in COLUMNS if c.field != "customer_name"]
DEFAULT_SHOWN = [c.field for c in COLUMNS if c.shown and c.field != "customer_name"]
SORTABLE_FORMATS = {"reason", "contact"}  # sorted by a neighbour instead: not sortable
LOCALE_TEXT = {
    "contains": N_("Contains"), "notContains": N_("Does not contain"),
    "equals": N_("Equals"), "notEqual": N_("Does not equal"),
    "startsWith": N_("Starts with"), "endsWith": N_("Ends with"), "blank": N_("Blank"),
    "notBlank": N_("Not blank"), "greaterThan": N_("Greater than"),
    "greaterThanOrEqual": N_("Greater than or equal to"), "lessThan": N_("Less than"),
    "lessThanOrEqual": N_("Less than or equal to"), "inRange": N_("Between"),
    "inRangeStart": N_("From"), "inRangeEnd": N_("To"), "andCondition": N_("AND"),
    "orCondition": N_("OR"), "filterOoo": N_("Filter…"), "applyFilter": N_("Apply"),
    "resetFilter": N_("Reset"), "clearFilter": N_("Clear"), "cancelFilter": N_("Cancel"),
    "noRowsToShow": N_("No customers match these filters."), "loadingOoo": N_("Loading…"),
    "before": N_("Before"), "after": N_("After"), "dateFormatOoo": N_("yyyy-mm-dd"),
}


# --- column definitions ----------------------------------------------------------------------


def _definition(column: Column, shown: set[str]) -> dict[str, Any]:
    spec: dict[str, Any] = {"field": column.field, "headerName": _(column.label),
                            "width": column.width, "hide": column.field not in shown
                            and column.field != "customer_name",
                            "sortable": column.fmt not in SORTABLE_FORMATS,
                            "headerTooltip": _(column.label)}
    if column.filter:
        spec["filter"], spec["filterParams"] = FILTERS[column.filter]
    if column.fmt in RIGHT or column.fmt == "pct0":
        spec["type"] = "rightAligned"
    renderer = {"name": "CustomerLink", "contact": "ContactLinks", "tier": "TierBadge",
                "status": "StatusBadge"}.get(column.fmt)
    if renderer:
        spec["cellRenderer"] = renderer
    if column.fmt == "name":
        spec.update(pinned="left", lockPinned=True, lockVisible=True,
                    cellRendererParams={"lastOrderLabel": _("last order")})
    if column.fmt in ("reason", "action"):
        spec["tooltipField"] = column.field
    if column.field == "money_at_risk":  # the order in which to call (SPEC money_at_risk)
        spec["initialSort"] = "desc"
    return spec


def column_defs(shown: list[str] | None = None) -> list[dict[str, Any]]:
    """The grid's columns; ``shown``: the fields the column chooser keeps (default set
    when empty or unknown)."""
    keep = {f for f in (shown or []) if f in BY_FIELD} or set(DEFAULT_SHOWN)
    defs = [_definition(c, keep) for c in COLUMNS]
    defs.append({"field": "actions", "headerName": "", "width": 92, "pinned": "right",
                 "sortable": False, "cellRenderer": "RowActions", "lockPinned": True,
                 "cellRendererParams": {"contactLabel": _("Log a call or visit"),
                                        "commentLabel": _("Add a comment")}})
    defs.append({"field": SEARCH_FIELD, "hide": True, "lockVisible": True, "sortable": False,
                 "filter": "agTextColumnFilter", "suppressColumnsToolPanel": True})
    return defs


def column_options() -> list[dict[str, str]]:
    return [{"label": _(BY_FIELD[f].label), "value": f} for f in CHOOSABLE]


def customer_grid() -> dag.AgGrid:
    return dag.AgGrid(
        id=ids.CUSTOMERS_GRID, rowModelType="infinite", columnDefs=column_defs(),
        defaultColDef={"resizable": True, "sortable": True, "suppressHeaderMenuButton": False},
        getRowId="params.data.row_id",
        dashGridOptions={
            "cacheBlockSize": PAGE_SIZE, "maxConcurrentDatasourceRequests": 1,
            "infiniteInitialRowCount": 1, "maxBlocksInCache": 100,
            "rowSelection": {"mode": "multiRow", "checkboxes": True, "headerCheckbox": False,
                             "enableClickSelection": False},
            "selectionColumnDef": {"pinned": "left", "width": 44},
            "rowHeight": 44, "headerHeight": 36, "tooltipShowDelay": 400,
            "localeText": {k: _(v) for k, v in LOCALE_TEXT.items()},
            "suppressMultiSort": False, "animateRows": False,
        },
        className="ag-theme-alpine customer-grid",
        style={"height": "calc(100vh - 320px)", "minHeight": "440px", "width": "100%"},
    )


# --- rows ------------------------------------------------------------------------------------


def phone_href(phone: Any) -> str | None:
    """``tel:`` link of a phone number (digits and a leading +), or None."""
    if not isinstance(phone, str):
        return None
    digits = re.sub(r"[^\d]", "", phone)
    if not 3 <= len(digits) <= 20:
        return None
    return "tel:" + ("+" if phone.strip().startswith("+") else "") + digits


def email_href(email: Any) -> str | None:
    """``mailto:`` link of a plausible e-mail address, or None."""
    if not isinstance(email, str) or not _EMAIL.match(email.strip()):
        return None
    return "mailto:" + quote(email.strip(), safe="@.+-_")


def portrait_href(code: Any, query: str = "") -> str:
    """The portrait's address for a customer code (``query``: ``?as_of=…&period=…``)."""
    return customer_path(code, query)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value) \
        or value is pd.NaT


class Formats:
    """The page's numbers, money, percentages and dates as ``dashboard.i18n`` writes them,
    fast: Babel gives the symbols and the currency's place once per page, Python writes
    each value (a page has hundreds of cells; Babel takes tens of microseconds a cell)."""

    def __init__(self, currency: str) -> None:
        sample = "1,234,567"
        self.group, self.decimal = format_number(1234)[1], format_number(1.5, 1)[1]
        self.money = format_money(1234567, currency).split(sample)
        self.money_negative = format_money(-1234567, currency).split(sample)
        self.percent = format_percent(12).split("12")
        self.minus = format_percent(-12, signed=True).split(format_percent(12))[0]
        self.dates: dict[Any, str] = {}

    def _digits(self, value: float, digits: int) -> str:
        if digits == 0:
            text = f"{abs(round(value)):,}"
        else:
            exact = Decimal(repr(abs(value))).quantize(Decimal(1).scaleb(-digits),
                                                       ROUND_HALF_EVEN)
            text = f"{exact:,f}"
            text = text.rstrip("0").rstrip(".") if "." in text else text
        return text.replace(",", "\0").replace(".", self.decimal).replace("\0", self.group)

    def number(self, value: Any, digits: int = 0) -> str:
        if _missing(value):
            return DASH
        text = self._digits(float(value), digits)
        return ("-" + text) if float(value) < 0 and text.strip("0.,") else text

    def money_text(self, value: Any) -> str:
        if _missing(value):
            return DASH
        amount = round(float(value))
        head, tail = self.money_negative if amount < 0 else self.money
        return head + self._digits(amount, 0) + tail

    def percent_text(self, value: Any, signed: bool = False) -> str:
        if _missing(value):
            return DASH
        digits = self._digits(float(value), 0)
        text = self.percent[0] + digits + self.percent[1]
        if not signed or digits == "0":
            return ("-" + text) if float(value) < 0 and digits != "0" and not signed else text
        return ("+" if float(value) > 0 else self.minus) + text

    def date(self, value: Any) -> str:
        if _missing(value):
            return ""
        day = pd.Timestamp(value).date()
        if day not in self.dates:
            self.dates[day] = format_date(day)
        return self.dates[day]


def _formatter(fmt: str, formats: Formats) -> Any:
    return {
        "money": formats.money_text,
        "int": formats.number,
        "pct": lambda v: formats.percent_text(v, signed=True),
        "pct0": formats.percent_text,
        "number1": lambda v: formats.number(v, 1),
        "churn": formats.percent_text,
        "date": formats.date,
        "type": lambda v: "" if _missing(v) else customer_type_name(str(v)),
        "move": lambda v: "" if _missing(v) else move_name(str(v)),
        "action": lambda v: "" if _missing(v) else _(ACTION_NAMES.get(str(v), str(v))),
    }.get(fmt)


def _text(values: pd.Series) -> list[str | None]:
    return [None if _missing(v) else str(v) for v in values.astype(object).tolist()]


def badge_list(badges: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    """A customer's band and segment badges as the grid draws them: ``t`` the text, ``h``
    the hover (scheme or rule name), ``c`` the colour (``#rrggbb`` only)."""
    shown = []
    for badge in badges or []:
        colour = str(badge.get("colour") or "")
        shown.append({"t": str(badge.get("label") or ""),
                      "h": str(badge.get("title") or ""),
                      "c": colour if re.fullmatch(r"#[0-9a-fA-F]{6}", colour) else "#6c757d"})
    return shown


def grid_rows(rows: pd.DataFrame, currency: str, link_query: str = "",
              badges: dict[int, list[dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """The rows of one page as the grid shows them (``badges``: per customer id, the band
    and segment badges under the name)."""
    formats = Formats(currency)
    shown: dict[str, list[Any]] = {}
    for column in COLUMNS:
        if column.fmt not in ("contact", "reason", "name", "tier", "status", "text"):
            make = _formatter(column.fmt, formats)
            shown[column.field] = [make(v) for v in rows[column.field].astype(object).tolist()]
    for field in ("customer_name", "customer_code", "region", "account_manager",
                  "abc_tier", "abc_tier_prev", "status", "phone", "email", "suggest"):
        shown[field] = _text(rows[field])
    shown["reason"] = [str(r) for r in churn_reasons(rows).tolist()] if len(rows) else []
    ids = [int(i) for i in rows["customer_id"].tolist()]
    new = [bool(n) for n in rows["is_new"].tolist()]
    new_label = status_name("new")
    records = []
    for i, customer_id in enumerate(ids):
        record = {name: values[i] for name, values in shown.items()}
        status, phone, email = record["status"], record["phone"], record["email"]
        record.update(row_id=str(customer_id), customer_id=customer_id,
                      href=portrait_href(record["customer_code"], link_query),
                      status_label=status_name(status) if status else None,
                      is_new=new[i], new_label=new_label,
                      phone_href=phone_href(phone), email_href=email_href(email),
                      badges=badge_list((badges or {}).get(customer_id)))
        records.append(record)
    return records


__all__ = ["CHOOSABLE", "COLUMNS", "DEFAULT_SHOWN", "PAGE_SIZE", "SEARCH_FIELD",
           "badge_list", "column_defs", "column_options", "customer_grid", "email_href",
           "grid_rows",
           "phone_href", "portrait_href"]
