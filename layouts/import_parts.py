"""What the Import page shows (``layouts/imports.py``) and its callbacks fill in: the
field names, the mapping form, the first rows, the row problems, the import button's
reason and the summary in the user's language."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.filters import COCKPIT_PATH
from dashboard.i18n import N_, _, format_number, ngettext, pgettext
from dashboard.web.context import current_user
from layouts import ids
from layouts.components.states import empty_state, error_alert

KINDS = ("orders", "customers", "products", "targets")
IMPORTERS = ("owner", "manager")
NOT_MAPPED = "__none__"

FIELD_NAMES = {
    "order_id": N_("Order number"), "customer": N_("Customer code"),
    "order_date": N_("Order date"), "product": N_("Product SKU"),
    "quantity": N_("Quantity"), "unit_price": N_("Unit price"), "amount": N_("Amount"),
    "unit_cost": N_("Unit cost"), "coupon_code": N_("Coupon code"),
    "line_no": N_("Line number"), "product_name": N_("Product name"),
    "category": N_("Category"), "tags": N_("Tags"), "list_price": N_("List price"),
    "customer_name": N_("Customer name"), "customer_type": N_("Customer type"),
    "region": N_("Region"), "account_manager": N_("Account manager"), "phone": N_("Phone"),
    "email": N_("E-mail"), "created_date": N_("Created on"), "month": N_("Month"),
    "target": N_("Target"),
}
STAGES = {"read": N_("Reading the file"), "check": N_("Checking the rows"),
          "customers": N_("Writing customers"), "products": N_("Writing products"),
          "orders": N_("Writing orders"), "rollups": N_("Updating the daily totals"),
          "targets": N_("Writing targets"), "recompute": N_("Recomputing the figures")}
CHANGED = (("customers", N_("customers")), ("products", N_("products")), ("reps", N_("reps")),
           ("orders", N_("orders")), ("lines", N_("order lines")), ("targets", N_("targets")))



def may_import() -> bool:
    user = current_user()
    return user is not None and user.role in IMPORTERS


def importers_only() -> html.Div:
    """What a rep sees at the address."""
    return html.Div(empty_state(
        _("Only owners and managers can import data"),
        _("Ask an owner or your manager to import the file."),
        dcc.Link(_("Open the cockpit"), href=COCKPIT_PATH, className="btn btn-primary"),
        icon="bi-shield-lock"), className="container-fluid not-found-page page-refusal")


def kind_name(kind: str) -> str:
    """What an import holds ("Orders" here is the rows of orders, not their number)."""
    return {"orders": pgettext("import kind", "Orders"),
            "customers": pgettext("import kind", "Customers"),
            "products": pgettext("import kind", "Products"),
            "targets": pgettext("import kind", "Targets")}.get(kind, kind)


def field_name(field: str) -> str:
    return _(FIELD_NAMES[field]) if field in FIELD_NAMES else field


def stage_words(stage: str) -> str:
    return _(STAGES[stage]) if stage in STAGES else stage


# --- what the callbacks fill in ---------------------------------------------------------------


def file_text(filename: str, size: int) -> str:
    return _("{name} ({size} KB) is ready to check.", name=filename,
             size=format_number(size / 1024, 1))


def problem(text: str) -> Any:
    return error_alert(text)


def mapping_form(check: Any) -> Any:
    """One dropdown per field of the kind, set to the column proposed (or chosen)."""
    options = [{"label": _("(not in the file)"), "value": NOT_MAPPED}] + [
        {"label": h, "value": h} for h in check.headers]
    rows = []
    for field in check.fields:
        label = [field_name(field), html.Span(f" {field}", className="text-muted small")]
        if field in check.required:
            label.append(html.Span(" *", className="text-danger", title=_("required")))
        rows.append(dbc.Row([
            dbc.Col(dbc.Label(label, className="small mb-0"), xs=5),
            dbc.Col(dcc.Dropdown(id={"type": ids.IMPORT_FIELD, "index": field},
                                 options=options, clearable=False,
                                 value=check.mapping.get(field, NOT_MAPPED)), xs=7),
        ], className="g-2 mb-1 align-items-center"))
    return html.Div([
        html.Div(_("Proposed from the column names; change any that is wrong. * required."),
                 className="small text-muted mb-2"), *rows])


def mapping_of(values: list[dict[str, Any]]) -> dict[str, str]:
    """``{field: column}`` from the dropdowns (``ctx.inputs_list`` items)."""
    chosen: dict[str, str] = {}
    for item in values or []:
        key, value = item.get("id"), item.get("value")
        if isinstance(key, dict) and value and value != NOT_MAPPED:
            chosen[str(key.get("index"))] = str(value)
    return chosen


def preview_table(check: Any) -> Any:
    """The file's first rows as it holds them, with their row numbers."""
    if not check.rows:
        return None
    head = html.Thead(html.Tr([html.Th(_("Row"))] + [html.Th(h) for h in check.headers]))
    body = html.Tbody([html.Tr([html.Td(n, className="text-muted")] +
                               [html.Td(v) for v in row[:len(check.headers)]])
                       for n, row in zip(check.row_numbers, check.rows, strict=False)])
    return html.Div([
        html.Div(_("The first rows of the file"), className="small fw-semibold"),
        html.Div(html.Table([head, body], className="table table-sm small mb-0"),
                 className="table-responsive import-preview")])


