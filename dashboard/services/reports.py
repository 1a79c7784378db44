"""Printable customer reports (PDF): one customer, or a selection in one file.

``customer_report(runtime, actor, customer, query, language)`` builds the report of one
customer from the portrait service (``dashboard.services.portrait.get_portrait``: the same
figures the page shows, and the same scope check — an unknown customer and one outside the
actor's scope are refused alike, and audited). ``customers_report(...)`` does the same for
every customer of the actor's scope with a status (and/or a list of codes), one section per
customer, in the order of their risk score. Each report is audited as an export with its
customer count.
"""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.data.access import load_customer_ids_in_scope
from dashboard.data.audit import insert_audit
from dashboard.db import session_scope
from dashboard.errors import ValidationError
from dashboard.filters import AnyFilters, Filters
from dashboard.i18n import N_, normalise, translate, use_language
from dashboard.reports.pdf import STATUS_NAMES, ReportContext, customer_pdf
from dashboard.reports.reasons import churn_reasons
from dashboard.reports.team_pdf import team_pdf
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import customer_table, portrait, selections, team
from dashboard.services import filters as filter_service

MAX_CUSTOMERS = 500
STATUSES = ("active", "churning", "lost", "never")
RULES_TEXT = N_("churn horizon {days} days; churning from risk score {churning}, lost from "
                "{lost}; {abc}")
REPORT_TITLE = N_("Customer report")
NO_FILTERS = N_("none")
FILTER_TEXTS = {"status": N_("status {value}"), "type": N_("type {value}"),
                "region": N_("region {value}"), "manager": N_("account manager #{value}")}
ABC_NAMES = {"dynamic": N_("ABC by revenue share"), "fixed": N_("ABC by fixed revenue limits")}


@dataclass(frozen=True)
class PdfReport:
    filename: str
    content: bytes
    customers: int
    seconds: float


def _rules_text(runtime: Runtime, language: str) -> str:
    rules = customer_table.figure_settings(runtime)
    return translate(RULES_TEXT, language, days=rules.horizon_days,
                     churning=f"{rules.risk_churning:g}", lost=f"{rules.risk_lost:g}",
                     abc=translate(ABC_NAMES.get(rules.abc_method, rules.abc_method), language))


def _filters_text(filters: Filters, language: str, status: str | None = None) -> str:
    parts = []
    if status:
        parts.append(translate(FILTER_TEXTS["status"], language, value=translate(
            STATUS_NAMES.get(status, status), language)))
    for key, value in (("type", filters.customer_type), ("region", filters.region),
                       ("manager", filters.rep_id)):
        if value is not None and value != "":
            parts.append(translate(FILTER_TEXTS[key], language, value=value))
    return ", ".join(parts) if parts else translate(NO_FILTERS, language)


def _context(runtime: Runtime, actor: Actor, filters: Filters, language: str,
             status: str | None = None) -> ReportContext:
    return ReportContext(printed_by=actor.username or "system",
                         printed_on=dt.date.today(),
                         filters_text=_filters_text(filters, language, status),
                         rules_text=_rules_text(runtime, language))


def _audit(runtime: Runtime, actor: Actor, object_id: str, detail: dict[str, Any]) -> None:
    with session_scope(runtime.engine, write=True) as session:
        insert_audit(session, actor, "export", object_type="customer",
                     object_id=object_id[:120], detail={"format": "pdf", **detail})


def customer_report(runtime: Runtime, actor: Actor, customer: Any, query: AnyFilters | None,
                    language: str = "en") -> PdfReport:
    """The PDF report of one customer (``AccessDenied``, audited, when the actor may not see
    it)."""
    started = time.perf_counter()
    language = normalise(language)
    with use_language(language):  # the suggestions' reasons in the report's language
        view = portrait.get_portrait(runtime, actor, customer, query)
    content = customer_pdf([view], language, _context(runtime, actor, view.filters, language),
                           font_file=runtime.settings.pdf_font or None)
    code = str(view.record.code)
    _audit(runtime, actor, code, {"customers": 1, "as_of": view.filters.as_of.isoformat(),
                                  "period": view.filters.period, "language": language})
    return PdfReport(filename=_filename(code, view.filters.as_of),
                     content=content, customers=1, seconds=time.perf_counter() - started)


