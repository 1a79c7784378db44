"""Customer sales targets at ``/targets`` (SPEC.md "Actions"; seed 001): actual vs target per
customer over the 12 months ending with the as-of month, one customer's months as a chart,
a month's target entered by hand, targets imported from a file (with a preview and the
row-numbered problems) and the CSV report. ``callbacks/targets.py`` fills it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from babel.dates import format_skeleton
from dash import dcc, html

from dashboard.filters import IMPORT_PATH, TARGETS_PATH, query_params
from dashboard.i18n import (
    N_,
    _,
    format_date,
    format_money,
    format_number,
    format_percent,
    locale_of,
    ngettext,
)
from layouts import ids
from layouts.components.cards import kpi_card, panel
from layouts.components.states import empty_state, error_alert, skeleton
from layouts.figures import BAD, GOOD, NEUTRAL, new_figure
from layouts.import_parts import problem_line

TABLE_ROWS = 50  # each row is ~10 Dash components the browser walks: decision 171
TARGET_DOWNLOADS = (("xlsx", N_("Excel workbook (.xlsx)")), ("csv", N_("CSV file (.csv)")))


def title() -> str:
    return _("Targets") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=TARGETS_PATH, name="Targets", title=lambda **_kw: title(),
                   filters=True)


def _edit_card() -> html.Div:
    return html.Div(panel(_("Set a month's target"), [
        dbc.Label(_("Customer"), html_for=ids.TARGETS_CUSTOMER, className="small mb-1"),
        dcc.Dropdown(id=ids.TARGETS_CUSTOMER, options=[], placeholder=_("Type a code or name"),
                     className="mb-2"),
        dbc.Row([
            dbc.Col([dbc.Label(_("Month"), html_for=ids.TARGETS_MONTH, className="small mb-1"),
                     dbc.Select(id=ids.TARGETS_MONTH, options=[])], xs=6),
            dbc.Col([dbc.Label(_("Target (empty: none)"), html_for=ids.TARGETS_AMOUNT,
                               className="small mb-1"),
                     dbc.Input(id=ids.TARGETS_AMOUNT, type="text", inputMode="decimal")],
                    xs=6),
        ], className="g-2 mb-2"),
        dbc.Button(_("Save target"), id=ids.TARGETS_SAVE, color="primary", size="sm"),
        html.Div(id=ids.TARGETS_EDIT_RESULT, className="mt-2"),
    ]), className="h-100")


def _import_card() -> html.Div:
    return html.Div(panel(_("Import targets from a file"), [
        html.P(_("CSV, XLSX or Parquet with the columns customer, month (2026-11) and "
                 "target. Check the file first; nothing is written until you import."),
               className="small text-muted"),
        dcc.Upload(id=ids.TARGETS_UPLOAD, children=html.Div([
            html.I(className="bi bi-upload me-2"), _("Drop a file here or click to choose")]),
            className="upload-box", multiple=False),
        html.Div(id=ids.TARGETS_PREVIEW, className="mt-2"),
        dbc.Checkbox(id=ids.TARGETS_SKIP_BAD, value=False,
                     label=_("Import the good rows and leave out the bad ones")),
        dbc.Button(_("Import"), id=ids.TARGETS_IMPORT, color="primary", size="sm",
                   className="mt-2", disabled=True),
        html.Div(dcc.Link(_("Other column names? Choose them on the import page"),
                          href=f"{IMPORT_PATH}?kind=targets"), className="small mt-2"),
    ]), className="h-100")


def layout(**query: Any) -> html.Div:
    return html.Div([
        dcc.Store(id=ids.TARGETS_QUERY, data=query_params(query)),
        dcc.Store(id=ids.TARGETS_REFRESH, data=0),
        dcc.Store(id=ids.TARGETS_PICKED), dcc.Download(id=ids.TARGETS_DOWNLOADED),
        html.Div([html.Div([html.H1(_("Sales targets")),
                            html.Div(id=ids.TARGETS_HEADLINE, className="text-muted")]),
                  html.Div([
                      dbc.Button([html.I(className="bi bi-download me-1"), _("CSV report")],
                                 id=ids.TARGETS_DOWNLOAD, color="secondary", outline=True,
                                 size="sm"),
                      *(dbc.Button([html.I(className="bi bi-file-earmark-spreadsheet me-1"),
                                    _(label)], id={"type": ids.TARGETS_EXPORT, "index": fmt},
                                   color="secondary", outline=True, size="sm", className="ms-1",
                                   title=_("The report in your language"))
                        for fmt, label in TARGET_DOWNLOADS)])],
                 className="page-headline d-flex justify-content-between align-items-start"),
        html.Div(skeleton(2), id=ids.TARGETS_KPIS, className="kpi-grid"),
        dbc.Row([
            dbc.Col(panel(_("Actual vs target by customer"), [
                html.Div(id=ids.TARGETS_NOTE, className="small text-muted mb-1"),
                html.Div(skeleton(6), id=ids.TARGETS_GRID)]), lg=7),
            dbc.Col(panel(_("Month by month"), html.Div(
                empty_state(_("Choose a customer"), _("Pick one in the list or below."),
                            icon="bi-bar-chart"), id=ids.TARGETS_CHART)), lg=5),
        ], className="g-3 panel-row"),
        # setting and importing targets, for those who may (a rep reads the targets: the
        # whole row is hidden for them, not half of it)
        html.Div(dbc.Row([dbc.Col(_edit_card(), lg=5), dbc.Col(_import_card(), lg=7)],
                         className="g-3 panel-row"), id=ids.TARGETS_EDIT_CARD,
                 className="d-none"),
    ], className="container-fluid targets-page")


# --- what the callbacks fill in ---------------------------------------------------------------


def month_name(day: dt.date) -> str:
    return format_skeleton("yMMM", day, locale=locale_of())


def headline(page: Any) -> str:
    first, last = page.months[0], page.months[-1]
    return _("{first} to {last} (the last month to {date})", first=month_name(first),
             last=month_name(last), date=format_date(page.filters.as_of))


def kpis(page: Any) -> list[Any]:
    totals, money = page.totals, page.currency
    pct = totals["pct"]
    return [
        kpi_card(_("With a target"), format_number(totals["customers"])),
        kpi_card(_("Target, 12 months"), format_money(totals["target"], money, compact=True)),
        kpi_card(_("Actual in those months"), format_money(totals["actual"], money,
                                                           compact=True)),
        kpi_card(_("Of target"), format_percent(pct) if pct is not None else "–",
                 accent=GOOD if pct is not None and pct >= 100 else BAD if pct is not None
                 else NEUTRAL),
        kpi_card(_("At or above target"), format_number(totals["on_track"])),
    ]


def _pct_cell(value: Any) -> html.Td:
    if value is None or pd.isna(value):
        return html.Td("–", className="text-end text-muted")
    tone = "text-success" if value >= 100 else "text-danger" if value < 80 else ""
    return html.Td(format_percent(value), className=f"text-end {tone}")


def summary_table(page: Any) -> Any:
    if page.summary.empty:
        return empty_state(_("No targets in these 12 months"),
                           _("Set a month's target below or import a file of targets."),
                           icon="bi-bullseye")
    rows = []
    for row in page.summary.head(TABLE_ROWS).to_dict("records"):  # at most TABLE_ROWS
        # no id per row: assets/clicked.js turns a click into one store (TARGETS_PICKED)
        pick = html.Button(row["customer_name"] or row["customer_code"], type="button",
                           className="btn btn-link btn-sm p-0 text-start targets-pick",
                           **{"data-customer": str(int(row["customer_id"]))})
        rows.append(html.Tr([
            html.Td([pick, html.Div(row["customer_code"], className="small text-muted")]),
            html.Td(row["account_manager"] or "–"),
            html.Td(format_money(row["target"], page.currency), className="text-end"),
            html.Td(format_money(row["actual"], page.currency), className="text-end"),
            _pct_cell(row["pct"]),
            html.Td(f"{int(row['months_met'])} / {int(row['months'])}", className="text-end"),
        ]))
    head = html.Thead(html.Tr([
        html.Th(_("Customer")), html.Th(_("Account manager")),
        html.Th(_("Target"), className="text-end"), html.Th(_("Actual"), className="text-end"),
        html.Th(_("Of target"), className="text-end"),
        html.Th(_("Months met"), className="text-end")]))
    return html.Div(html.Table([head, html.Tbody(rows)], className="table table-sm mb-0"),
                    className="table-responsive targets-table")


def note(page: Any) -> str:
    total = len(page.summary)
    if total <= TABLE_ROWS:
        return _("Furthest below target first.")
    return _("The {shown} furthest below target of {total}; the CSV report has them all.",
             shown=TABLE_ROWS, total=format_number(total))


def month_chart(frame: pd.DataFrame, currency: str, customer: str) -> Any:
    """One customer's actual revenue per month as bars (green when the target was met) and
    the target as a dashed line."""
    months = [month_name(pd.Timestamp(m).date()) for m in frame["month"]]
    figure = new_figure(300)
    colours = [GOOD if met else NEUTRAL for met in frame["met"]]
    figure.add_trace(go.Bar(x=months, y=frame["actual"].tolist(), name=_("Actual"),
                            marker={"color": colours}))
    figure.add_trace(go.Scatter(x=months, y=frame["target"].tolist(), name=_("Target"),
                                mode="lines+markers", connectgaps=False,
                                line={"dash": "dash", "color": BAD}))
    figure.update_layout(yaxis={"title": currency}, showlegend=True)
    return html.Div([html.Div(customer, className="fw-semibold small"),
                     dcc.Graph(figure=figure, config={"displayModeBar": False})])


def month_options(months: list[dt.date]) -> list[dict[str, str]]:
    """The window's months and the 12 after them (targets are set ahead)."""
    last = pd.Timestamp(months[-1])
    ahead = [(last + pd.DateOffset(months=k)).date() for k in range(1, 13)]
    return [{"label": month_name(m), "value": m.isoformat()} for m in [*months, *ahead]]


