"""The migration ledger at ``/ledger``: this period's moves of tier, scheme band and rule
segment, newest first, each with the rule or scheme, the values that fired it (worded in the
reader's language), the account manager and the state of the alert it raised. Filters: the
kind of move and one rule or scheme; the period is the filter bar's. A download writes the
moves shown (CSV or XLSX); ``cockpit export ledger`` writes them for programs."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.filters import LEDGER_PATH, query_params
from dashboard.i18n import N_, _, format_date, format_date_range, format_number
from dashboard.reports.tables import Column, Table
from layouts import ids
from layouts.components.states import empty_state, skeleton
from layouts.links import customer_link
from layouts.schemes_parts import button_types
from layouts.stored_texts import place_label, render

SHOWN = 500  # rows drawn on the page; the download has them all
KIND_NAMES = {"tier": N_("ABC tier"), "scheme": N_("Scheme band"), "rule": N_("Rule segment")}
ALERT_STATES = {"open": N_("alert open"), "done": N_("alert done")}
FOLLOWUP_STATES = {"open": N_("follow-up to do"), "done": N_("follow-up done")}


def title() -> str:
    return _("Migration ledger") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=LEDGER_PATH, name="Ledger", title=lambda **_kw: title())


def layout(**query: Any) -> html.Div:
    return html.Div([
        dcc.Store(id=ids.LEDGER_QUERY, data=query_params(query)),
        dcc.Download(id=ids.LEDGER_DOWNLOADED), button_types(ids.LEDGER_EXPORT),
        html.Div([html.H1(_("Migration ledger")),
                  html.Div(id=ids.LEDGER_HEADLINE, className="text-muted")],
                 className="page-headline"),
        html.Div([
            dbc.RadioItems(id=ids.LEDGER_KIND, value="all", inline=True, options=[
                {"label": _("All moves"), "value": "all"},
                *[{"label": _(name), "value": key} for key, name in KIND_NAMES.items()]]),
            html.Div([
                dbc.Label(_("Rule or scheme"), html_for=ids.LEDGER_SOURCE,
                          className="visually-hidden"),
                # placeholder: dbc.Select draws a hidden option of its own for ""
                dbc.Select(id=ids.LEDGER_SOURCE, options=[], value="", size="sm",
                           placeholder=_("Every rule and scheme"), className="ledger-source"),
                *[dbc.Button([html.I(className="bi bi-download me-1"), label],
                             id={"type": ids.LEDGER_EXPORT, "index": fmt}, size="sm",
                             color="light") for fmt, label in (("csv", "CSV"),
                                                               ("xlsx", "XLSX"))],
            ], className="d-flex gap-2 flex-wrap"),
        ], className="d-flex justify-content-between align-items-center flex-wrap gap-2 mb-2"),
        html.Div(skeleton(5), id=ids.LEDGER_LIST),
    ], className="container-fluid ledger-page")


def headline(view: Any) -> str:
    counts = ", ".join(f"{_(name)} {format_number(view.counts[key])}"
                       for key, name in KIND_NAMES.items())
    return _("Moves from {range}: {counts}.",
             range=format_date_range(view.start, view.end), counts=counts)


def source_options(view: Any) -> list[dict[str, str]]:
    return [{"label": _("Every rule and scheme"), "value": ""},
            {"label": _("ABC tier"), "value": "abc"},
            *[{"label": name, "value": key} for key, name in sorted(
                view.sources.items(), key=lambda item: (item[0].split(":")[0], item[1]))]]


def _place(row: dict[str, Any], column: str) -> str:
    label = row[column]
    if label is None or (isinstance(label, float) and pd.isna(label)):
        return "–"
    return place_label(str(label))


def _what(row: dict[str, Any]) -> str:
    kind = _(KIND_NAMES.get(row["source_kind"], row["source_kind"]))
    return f"{kind}: {row['source_name']}" if row["source_name"] else kind


def _state_words(row: dict[str, Any]) -> str:
    """"alert open, follow-up done": the states of what the move raised."""
    states = []
    if row["alert_status"] in ALERT_STATES:
        states.append(_(ALERT_STATES[row["alert_status"]]))
    if row.get("followup_state") in FOLLOWUP_STATES:
        states.append(_(FOLLOWUP_STATES[row["followup_state"]]))
    return _(", ").join(states)


def words(rows: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The moves with their words in the reader's language (``what``, ``from``, ``to``,
    ``why``, ``alert``: the state of the alert and of the follow-up the move raised)."""
    records = rows.to_dict("records")  # at most the rows of one period's moves
    return rows.assign(
        what=[_what(r) for r in records], from_words=[_place(r, "from_label") for r in records],
        to_words=[_place(r, "to_label") for r in records],
        why=[render(r["reason"], currency) if r["to_label"] is not None else _("left")
             for r in records],
        alert=[_state_words(r) for r in records])


def _row(row: dict[str, Any]) -> html.Tr:
    customer = customer_link([row["customer_name"] or row["customer_code"],
                              html.Span(" " + row["customer_code"],
                                        className="text-muted small")], row["customer_code"])
    move = html.Span([row["from_words"], html.I(className="bi bi-arrow-right mx-1"),
                      html.Strong(row["to_words"])])
    return html.Tr([html.Td(format_date(row["day"])), html.Td(customer),
                    html.Td(row["account_manager"] or "–"), html.Td(row["what"]),
                    html.Td(move), html.Td(row["why"], className="small"),
                    html.Td(row["alert"], className="small text-muted")])


def ledger_table(view: Any, currency: str) -> Any:
    if view.rows.empty:
        return empty_state(_("No moves in this period."),
                           _("Moves appear when a recompute (nightly, or after an import) "
                             "finds a customer in another tier, band or segment."),
                           icon="bi-arrow-left-right")
    shown = words(view.rows.head(SHOWN), currency)
    head = html.Thead(html.Tr([html.Th(_("Day")), html.Th(_("Customer")),
                               html.Th(_("Account manager")), html.Th(_("Rule or scheme")),
                               html.Th(_("Move")), html.Th(_("Why")),
                               html.Th(_("Alert and follow-up"))]))
    body = html.Tbody([_row(r) for r in shown.to_dict("records")])  # one page of rows
    more = [] if view.total <= SHOWN else [html.Div(
        _("The first {shown} of {total} moves; the download has them all.",
          shown=format_number(SHOWN), total=format_number(view.total)),
        className="text-muted small mt-1")]
    return html.Div([html.Div(html.Table([head, body],
                                         className="table table-sm align-middle mb-0"),
                              className="table-responsive panel"), *more])


LEDGER_COLUMNS = (
    Column("day", N_("Day"), "date"),
    Column("customer_code", N_("Code")),
    Column("customer_name", N_("Customer")),
    Column("account_manager", N_("Account manager")),
    Column("what", N_("Rule or scheme")),
    Column("from_words", N_("From")),
    Column("to_words", N_("To")),
    Column("why", N_("Why")),
    Column("alert", N_("Alert and follow-up")),
)


def ledger_file(view: Any, currency: str) -> Table:
    """The moves as a file in the reader's language."""
    return Table(name=f"ledger-{view.end.isoformat()}", columns=LEDGER_COLUMNS,
                 rows=words(view.rows, currency), sheet=N_("Migration ledger"))


__all__ = ["headline", "layout", "ledger_file", "ledger_table", "source_options", "words"]
