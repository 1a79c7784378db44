"""The cockpit's surges and drops tables, the backtest card and the empty state, built from
the cockpit service's ``CockpitView``."""

from __future__ import annotations

import math
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.analytics.movers import MOVER_DAYS
from dashboard.analytics.selection import Selector
from dashboard.filters import FilterQuery, encode, filter_params
from dashboard.i18n import (
    N_,
    _,
    currency_symbol,
    format_date,
    format_number,
    format_percent,
    ngettext,
)
from layouts.cockpit_panels import list_url
from layouts.components.cards import panel
from layouts.components.states import empty_state, error_alert
from layouts.customer_grid import Formats, portrait_href
from layouts.figures import BAD, GOOD
from layouts.links import cockpit_link, opens

WIDE_ONLY = "d-none d-sm-table-cell"  # the "before" column is left out on a phone


def _amount(value: float, signed: bool = False, fmt: Formats | None = None) -> str:
    """A table cell: whole money or orders with thousands separators (the currency is in
    the column heading)."""
    number = fmt.number if fmt is not None else format_number
    text = number(abs(value) if signed else value)
    if signed:
        return ("+" if value > 0 else "−" if value < 0 else "") + text
    return text


def _mover_rows(view: Any, metric: str, rows: pd.DataFrame,
                fmt: Formats | None = None) -> list[html.Tr]:
    fmt = fmt or Formats(view.currency)  # Babel's texts, written fast (40 rows a view)
    columns = ["customer_code", "customer_name", f"{metric}_prev_30d", f"{metric}_30d",
               f"{metric}_change", f"{metric}_growth_pct"]
    same_view = encode(filter_params(view.filters, today=view.today,
                                     default_period=view.default_period))
    out = []
    for code, name, before, after, change, growth in zip(
            *(rows[c].tolist() for c in columns), strict=True):
        growth_text = fmt.percent_text(growth, signed=True) if growth is not None and not (
            isinstance(growth, float) and math.isnan(growth)) else (
            _("from net returns") if before < 0 else _("from nothing"))
        name = name if isinstance(name, str) and name else code
        out.append(html.Tr([
            # the cell opens the portrait itself (no link component: decision 236); the code
            # is shown by CSS
            html.Td(name, className="name cell-link", title=f"{name} ({code})",
                    **{"data-code": code}, **opens(portrait_href(code, same_view))),
            html.Td(_amount(before, fmt=fmt), className=f"num {WIDE_ONLY}"),
            html.Td(_amount(after, fmt=fmt), className="num"),
            html.Td(_amount(change, signed=True, fmt=fmt), className="num fw-semibold",
                    style={"color": GOOD if change > 0 else BAD}, title=growth_text),
        ]))
    return out


def _mover_table(view: Any, metric: str, kind: str) -> html.Div:
    rows = view.overview.movers[(metric, kind)]
    total = int(view.mover_counts[f"{metric}_{kind}"])
    title = _("Surges") if kind == "surge" else _("Drops")
    unit = f" ({currency_symbol(view.currency)})" if metric == "revenue" else ""
    head = html.Thead(html.Tr([html.Th(_("Customer"), style={"width": "34%"}),
                               html.Th(_("Before") + unit, className=f"num {WIDE_ONLY}"),
                               html.Th(_("After") + unit, className="num"),
                               html.Th(_("Change"), className="num")]))
    if rows.empty:
        body: Any = html.P(_("None in the last {days} days.", days=MOVER_DAYS),
                           className="text-muted small")
    else:
        body = html.Table([head, html.Tbody(_mover_rows(view, metric, rows))],
                          className="table table-sm mover-table")
    see_all = dcc.Link(ngettext("See all {n}", "See all {n}", total),
                       href=list_url(view, Selector(mover=f"{metric}_{kind}")),
                       className="small") if total else None
    return html.Div([html.Div([html.Span(title, className="mover-title"), " ", see_all],
                              className="d-flex justify-content-between align-items-baseline"),
                     body])


def movers_panel(view: Any) -> html.Section:
    tabs = dbc.Tabs([
        dbc.Tab(dbc.Row([dbc.Col(_mover_table(view, metric, "surge"), md=6),
                         dbc.Col(_mover_table(view, metric, "drop"), md=6)],
                        className="g-3 pt-2"),
                label=_("Revenue") if metric == "revenue" else _("Orders"),
                tab_id=f"movers-{metric}")
        for metric in ("revenue", "orders")
    ], active_tab="movers-revenue")
    note = _("last {days} days against the {days} days before", days=MOVER_DAYS)
    return panel(_("Surges and drops"), tabs, note=note)