def preview(report: Any) -> Any:
    """The import check in words, with the row-numbered problems."""
    counts = _("{read} rows: {accepted} good, {rejected} with problems",
               read=format_number(report.rows_read), accepted=format_number(
                   report.rows_accepted), rejected=format_number(report.rows_rejected))
    if report.status == "imported":
        return dbc.Alert(_("Imported: {counts}.", counts=counts), color="success",
                         className="mb-1")
    if report.status == "unchanged":
        return dbc.Alert(_("Nothing changed: the targets were already so."), color="info",
                         className="mb-1")
    items = [html.Li(problem_line(e)) for e in report.errors[:50]]
    more = len(report.errors) - len(items)
    why = None
    if report.status == "rejected":  # strict: one bad row and nothing is written
        why = dbc.Alert(ngettext(
            "Nothing was imported: {n} row has a problem. Tick \"Import the good rows and "
            "leave out the bad ones\" and import again, or fix the file.",
            "Nothing was imported: {n} rows have problems. Tick \"Import the good rows and "
            "leave out the bad ones\" and import again, or fix the file.",
            report.rows_rejected), color="warning", className="mb-1")
    return html.Div([
        why,
        html.Div(counts, className="fw-semibold"),
        html.Ul(items, className="small import-errors mb-1") if items else None,
        html.Div(ngettext("… and {n} more problem", "… and {n} more problems", more),
                 className="small text-muted") if more > 0 else None,
    ])


def upload_problem(text: str) -> Any:
    return error_alert(text)


__all__ = ["headline", "kpis", "layout", "month_chart", "month_name", "month_options", "note",
           "preview", "summary_table", "upload_problem"]
