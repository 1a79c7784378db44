"""Fills the audit log page from ``services.audit`` (owner only, refusals audited)."""

from __future__ import annotations

import datetime as dt

from dash import Input, Output, ctx

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime
from dashboard.errors import ValidationError
from dashboard.i18n import _
from dashboard.services import audit as service
from layouts import ids
from layouts.audit import audit_rows, total_text


@callback(Output(ids.AUDIT_ACTION, "options"), Input(ids.URL, "pathname"))
def update_audit_actions(_pathname: str) -> list[dict[str, str]]:
    actions = service.get_audit_actions(current_runtime(), current_actor())
    return [{"label": a, "value": a} for a in actions]


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError as exc:
        raise ValidationError(_("Not a date: {value}", value=str(value)[:20])) from exc


@callback(
    Output(ids.AUDIT_GRID, "rowData"), Output(ids.AUDIT_TOTAL, "children"),
    Output(ids.AUDIT_PAGER, "max_value"), Output(ids.AUDIT_PAGER, "active_page"),
    Input(ids.AUDIT_PAGER, "active_page"), Input(ids.AUDIT_USERNAME, "value"),
    Input(ids.AUDIT_ACTION, "value"), Input(ids.AUDIT_OUTCOME, "value"),
    Input(ids.AUDIT_DATES, "start_date"), Input(ids.AUDIT_DATES, "end_date"),
    Input(ids.AUDIT_PAGE_SIZE, "value"),
)
def update_audit_rows(page: int | None, username: str | None, action: str | None,
                      outcome: str | None, start: str | None, end: str | None,
                      page_size: int | None) -> tuple:
    page = (page or 1) if ctx.triggered_id in (None, ids.AUDIT_PAGER) else 1
    result = service.get_audit_page(
        current_runtime(), current_actor(), page=page, page_size=int(page_size or 50),
        username=username or "", action=action or "", outcome=outcome or "",
        since=_day(start), until=_day(end))
    total = total_text(result.total, result.page, result.pages)
    return audit_rows(result.rows), total, result.pages, result.page
