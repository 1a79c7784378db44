"""Customer sales targets (SPEC.md "Actions"; seed 001): actual vs target over 12 months,
targets entered one month at a time or imported from a file, and a CSV report.

Everyone sees the targets of the customers they may see; owners and managers set and import
them (for customers inside their scope only: one row outside it refuses the whole import,
audited). Targets feed no other figure, so changing one leaves the data version (and every
cached figure) as it is; the monthly revenue they are compared with is cached per data
version.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboard.analytics import targets as figures_of
from dashboard.analytics.periods import as_date
from dashboard.cache import cache_key
from dashboard.data import targets as data
from dashboard.data.audit import insert_audit
from dashboard.data.snapshot import current_days
from dashboard.db import current_identity, session_scope
from dashboard.errors import ValidationError
from dashboard.filters import AnyFilters, Filters
from dashboard.i18n import _
from dashboard.ingest import (
    ImportOptions,
    ImportReport,
    RowError,
    max_upload_bytes,
    parse_upload,
    run_import,
)
from dashboard.reports.csv import write_csv
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import customer_table
from dashboard.services import filters as filter_service
from dashboard.services.access import authorise_customer, customer_key, require_role
from dashboard.services.audit import deny
from dashboard.services.imports import import_file

EDITORS = ("owner", "manager")
UNKNOWN = "unknown customer (import the customer first)"  # the importer's own words
MAX_TARGET = 1e12
REPORT_COLUMNS = ["customer_code", "customer_name", "account_manager", "month", "target",
                  "actual", "pct_of_target", "met", "month_to_date"]


@dataclass(frozen=True)
class TargetsPage:
    filters: Filters
    today: dt.date
    default_period: str
    months: list[dt.date]
    summary: pd.DataFrame  # analytics SUMMARY_COLUMNS + customer_code, customer_name, manager
    monthly: pd.DataFrame  # analytics MONTHLY_COLUMNS (the customers of ``summary``)
    totals: dict[str, Any]
    can_edit: bool
    currency: str


def monthly_actuals(runtime: Runtime, as_of: dt.date) -> pd.DataFrame:
    """Revenue per customer per calendar month of the 12-month window (cached)."""
    identity = current_identity(runtime.engine)
    key = cache_key("monthly-actuals", *identity, as_of.isoformat(), figures_of.MONTHS)

    def compute() -> pd.DataFrame:
        days = current_days(runtime.engine, runtime.snapshot_dir, runtime.days)
        return figures_of.monthly_actuals(days, as_of)

    return runtime.cache.get_or_compute(key, compute)


def _report(runtime: Runtime, table: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    months = figures_of.window(as_of)
    with session_scope(runtime.engine) as session:
        targets = data.load_targets(session, months[0], months[-1],
                                    table["customer_id"].to_numpy())
    return figures_of.monthly_report(monthly_actuals(runtime, as_of), targets, as_of)


def _labelled(frame: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    names = table[["customer_id", "customer_code", "customer_name", "account_manager"]]
    return frame.merge(names, on="customer_id", how="left")


def get_targets_page(runtime: Runtime, actor: Actor,
                     query: AnyFilters | None) -> TargetsPage:
    """Actual vs target of the customers ``actor`` may see under the page filters."""
    choices = filter_service.get_filter_choices(runtime, actor)
    filters = filter_service.resolve_filters(runtime, actor, query, choices)
    table = customer_table.scoped_table(runtime, actor, filters)
    monthly = _report(runtime, table, filters.as_of)
    per_customer = figures_of.summary(monthly)
    summary = _labelled(per_customer, table).sort_values(
        ["pct", "customer_code"], kind="stable", na_position="last").reset_index(drop=True)
    return TargetsPage(filters=filters, today=choices.today,
                       default_period=choices.default_period,
                       months=figures_of.window(filters.as_of), summary=summary,
                       monthly=monthly, totals=figures_of.totals(monthly, per_customer),
                       can_edit=actor.role in EDITORS,
                       currency=str(runtime.settings.currency or "CNY"))


def get_customer_targets(runtime: Runtime, actor: Actor, customer: Any,
                         as_of: dt.date | AnyFilters | None) -> pd.DataFrame:
    """One customer's 12 months (``MONTHLY_COLUMNS``), months without a target included;
    ``as_of`` is a date or the page's filter query (resolved like the page's)."""
    if not isinstance(as_of, dt.date):
        as_of = filter_service.resolve_filters(runtime, actor, as_of).as_of
    months = figures_of.window(as_of)
    with session_scope(runtime.engine) as session:
        cid = authorise_customer(session, actor, customer_key(customer))
        targets = data.load_targets(session, months[0], months[-1], [cid])
    if targets.empty:  # the report lists customers with a target: add an empty month
        targets = pd.DataFrame({"customer_id": [cid], "month": [pd.Timestamp(months[0])],
                                "amount": [np.nan]})
    actuals = monthly_actuals(runtime, as_of)
    return figures_of.monthly_report(actuals.loc[actuals["customer_id"] == cid], targets,
                                     as_of)


def _month(value: Any) -> dt.date:
    try:
        day = as_date(value)
    except ValueError:
        raise ValidationError("bad month", details=[_("Choose a month.")]) from None
    return day.replace(day=1)


def _amount(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = float(str(value).replace(",", "").strip())
    except ValueError:
        amount = math.nan
    if not math.isfinite(amount) or not 0 <= amount <= MAX_TARGET:
        raise ValidationError("bad target", details=[
            _("A target is an amount of 0 or more (leave it empty to remove the target).")])
    return round(amount, 2)


def set_target(runtime: Runtime, actor: Actor, customer: Any, month: Any,
               amount: Any) -> float | None:
    """Set (or, with an empty amount, remove) one month's target of a customer. Audited."""
    day, value = _month(month), _amount(amount)
    with session_scope(runtime.engine, write=True) as session:
        require_role(session, actor, *EDITORS, object_type="target")
        cid = authorise_customer(session, actor, customer_key(customer))
        before = data.get_target(session, cid, day)
        data.set_target(session, cid, day, value)
        insert_audit(session, actor, "target.set", object_type="customer", object_id=cid,
                     detail={"month": day.isoformat(), "before": before, "after": value})
    return value