def counts_text(report: Any) -> str:
    return _("Rows: {read} read, {accepted} accepted, {rejected} rejected, {written} written.",
             read=format_number(report.rows_read), accepted=format_number(report.rows_accepted),
             rejected=format_number(report.rows_rejected),
             written=format_number(report.rows_written))


# the importer's row reasons (dashboard.ingest.reasons.REASONS, the same English) in words
REASON_WORDS = {
    "not_a_number": N_("not a number"),
    "number_too_large": N_("number too large"),
    "not_a_date": N_("not a date (use e.g. 2026-03-01)"),
    "date_out_of_range": N_("date out of range (1900-2100)"),
    "not_a_month": N_("not a month (use e.g. 2026-03)"),
    "month_out_of_range": N_("month out of range (1900-2100)"),
    "unknown_customer_type": N_("unknown customer type (use {types})"),
    "not_an_email": N_("not an e-mail address"),
    "not_a_phone": N_("not a phone number"),
    "too_long": N_("longer than {width} characters"),
    "negative_price": N_("negative price"),
    "negative_cost": N_("negative cost"),
    "negative_target": N_("negative target"),
    "too_many_values": N_("the row has {values} values but the header has {columns} columns"),
    "blank_required": N_("blank required value"),
    "duplicated": N_("duplicated {what} (also on row {row})"),
    "unknown_customer": N_("unknown customer (import the customer first)"),
    "outside_team": N_("customer outside your team"),
    "zero_quantity": N_("zero quantity"),
    "signs_differ": N_("amount and quantity have different signs"),
    "order_disagrees": N_("the rows of order {order} disagree on the {what} (row {row} has "
                          "'{value}')"),
}


def _thing_words(what: str) -> str:
    """The thing a duplicated or disagreeing row names, in words."""
    words = {"target for this customer and month":
             pgettext("import reason", "target for this customer and month"),
             "customer code": pgettext("import reason", "customer code"),
             "product code": pgettext("import reason", "product code"),
             "order line": pgettext("import reason", "order line"),
             "customer": pgettext("import reason", "customer"),
             "date": pgettext("import reason", "date")}
    return words.get(what, what)


def reason_words(error: Any) -> str:
    """A row problem's reason in the reader's language (as the importer gave it when it
    is not one of the declared reasons)."""
    found = error.reason_key
    if found is None or found[0] not in REASON_WORDS:
        return str(error.reason)
    key, values = found
    if "what" in values:
        values = {**values, "what": _thing_words(values["what"])}
    return _(REASON_WORDS[key], **values)


def problem_line(error: Any) -> str:
    """One row problem in a sentence: where, why and what was found."""
    shown = error.value if len(error.value) <= 40 else error.value[:37] + "..."
    where = (_("row {row}, column {column}", row=error.row, column=error.column)
             if error.column else _("row {row}", row=error.row))
    text = f"{where}: {reason_words(error)}"
    return text + (" " + _("(found {value})", value=shown) if shown else "")


def problems(report: Any) -> Any:
    """Every row problem with its row number (a grid: a file can have thousands)."""
    if report is None:
        return None
    if not report.errors:
        return dbc.Alert(_("No problems: every row can be imported."), color="success",
                         className="mb-0 py-2")
    rows = [{"row": e.row, "column": e.column, "value": e.value, "reason": reason_words(e)}
            for e in report.errors]
    return html.Div([
        html.Div(ngettext("{n} problem in the file", "{n} problems in the file", len(rows)),
                 className="small fw-semibold text-danger"),
        dag.AgGrid(id=ids.IMPORT_PROBLEMS + "-grid", rowData=rows, columnDefs=[
            {"field": "row", "headerName": _("Row"), "width": 90},
            {"field": "column", "headerName": _("Column"), "width": 160,
             "tooltipField": "column"},
            {"field": "value", "headerName": _("Found"), "width": 180, "tooltipField": "value"},
            # the reason wraps (the row grows): never cut off mid-sentence
            {"field": "reason", "headerName": _("Problem"), "flex": 1, "minWidth": 220,
             "wrapText": True, "autoHeight": True, "tooltipField": "reason",
             "cellClass": "cell-wrap"}],
            defaultColDef={"resizable": True, "sortable": True},
            dashGridOptions={"domLayout": "autoHeight" if len(rows) <= 15 else "normal"},
            style={"height": None if len(rows) <= 15 else "420px"},
            className="ag-theme-alpine import-problems")])


