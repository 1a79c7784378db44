"""The Targets page: the address → one service call → figures, table and month choices; the
customer picker, the month chart, the hand-entered target, the file import (check, then
import) and the CSV report, each one call to ``dashboard.services.targets``."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from dash import ALL, Input, Output, State, ctx, dcc, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime, error_text
from dashboard.errors import ValidationError
from dashboard.i18n import _, format_money
from dashboard.ingest import ImportValidationError
from dashboard.services import targets as service
from layouts import ids, links
from layouts.targets import (
    headline,
    kpis,
    month_chart,
    month_options,
    note,
    preview,
    summary_table,
    upload_problem,
)

HIDDEN, SHOWN = "d-none", ""


@callback(
    Output(ids.TARGETS_HEADLINE, "children"), Output(ids.TARGETS_KPIS, "children"),
    Output(ids.TARGETS_NOTE, "children"), Output(ids.TARGETS_GRID, "children"),
    Output(ids.TARGETS_MONTH, "options"), Output(ids.TARGETS_MONTH, "value"),
    Output(ids.TARGETS_EDIT_CARD, "className"),
    Output(ids.TARGETS_CUSTOMER, "value", allow_duplicate=True),
    Output(ids.TARGETS_CUSTOMER, "options", allow_duplicate=True),
    Input(ids.TARGETS_QUERY, "data"), Input(ids.TARGETS_REFRESH, "data"),
    State(ids.TARGETS_MONTH, "value"), State(ids.TARGETS_CUSTOMER, "value"),
    prevent_initial_call="initial_duplicate",
)
def update_targets_page(query: dict[str, Any] | None, _refresh: int | None,
                        month: str | None, customer: str | None) -> tuple:
    page = service.get_targets_page(current_runtime(), current_actor(),
                                    links.parse_filters(query))
    months = month_options(page.months)
    chosen = month if month in {m["value"] for m in months} else page.months[-1].isoformat()
    first = no_update, no_update  # the chart starts on the customer furthest behind
    if not customer and len(page.summary):
        top = page.summary.iloc[0]
        first = (f"#{int(top['customer_id'])}",
                 [_option(int(top["customer_id"]),
                          f"{top['customer_code']} · {top['customer_name']}")])
    return (headline(page), kpis(page), note(page), summary_table(page), months, chosen,
            SHOWN if page.can_edit else HIDDEN, *first)


def _option(customer_id: int, label: str) -> dict[str, Any]:
    return {"label": label, "value": f"#{customer_id}"}


@callback(
    Output(ids.TARGETS_CUSTOMER, "options"),
    Input(ids.TARGETS_CUSTOMER, "search_value"),
    State(ids.TARGETS_CUSTOMER, "value"), State(ids.TARGETS_CUSTOMER, "options"),
    prevent_initial_call=True,
)
def search_target_customers(text: str | None, value: str | None,
                            options: list[dict[str, Any]] | None) -> Any:
    if not text:
        return no_update
    found = service.search_customers(current_runtime(), current_actor(), text)
    kept = [o for o in options or [] if o.get("value") == value]
    return kept + [_option(cid, label) for cid, label in found
                   if f"#{cid}" != value]


@callback(
    Output(ids.TARGETS_CUSTOMER, "value"),
    Output(ids.TARGETS_CUSTOMER, "options", allow_duplicate=True),
    Input({"type": ids.TARGETS_PICK, "index": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def pick_target_customer(_clicks: list[int | None]) -> Any:
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return no_update, no_update
    customer_id, label = service.customer_option(current_runtime(), current_actor(),
                                                 int(ctx.triggered_id["index"]))
    return f"#{customer_id}", [_option(customer_id, label)]


@callback(
    Output(ids.TARGETS_CHART, "children"),
    Input(ids.TARGETS_CUSTOMER, "value"), Input(ids.TARGETS_REFRESH, "data"),
    State(ids.TARGETS_QUERY, "data"),
)
def update_target_chart(customer: str | None, _refresh: int | None,
                        query: dict[str, Any] | None) -> Any:
    runtime, actor, filters = current_runtime(), current_actor(), links.parse_filters(query)
    if not customer:
        first = service.default_customer(runtime, actor, filters)
        if first is None:
            return no_update
        customer = f"#{first}"
    _id, label = service.customer_option(runtime, actor, customer)
    frame = service.get_customer_targets(runtime, actor, customer, filters)
    return month_chart(frame, str(runtime.settings.currency or "CNY"), label)


@callback(
    Output(ids.TARGETS_EDIT_RESULT, "children"), Output(ids.TARGETS_REFRESH, "data"),
    Input(ids.TARGETS_SAVE, "n_clicks"),
    State(ids.TARGETS_CUSTOMER, "value"), State(ids.TARGETS_MONTH, "value"),
    State(ids.TARGETS_AMOUNT, "value"), State(ids.TARGETS_REFRESH, "data"),
    prevent_initial_call=True,
)
def save_target(_save: int | None, customer: str | None, month: str | None,
                amount: str | None, refresh: int | None) -> tuple:
    if not customer:
        return upload_problem(_("Choose a customer first.")), no_update
    runtime = current_runtime()
    try:
        value = service.set_target(runtime, current_actor(), customer, month, amount)
    except ValidationError as exc:
        return upload_problem(error_text(exc)), no_update
    text = _("Target removed.") if value is None else _(
        "Target saved: {amount}.", amount=format_money(value, str(runtime.settings.currency)))
    return text, (refresh or 0) + 1


def _decode(contents: str | None) -> bytes | None:
    if not contents or "," not in contents:
        return None
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None


@callback(
    Output(ids.TARGETS_PREVIEW, "children"), Output(ids.TARGETS_IMPORT, "disabled"),
    Input(ids.TARGETS_UPLOAD, "contents"), State(ids.TARGETS_UPLOAD, "filename"),
    prevent_initial_call=True,
)
def check_target_file(contents: str | None, filename: str | None) -> tuple:
    data = _decode(contents)
    if data is None:
        return upload_problem(_("The file could not be read.")), True
    try:
        report = service.preview_import(current_runtime(), current_actor(), data,
                                        str(filename or "upload"))
    except ImportValidationError as exc:
        return upload_problem(str(exc)), True
    return preview(report), report.rows_accepted == 0


@callback(
    Output(ids.TARGETS_PREVIEW, "children", allow_duplicate=True),
    Output(ids.TARGETS_IMPORT, "disabled", allow_duplicate=True),
    Output(ids.TARGETS_REFRESH, "data", allow_duplicate=True),
    Input(ids.TARGETS_IMPORT, "n_clicks"),
    State(ids.TARGETS_UPLOAD, "contents"), State(ids.TARGETS_UPLOAD, "filename"),
    State(ids.TARGETS_SKIP_BAD, "value"), State(ids.TARGETS_REFRESH, "data"),
    prevent_initial_call=True,
)
def import_target_file(_import: int | None, contents: str | None, filename: str | None,
                       skip_bad: bool | None, refresh: int | None) -> tuple:
    data = _decode(contents)
    if not _import or data is None:
        return no_update, no_update, no_update
    try:
        report = service.import_targets(current_runtime(), current_actor(), data,
                                        str(filename or "upload"), skip_bad=bool(skip_bad))
    except ImportValidationError as exc:
        return upload_problem(str(exc)), True, no_update
    return preview(report), True, (refresh or 0) + 1


@callback(
    Output(ids.TARGETS_DOWNLOADED, "data"), Input(ids.TARGETS_DOWNLOAD, "n_clicks"),
    State(ids.TARGETS_QUERY, "data"), prevent_initial_call=True,
)
def download_targets(_clicks: int | None, query: dict[str, Any] | None) -> Any:
    if not _clicks:
        return no_update
    name, text = service.targets_csv(current_runtime(), current_actor(),
                                     links.parse_filters(query))
    return dcc.send_string(text, name, type="text/csv")