def search_customers(runtime: Runtime, actor: Actor, text: str) -> list[tuple[int, str]]:
    """Up to 20 customers in scope whose code or name contains ``text``: (id, label)."""
    with session_scope(runtime.engine) as session:
        found = data.search_customers(session, actor, str(text or "").strip()[:60])
    return [(int(r.customer_id), f"{r.code} · {r.name}") for r in found.itertuples()]


def customer_option(runtime: Runtime, actor: Actor, customer: Any) -> tuple[int, str]:
    """(id, "code · name") of one customer the actor may see (refused otherwise)."""
    with session_scope(runtime.engine) as session:
        cid = authorise_customer(session, actor, customer_key(customer))
        found = data.load_customer_labels(session, [cid])
    row = found.iloc[0]
    return cid, f"{row['code']} · {row['name']}"


# --- import and report ----------------------------------------------------------------------


def _scope_errors(runtime: Runtime, actor: Actor, upload: bytes,
                  filename: str) -> list[RowError]:
    """Rows whose customer the actor may not see, in the importer's words for an unknown
    customer (nobody learns which customers exist elsewhere)."""
    checked = parse_upload(upload, filename, "targets",
                           max_bytes=max_upload_bytes(runtime.settings))
    rows = checked.frame[["row", "customer"]]
    with session_scope(runtime.engine) as session:
        allowed = data.load_codes_in_scope(session, actor, rows["customer"].tolist())
    outside = rows.loc[(rows["customer"] != "") & ~rows["customer"].isin(list(allowed))]
    column = checked.columns.names.get("customer", "customer")
    return [RowError(int(r.row), column, str(r.customer), UNKNOWN)
            for r in outside.itertuples()]