def checked_summary(check: Any) -> dict[str, Any] | None:
    """What the import button needs to know about the check (kept in a store)."""
    if check.report is None:
        return {"problem": check.problem, "accepted": 0, "rejected": 0}
    return {"problem": "", "accepted": check.report.rows_accepted,
            "rejected": check.report.rows_rejected}


def start_state(checked: dict[str, Any] | None, skip_bad: bool) -> tuple[bool, str]:
    """(button disabled, why): the button never greys out without a reason."""
    if not checked:
        return True, _("Choose a file first.")
    if checked.get("problem"):
        return True, _("The file cannot be imported as it is: see the message above.")
    accepted, rejected = int(checked.get("accepted") or 0), int(checked.get("rejected") or 0)
    if not accepted:
        return True, _("No row can be imported: fix the problems above and upload the file "
                       "again.")
    if rejected and not skip_bad:
        return True, ngettext(
            "{n} row has a problem: tick \"Import the good rows\" to import the other "
            "{good}, or fix the file and upload it again.",
            "{n} rows have problems: tick \"Import the good rows\" to import the other "
            "{good}, or fix the file and upload it again.", rejected,
            good=format_number(accepted))
    if rejected:
        return False, ngettext("{n} row will be left out.", "{n} rows will be left out.",
                               rejected)
    return False, ngettext("{n} row will be imported.", "{n} rows will be imported.",
                           accepted)


def _what(report: Any) -> str:
    return _("{kind} from {file}", kind=kind_name(report.kind), file=report.filename)


def headline(report: Any) -> str:
    """The command line summary's first line, in the user's language."""
    what = _what(report)
    return {
        "preview": _("Preview of {what}: nothing was written.", what=what),
        "rejected": _("Import of {what} REJECTED: nothing was written. Fix the rows below or "
                      "import the good rows.", what=what),
        "imported": _("Imported {what} in {seconds} s.", what=what,
                      seconds=f"{report.seconds:.1f}"),
        "unchanged": _("Imported {what}: the database already held this data, nothing "
                       "changed.", what=what),
    }.get(report.status, report.status)


def changes_text(report: Any) -> str:
    parts = []
    for key, label in CHANGED:
        counts = [text for n, text in (
            (report.created.get(key, 0), _("{n} new", n=format_number(report.created.get(
                key, 0)))),
            (report.updated.get(key, 0), _("{n} updated", n=format_number(report.updated.get(
                key, 0)))),
            (report.deleted.get(key, 0), _("{n} removed", n=format_number(report.deleted.get(
                key, 0))))) if n]
        if counts:
            parts.append(_(label) + " " + ", ".join(counts))
    return _("Changes: {parts}.", parts="; ".join(parts)) if parts else ""


def summary(report: Any) -> Any:
    """The import's summary: the command line's words in the user's language."""
    good = report.status in ("imported", "unchanged")
    lines = [counts_text(report), changes_text(report)]
    if report.mapping:
        pairs = ", ".join(" ← ".join(pair) for pair in report.mapping.items())
        lines.append(_("Columns: {pairs}", pairs=pairs))
    if report.ignored_columns:
        lines.append(_("Ignored columns: {names}", names=", ".join(report.ignored_columns)))
    return dbc.Alert([html.Div(headline(report), className="fw-semibold"),
                      *[html.Div(line, className="small") for line in lines if line]],
                     color="success" if good else "warning", className="mb-0")


def cancelled() -> Any:
    return dbc.Alert(_("The import was cancelled: nothing was written."), color="info",
                     className="mb-0")


__all__ = ["IMPORTERS", "KINDS", "NOT_MAPPED", "cancelled", "changes_text", "checked_summary",
           "counts_text", "field_name", "file_text", "headline", "importers_only", "kind_name",
           "mapping_form", "mapping_of", "may_import", "preview_table", "problem", "problem_line",
           "problems", "reason_words",
           "stage_words", "start_state", "summary"]