def backtest_panel(view: Any) -> html.Section:
    card = view.backtest
    when = format_date(card.scored_as_of)
    heading = _("How right were we?")
    if card.state == "unavailable":
        return panel(heading, error_alert(_("This check could not be computed just now.")))
    if card.state == "too_little":
        text = _("Not enough history yet to say: fewer than {minimum} customers were flagged "
                 "churning {days} days ago ({date}).", minimum=card.minimum,
                 days=card.horizon_days, date=when)
        return panel(heading, [html.P(text, className="backtest-text text-muted mb-1"),
                               *_model_lines(card)])
    if card.flagged is not None:
        first = ngettext("Of the {n} customer flagged churning {days} days ago ({date}), "
                         "{pct} has not ordered since.",
                         "Of the {n} customers flagged churning {days} days ago ({date}), "
                         "{pct} have not ordered since.", card.flagged,
                         days=card.horizon_days, date=when,
                         pct=format_percent(card.stopped_pct))
    else:
        first = _("Of all the customers flagged churning {days} days ago ({date}), {pct} "
                  "have not ordered since.", days=card.horizon_days, date=when,
                  pct=format_percent(card.stopped_pct))
    second = _("Plain recency (the same number of customers with the longest time since "
               "their last order) would have caught {pct}.",
               pct=format_percent(card.recency_pct)) if card.recency_pct is not None else ""
    return panel(heading, [
        html.Div(format_percent(card.stopped_pct), className="backtest-figure"),
        html.P(first, className="backtest-text mb-1"),
        html.P(second, className="backtest-text text-muted mb-1") if second else None,
        *_model_lines(card),
    ], note=_("churn flags checked against what happened"))


MODEL_NAMES = {"bgnbd": N_("BG/NBD"), "supervised": N_("learned from your history")}
REASON_WORDS = {
    "supervised_better": N_("it ranked better than BG/NBD beyond chance"),
    "within_noise": N_("the two ranked alike within chance, so the simpler one is kept"),
    "bgnbd_better": N_("it ranked better"),
    "bgnbd_degenerate": N_("the BG/NBD fit said nobody ever stops buying, so it is not used"),
    "bgnbd_unavailable": N_("BG/NBD could not be fitted"),
    "supervised_unavailable": N_("there is too little history to learn from"),
    "no_backtest": N_("there is too little history to compare the two"),
    "nothing_fits": N_("no model fits this history yet"),
}


def _auc(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _model_lines(card: Any) -> list[Any]:
    """The chosen model beside the other and plain recency, the flags against recency,
    predicted against observed, and a warning when the outcome window is cut short."""
    lines: list[Any] = []
    if card.outcome_short:
        lines.append(html.P(_("The data end before the {days} days are over: fewer customers "
                              "have had the time to order again, so these shares are "
                              "overstated.", days=card.horizon_days),
                            className="backtest-text text-warning small mb-1"))
    if card.model:
        lines.append(html.P(_("Model used: {model}, because {reason}.",
                              model=_(MODEL_NAMES.get(card.model, card.model)),
                              reason=_(REASON_WORDS.get(card.reason or "", card.reason or ""))),
                            className="backtest-text small mb-1"))
        lines.append(html.P(_("Ranking (AUC): this model {model}, the other {other}, plain "
                              "recency {recency}.", model=_auc(card.auc_model),
                              other=_auc(card.auc_other), recency=_auc(card.auc_recency)),
                            className="backtest-text small text-muted mb-1"))
    if card.flagged_pct is not None:
        lines.append(html.P(_("Churning and Lost: {pct} stopped; as many by plain recency: "
                              "{recency}.", pct=format_percent(card.flagged_pct),
                              recency=format_percent(card.recency_flagged_pct)),
                            className="backtest-text small text-muted mb-1"))
    if card.predicted_pct is not None:
        lines.append(html.P(_("Predicted to stop: {predicted}; stopped: {observed}.",
                              predicted=format_percent(card.predicted_pct),
                              observed=format_percent(card.observed_pct)),
                            className="backtest-text small text-muted mb-0"))
    return lines


def empty_panel(view: Any) -> html.Div:
    if view.scope == "none":
        return empty_state(_("No customers are assigned to you yet"),
                           _("Ask an owner to assign you to a team or an account manager."))
    everyone = FilterQuery(as_of=view.filters.as_of, period=view.filters.period)
    clear = cockpit_link(_("Show every customer"), everyone, today=view.today,
                         default_period=view.default_period, className="btn btn-primary")
    return empty_state(_("No customers match these filters"),
                       _("Try another type, region or account manager."), clear,
                       icon="bi-funnel")


__all__ = ["backtest_panel", "empty_panel", "movers_panel"]