def select_for_report(runtime: Runtime, actor: Actor, filters: Filters, *,
                      status: str | None = None, codes: Sequence[str] = (),
                      customer_ids: Sequence[int] | None = None,
                      limit: int | None = None) -> list[int]:
    """Ids of the customers in the actor's scope with ``status`` (any when None) and, when
    ``codes`` (or ``customer_ids``) are given, one of those; the highest risk score first,
    then by code."""
    if status is not None and status not in STATUSES:
        raise ValidationError(f"unknown status {status!r}", code="bad_status")
    table = customer_table.customer_table(runtime, filters.as_of, filters.period)
    chosen = table
    if status is not None:
        chosen = chosen.loc[chosen["status"] == status]
    if codes:
        chosen = chosen.loc[chosen["customer_code"].astype(str).isin([str(c) for c in codes])]
    if customer_ids is not None:
        chosen = chosen.loc[chosen["customer_id"].isin([int(c) for c in customer_ids])]
    for column, value in (("customer_type", filters.customer_type),
                          ("region", filters.region)):
        if value is not None and column in chosen.columns:
            chosen = chosen.loc[chosen[column] == value]
    with session_scope(runtime.engine) as session:
        allowed = load_customer_ids_in_scope(session, actor, chosen["customer_id"].tolist())
    chosen = chosen.loc[chosen["customer_id"].isin(allowed)]
    order = chosen.assign(_risk=pd.to_numeric(chosen["risk_score"], errors="coerce")
                          .fillna(-1.0)).sort_values(["_risk", "customer_code"],
                                                     ascending=[False, True], kind="stable")
    ids = [int(c) for c in order["customer_id"]]
    cap = MAX_CUSTOMERS if limit is None else max(0, min(int(limit), MAX_CUSTOMERS))
    return ids[:cap]


def _filename(code: Any, as_of: dt.date) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in str(code))[:60]
    return f"customer-{safe}-{as_of.isoformat()}.pdf"


def _zip(files: Sequence[tuple[str, bytes]]) -> bytes:
    """One zip of ``files`` (name, bytes); a name met again gets its number before ``.pdf``."""
    buffer, seen = io.BytesIO(), set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            unique, number = name, 1
            while unique in seen:
                number += 1
                unique = name.removesuffix(".pdf") + f"-{number}.pdf"
            seen.add(unique)
            archive.writestr(unique, content)
    return buffer.getvalue()


def customers_report(runtime: Runtime, actor: Actor, query: AnyFilters | None, *,
                     status: str | None = None, codes: Sequence[str] = (),
                     limit: int | None = None, language: str = "en",
                     as_zip: bool = False, selection: str | None = None) -> PdfReport:
    """One PDF with a section per customer of :func:`select_for_report` (at most
    ``MAX_CUSTOMERS``) or, ``as_zip``, a zip of one PDF per customer (named like the
    single report); audited with the count and the format. ``selection`` is the token of
    the actor's selection on the customer list (``services.selections``: another user's is
    refused, an expired one is ``NotFound``); more than ``MAX_CUSTOMERS`` is refused."""
    started = time.perf_counter()
    language = normalise(language)
    choices = filter_service.get_filter_choices(runtime, actor)
    filters = filter_service.resolve_filters(runtime, actor, query, choices)
    picked = None
    if selection is not None:
        picked = selections.get_selection(runtime, actor, selection).customer_ids
        if len(picked) > MAX_CUSTOMERS:
            raise ValidationError("selection too large for a report",
                                  code="selection_too_large", maximum=MAX_CUSTOMERS)
    ids = select_for_report(runtime, actor, filters, status=status, codes=codes,
                            customer_ids=picked, limit=limit)
    with use_language(language):  # the suggestions' reasons in the report's language
        views = portrait.get_portraits(runtime, actor, ids, filters)
    table = customer_table.customer_table(runtime, filters.as_of, filters.period)
    chosen = table.loc[table["customer_id"].isin(ids)]
    reasons = dict(zip(chosen["customer_id"].astype(int), churn_reasons(chosen, language),
                       strict=True))
    context = _context(runtime, actor, filters, language, status)
    font = runtime.settings.pdf_font or None
    name = f"customers-{status or 'selection'}-{filters.as_of}"
    if as_zip:
        content = _zip([(_filename(view.record.code, filters.as_of),
                         customer_pdf([view], language, context, reasons=reasons,
                                      font_file=font)) for view in views])
    else:
        content = customer_pdf(views, language, context,
                               title=translate(REPORT_TITLE, language), reasons=reasons,
                               font_file=font)
    _audit(runtime, actor, status or "selection",
           {"customers": len(ids), "as_of": filters.as_of.isoformat(),
            "period": filters.period, "status": status, "language": language,
            **({"format": "zip"} if as_zip else {})})
    return PdfReport(filename=name + (".zip" if as_zip else ".pdf"), content=content,
                     customers=len(ids), seconds=time.perf_counter() - started)


__all__ = ["MAX_CUSTOMERS", "STATUSES", "PdfReport", "customer_report", "team_report",
           "customers_report", "select_for_report"]


def team_report(runtime: Runtime, actor: Actor, query: AnyFilters | None,
                language: str = "en") -> PdfReport:
    """The Team page's table as a PDF for ``actor`` (scoped like the page). Audited."""
    started = time.perf_counter()
    language = normalise(language)
    page = team.get_team_page(runtime, actor, query)
    content = team_pdf(page, language, _context(runtime, actor, page.filters, language),
                       font_file=runtime.settings.pdf_font or None)
    with session_scope(runtime.engine, write=True) as session:
        insert_audit(session, actor, "export", object_type="team", detail={
            "format": "pdf", "account_managers": len(page.team),
            "as_of": page.filters.as_of.isoformat(), "period": page.filters.period,
            "language": language})
    return PdfReport(filename=f"team-{page.filters.as_of.isoformat()}.pdf", content=content,
                     customers=int(page.totals.get("customers") or 0),
                     seconds=time.perf_counter() - started)