def _merge_errors(report: ImportReport, extra: list[RowError]) -> ImportReport:
    seen = {(e.row, e.column) for e in report.errors}
    report.errors = sorted([*report.errors, *(e for e in extra if (e.row, e.column)
                                              not in seen)], key=lambda e: (e.row, e.column))
    report.rows_rejected = len({e.row for e in report.errors})
    report.rows_accepted = report.rows_read - report.rows_rejected
    return report


def preview_import(runtime: Runtime, actor: Actor, upload: bytes,
                   filename: str) -> ImportReport:
    """Check a targets file without writing: counts and row-numbered problems."""
    with session_scope(runtime.engine) as session:
        require_role(session, actor, *EDITORS, object_type="target")
    report = run_import(runtime.engine, "targets", upload, filename=filename,
                        options=ImportOptions(dry_run=True), actor=actor)
    if actor.scope_kind == "all":
        return report
    return _merge_errors(report, _scope_errors(runtime, actor, upload, filename))


def import_targets(runtime: Runtime, actor: Actor, upload: bytes, filename: str, *,
                   skip_bad: bool = False) -> ImportReport:
    """Import a targets file (strict unless ``skip_bad``, which leaves out rows with a bad
    month or amount); audited by the importer. For a manager, one row whose customer is
    unknown or outside the team refuses the whole file (both alike, so nobody learns which
    customers exist elsewhere; audited)."""
    outside = [] if actor.scope_kind == "all" else _scope_errors(runtime, actor, upload,
                                                                  filename)
    with session_scope(runtime.engine) as session:
        require_role(session, actor, *EDITORS, object_type="target")
        if outside:
            refusal = deny(session, actor, object_type="target", object_id=filename[:120],
                           reason=f"{len(outside)} row(s) outside scope {actor.scope_key}",
                           code="customer_denied",
                           detail={"rows": [e.row for e in outside[:50]]})
            refusal.details = [_("Rows {rows}: remove them and import again.",
                                 rows=", ".join(str(e.row) for e in outside[:20]))]
            raise refusal
    return import_file(runtime, "targets", upload, filename=filename,
                       options=ImportOptions(skip_bad=skip_bad), actor=actor).report


def report_frame(page: TargetsPage) -> pd.DataFrame:
    """The CSV report: one row per customer and month of the window."""
    monthly = _labelled(page.monthly, page.summary[["customer_id", "customer_code",
                                                    "customer_name", "account_manager"]])
    return monthly.assign(
        month=monthly["month"].dt.strftime("%Y-%m"), pct_of_target=monthly["pct"].round(1),
        month_to_date=monthly["to_date"]).sort_values(
        ["customer_code", "month"], kind="stable")[REPORT_COLUMNS]


def targets_csv(runtime: Runtime, actor: Actor,
                query: AnyFilters | None) -> tuple[str, str]:
    """(file name, CSV text) of the report for the page filters; safe against spreadsheet
    formulas; audited."""
    page = get_targets_page(runtime, actor, query)
    frame = report_frame(page)
    buffer = io.StringIO()
    write_csv(frame, buffer)
    with session_scope(runtime.engine, write=True) as session:
        insert_audit(session, actor, "export", object_type="targets",
                     detail={"rows": len(frame), "as_of": page.filters.as_of.isoformat()})
    return f"targets-{page.filters.as_of.isoformat()}.csv", buffer.getvalue()


__all__ = ["REPORT_COLUMNS", "TargetsPage", "customer_option",
           "get_customer_targets", "get_targets_page",
           "import_targets", "monthly_actuals", "preview_import", "report_frame",
           "search_customers", "set_target", "targets_csv"]
