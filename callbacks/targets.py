"""The Targets page: the address → one service call → figures, table and month choices; the
customer picker, the month chart, the hand-entered target, the file import (check, then
import) and the CSV report, each one call to ``dashboard.services.targets``."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, dcc, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime, decode_upload, error_text
from dashboard import filters as address
from dashboard.errors import ValidationError
from dashboard.i18n import _, current_language, format_money
from dashboard.ingest import ImportValidationError
from dashboard.services import exports
from dashboard.services import targets as service
from layouts import ids
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
    Input(ids.TARGETS_QUERY, "data"), Input(ids.TARGETS_REFRESH, "data"),
    State(ids.TARGETS_MONTH, "value"), State(ids.TARGETS_CUSTOMER, "value"),
    output={"headline": Output(ids.TARGETS_HEADLINE, "children"),
            "kpis": Output(ids.TARGETS_KPIS, "children"),
            "note": Output(ids.TARGETS_NOTE, "children"),
            "table": Output(ids.TARGETS_GRID, "children"),
            "months": Output(ids.TARGETS_MONTH, "options"),
            "month": Output(ids.TARGETS_MONTH, "value"),
            "edit_class": Output(ids.TARGETS_EDIT_CARD, "className"),
            "customer": Output(ids.TARGETS_CUSTOMER, "value", allow_duplicate=True),
            "customers": Output(ids.TARGETS_CUSTOMER, "options", allow_duplicate=True)},
    prevent_initial_call="initial_duplicate",
)
def update_targets_page(query: dict[str, Any] | None, _refresh: int | None,
                        month: str | None, customer: str | None) -> dict[str, Any]:
    page = service.get_targets_page(current_runtime(), current_actor(),
                                    address.parse_filters(query))
    months = month_options(page.months)
    chosen = month if month in {m["value"] for m in months} else page.months[-1].isoformat()
    first = {"customer": no_update, "customers": no_update}
    if not customer and len(page.summary):  # the chart starts on the customer furthest behind
        top = page.summary.iloc[0]
        first = {"customer": f"#{int(top['customer_id'])}",
                 "customers": [_option(int(top["customer_id"]),
                                       f"{top['customer_code']} · {top['customer_name']}")]}
    return {"headline": headline(page), "kpis": kpis(page), "note": note(page),
            "table": summary_table(page), "months": months, "month": chosen,
            "edit_class": SHOWN if page.can_edit else HIDDEN, **first}


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
    Input(ids.TARGETS_PICKED, "data"),
    prevent_initial_call=True,
)
def pick_target_customer(picked: Any) -> Any:
    """A customer's name clicked in the summary table (assets/clicked.js): one store for the
    whole table, not a pattern-matching button per row, whose 200 inputs made the browser run
    the page-content callback a second time after the table arrived."""
    chosen = picked.get("customer") if isinstance(picked, dict) else None
    if isinstance(chosen, bool) or not isinstance(chosen, (int, str)) \
            or not str(chosen).isdigit():
        return no_update, no_update
    customer_id, label = service.customer_option(current_runtime(), current_actor(),
                                                 int(chosen))
    return f"#{customer_id}", [_option(customer_id, label)]


@callback(
    Output(ids.TARGETS_CHART, "children"),
    Input(ids.TARGETS_CUSTOMER, "value"), Input(ids.TARGETS_REFRESH, "data"),
    State(ids.TARGETS_QUERY, "data"), prevent_initial_call=True,
)
def update_target_chart(customer: str | None, _refresh: int | None,
                        query: dict[str, Any] | None) -> Any:
    """Not called on arrival: the page's callback chooses the first customer (the one furthest
    below target) and that choice calls this once, so the page is not computed twice."""
    if not customer:  # nobody in view has a target: the chart stays "Choose a customer"
        return no_update
    runtime, actor, filters = current_runtime(), current_actor(), address.parse_filters(query)
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


@callback(
    Output(ids.TARGETS_PREVIEW, "children"), Output(ids.TARGETS_IMPORT, "disabled"),
    Input(ids.TARGETS_UPLOAD, "contents"), State(ids.TARGETS_UPLOAD, "filename"),
    prevent_initial_call=True,
)
def check_target_file(contents: str | None, filename: str | None) -> tuple:
    data = decode_upload(contents)
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
    data = decode_upload(contents)
    if not _import or data is None:
        return no_update, no_update, no_update
    try:
        report = service.import_targets(current_runtime(), current_actor(), data,
                                        str(filename or "upload"), skip_bad=bool(skip_bad))
    except ImportValidationError as exc:
        return upload_problem(str(exc)), True, no_update
    if report.status == "rejected":  # the preview says why; ticking the box and again works
        return preview(report), False, no_update
    return preview(report), True, (refresh or 0) + 1


@callback(
    Output(ids.TARGETS_DOWNLOADED, "data"), Input(ids.TARGETS_DOWNLOAD, "n_clicks"),
    State(ids.TARGETS_QUERY, "data"), prevent_initial_call=True,
)
def download_targets(_clicks: int | None, query: dict[str, Any] | None) -> Any:
    if not _clicks:
        return no_update
    name, text = service.targets_csv(current_runtime(), current_actor(),
                                     address.parse_filters(query))
    return dcc.send_string(text, name, type="text/csv")


@callback(
    Output(ids.TARGETS_DOWNLOADED, "data", allow_duplicate=True),
    Input({"type": ids.TARGETS_EXPORT, "index": ALL}, "n_clicks"),
    State(ids.TARGETS_QUERY, "data"), prevent_initial_call=True,
)
def export_targets(clicks: list[int | None], query: dict[str, Any] | None) -> Any:
    """The report in the user's language, as XLSX or CSV."""
    if not any(clicks or []) or not isinstance(ctx.triggered_id, dict):
        return no_update
    fmt = "xlsx" if ctx.triggered_id.get("index") == "xlsx" else "csv"
    table = exports.targets_export(current_runtime(), current_actor(),
                                   address.parse_filters(query), fmt)
    return dcc.send_bytes(table.write(fmt, current_language()), table.filename(fmt))
