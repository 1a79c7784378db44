"""The cards of the customer portrait, built from the portrait service's ``Portrait``: the
revenue trend, the risk over time, the prediction in words, buying behaviour, purchase
preferences, money, campaigns and the timeline.

Every text that comes from the data (names, comments, campaign names) is a text child or an
escaped chart label, never HTML or markdown.
"""

from __future__ import annotations

import html as html_text
import math
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from babel.dates import format_skeleton, get_day_names
from dash import dcc, html

from dashboard.i18n import (
    N_,
    _,
    format_date,
    format_money,
    format_number,
    format_percent,
    locale_of,
)
from dashboard.reports.reasons import churn_reason
from layouts.components.cards import panel
from layouts.components.states import empty_state
from layouts.figures import NEUTRAL, STATUS_COLOURS, TEXT_DARK, TIER_COLOURS, chart
from layouts.labels import status_name
from layouts.stored_texts import place_label, render

GRAPH_CONFIG = {"displayModeBar": False, "responsive": True}
BUCKET_NAMES = {"overdue_1_30": N_("1–30 days"), "overdue_31_60": N_("31–60 days"),
                "overdue_61_90": N_("61–90 days"), "overdue_over_90": N_("over 90 days")}


def chart_text(value: Any) -> str:
    """Data text for a chart label: shown literally, never read as markup."""
    return html_text.escape("" if value is None else str(value), quote=False)


def _graph(figure: go.Figure) -> dcc.Graph:
    height = int(figure.layout.height or 260)
    return dcc.Graph(figure=figure, config=GRAPH_CONFIG, className="portrait-graph",
                     style={"height": f"{height}px"})


def _month_label(month: Any) -> str:
    return format_skeleton("yMMM", pd.Timestamp(month).date(), locale=locale_of())


def _month_tick(month: Any) -> str:
    """A chart's month label on two short lines (month, then year): readable on a phone."""
    day = pd.Timestamp(month).date()
    return (format_skeleton("MMM", day, locale=locale_of()) + "<br>"
            + format_skeleton("y", day, locale=locale_of()))


def _month_ticks(months: Any) -> list[str]:
    """Month labels for a chart's ticks, the year only under the first tick of each year
    (nine years side by side overlap on a phone, in Chinese most of all)."""
    ticks, year = [], None
    for month in months:
        day = pd.Timestamp(month).date()
        text = format_skeleton("MMM", day, locale=locale_of())
        if day.year != year:
            text, year = _month_tick(month), day.year
        ticks.append(text)
    return ticks


def _money(view: Any, value: Any) -> str:
    return format_money(value, view.currency)


def _missing(value: Any) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


# --- revenue trend ---------------------------------------------------------------------------


def monthly_figure(monthly: pd.DataFrame, bars: str) -> go.Figure:
    """Money by month (bars named ``bars``) with the same month a year before and the
    target, months on two short lines: the portrait's trend and the customer's own page."""
    labels = [_month_label(m) for m in monthly["month"]]
    traces = [{"type": "bar", "x": labels, "y": monthly["revenue"].tolist(), "name": bars,
               "marker": {"color": TIER_COLOURS["B"]}},
              {"type": "scatter", "x": labels, "y": monthly["revenue_last_year"].tolist(),
               "mode": "lines", "name": _("Same month last year"),
               "line": {"color": NEUTRAL, "width": 2}}]
    if monthly["target"].notna().any():
        traces.append({"type": "scatter", "x": labels, "y": monthly["target"].tolist(),
                       "mode": "lines", "name": _("Target"),
                       "line": {"color": TEXT_DARK, "dash": "dash", "width": 2}})
    return chart(traces, 280, legend={"orientation": "h", "y": -0.18}, hovermode="x unified",
                 yaxis={"tickformat": "~s"},
                 xaxis={"tickmode": "array", "tickvals": labels[::3],
                        "ticktext": _month_ticks(list(monthly["month"])[::3]),
                        "tickangle": 0})


def revenue_card(view: Any) -> html.Section:
    monthly = view.monthly
    if float(monthly["revenue"].abs().sum()) == 0 and float(
            monthly["revenue_last_year"].abs().sum()) == 0:
        body: Any = empty_state(_("No orders in the last 24 months"), icon="bi-bar-chart")
        return panel(_("Revenue by month"), body)
    figure = monthly_figure(monthly, _("Revenue"))
    note = _("last 24 months, the current month to date")
    return panel(_("Revenue by month"), _graph(figure), note=note)


# --- risk over time ------------------------------------------------------------------------


def _risk_figure(points: pd.DataFrame, bands: tuple[float, float],
                 chance: bool = False) -> go.Figure:
    """The risk score (or, ``chance``, the chance of stopping in %) at each month end over
    the status bands."""
    churning, lost = bands
    column = "churn_probability" if chance else "risk_score"
    values = points[column].astype(float) * (100.0 if chance else 1.0)
    if chance:
        churning, lost, top = churning * 100.0, lost * 100.0, 100.0
    else:
        top = max(lost * 1.5, float(values.max()) * 1.1)
    # the status bands as rectangles behind the line
    shapes = [{"type": "rect", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1, "y0": low,
               "y1": high, "fillcolor": STATUS_COLOURS[status], "opacity": 0.12,
               "line": {"width": 0}, "layer": "below"}
              for low, high, status in ((0, churning, "active"), (churning, lost, "churning"),
                                        (lost, top, "lost"))]
    dates = [pd.Timestamp(d).date() for d in points["date"]]
    spots = list(range(len(dates)))
    line = {"type": "scatter", "x": spots, "y": values.tolist(), "mode": "lines+markers",
            "line": {"color": TEXT_DARK, "width": 2},
            "name": _("Chance of stopping") if chance else _("Risk score"),
            "text": [format_date(d) for d in dates],
            "hovertemplate": ("%{text}: %{y:.0f}%<extra></extra>" if chance
                              else "%{text}: %{y:.1f}<extra></extra>")}
    every = max(1, -(-len(dates) // 6))
    return chart([line], 240, shapes=shapes, showlegend=False, yaxis={"range": [0, top]},
                 xaxis={"tickmode": "array", "tickvals": spots[::every],
                        "ticktext": _month_ticks(dates[::every]), "tickangle": 0})


def _place(source: str, name: Any, label: Any) -> str:
    """"Tier: A", "Status: Churning", "<scheme>: <band>"."""
    if source == "abc":
        return _("Tier") + ": " + str(label)
    if source == "status":
        return _("Status") + ": " + (status_name(str(label)) if label else "")
    return f"{name or source}: {place_label(label)}"


def _changes(history: pd.DataFrame, currency: str) -> html.Ul:
    moves = history.loc[history["kind"] == "change"].tail(6).iloc[::-1]
    items = [html.Li([html.Span(format_date(pd.Timestamp(r["date"]).date()),
                                className="text-muted me-2"),
                      html.Span(_place(str(r["source"]), r["source_name"], r["label"]),
                                className="fw-semibold me-2"),
                      html.Span(render(r["reason"], currency))])
             for r in moves.to_dict("records")]
    return html.Ul(items, className="history-list")


def risk_card(view: Any) -> html.Section:
    chance = getattr(view, "status_rule", "risk") == "churn"
    title = _("Chance of stopping over time") if chance else _("Risk over time")
    if view.history is None:
        return panel(title, empty_state(_("The risk history is not available yet."),
                                        icon="bi-graph-up"))
    column = "churn_probability" if chance else "risk_score"
    points = view.history.loc[(view.history["kind"] == "month_end")
                              & view.history[column].notna()]
    if points.empty:
        return panel(title, empty_state(_("No month-end figures recorded yet"),
                                        _("They are written each time the figures are "
                                          "recomputed."), icon="bi-graph-up"))
    body = [_graph(_risk_figure(points, view.risk_bands, chance)),
            _changes(view.history, view.currency)]
    note = _("shaded: active, churning, lost")
    return panel(title, body, note=note)


# --- prediction and key dates -----------------------------------------------------------------


def chance_text(churn_probability: float) -> str:
    """The chance of an order in per cent, never a flat 0 % or 100 % (the model cannot be
    that sure)."""
    chance = (1.0 - float(churn_probability)) * 100.0
    if chance >= 99.5:
        return "> " + format_percent(99)
    if chance < 0.5:
        return "< " + format_percent(1)
    return format_percent(chance)


def prediction_words(view: Any) -> tuple[str, str]:
    """("82 %", "likely to order in the next 90 days — usually orders every 12 days, …")."""
    row = view.figures or {}
    chance = row.get("churn_probability")
    if _missing(chance):
        return "", _("No prediction: no order yet.")
    words = _("likely to order in the next {days} days", days=view.horizon_days)
    reason = churn_reason(row)
    return chance_text(float(chance)), words + (" — " + reason if reason else "")


def _fact(label: str, value: str) -> html.Div:
    return html.Div([html.Dt(label), html.Dd(value)], className="fact")


def _when(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    return format_date(pd.Timestamp(value).date())


def prediction_card(view: Any) -> html.Section:
    figure, words = prediction_words(view)
    row = view.figures or {}
    seen = view.last_contacts
    facts = html.Dl([
        _fact(_("Revenue this period"), _money(view, row.get("revenue"))),
        _fact(_("Growth"), format_percent(row.get("growth_pct"), signed=True)),
        _fact(_("Orders this period"), format_number(row.get("orders"))),
        _fact(_("Risk score"), format_number(row.get("risk_score"), 1)),
        _fact(_("Last order"), _when(seen.get("last_order"))),
        _fact(_("Last visit"), _when(seen.get("last_visit"))),
        _fact(_("Last call"), _when(seen.get("last_call"))),
        _fact(_("Last coupon"), _when(seen.get("last_coupon"))),
    ], className="fact-grid")
    head = html.Div([html.Div(figure, className="prediction-figure") if figure else None,
                     html.P(words, className="prediction-text")])
    return panel(_("Prediction"), [head, facts])


# --- buying behaviour ---------------------------------------------------------------------------


def _gap_figure(view: Any, usual: float | None) -> go.Figure:
    gaps = view.gaps
    labels = [str(lo) if lo == hi else f"{lo}–{hi}" for lo, hi in zip(gaps["low"],
                                                                     gaps["high"], strict=True)]
    extra: dict[str, Any] = {}
    if usual is not None and len(gaps):
        width = int(gaps["high"].iat[0] - gaps["low"].iat[0] + 1)
        spot = min(int((round(usual) - 1) // width), len(gaps) - 1)
        # the label beside the line (towards the chart's middle), never over it
        left = spot < len(gaps) / 2
        extra = {"shapes": [{"type": "line", "xref": "x", "yref": "y domain", "x0": spot,
                             "x1": spot, "y0": 0, "y1": 1,
                             "line": {"color": TIER_COLOURS["A"], "dash": "dash", "width": 2}}],
                 "annotations": [{"x": spot, "yref": "paper", "y": 1.08, "showarrow": False,
                                  "xanchor": "left" if left else "right",
                                  "xshift": 6 if left else -6,
                                  "text": chart_text(_("usual gap: {days} days",
                                                       days=format_number(usual, 1)))}]}
    bars = {"type": "bar", "x": labels, "y": gaps["count"].tolist(),
            "marker": {"color": TIER_COLOURS["C"]}, "name": _("Gaps")}
    return chart([bars], 200, showlegend=False, margin={"t": 28},
                 xaxis={"title": {"text": _("days between purchases")}}, **extra)


def _weekday_figure(view: Any) -> go.Figure:
    names = get_day_names("abbreviated", locale=locale_of())
    pattern = view.weekdays
    colours = [TIER_COLOURS["A"] if i == view.usual_weekday else TIER_COLOURS["B"]
               for i in pattern["weekday"]]
    return chart([{"type": "bar", "x": [names[int(i)] for i in pattern["weekday"]],
                   "y": pattern["purchase_days"].tolist(), "marker": {"color": colours}}],
                 200, showlegend=False)


def behaviour_card(view: Any, usual: float | None) -> html.Section:
    title = _("Buying behaviour")
    if view.gaps.empty and int(view.weekdays["purchase_days"].sum()) == 0:
        return panel(title, empty_state(_("Not enough purchases to show a pattern"),
                                        icon="bi-calendar3"))
    year = view.behaviour or {}
    names = get_day_names("wide", locale=locale_of())
    facts = html.Dl([
        _fact(_("Average order value"), _money(view, year.get("avg_order_value"))),
        _fact(_("Return rate"), format_percent(year.get("return_rate_pct"), 1)),
        _fact(_("Orders with a coupon"), format_percent(year.get("coupon_rate_pct"))),
        _fact(_("Usual weekday"), names[view.usual_weekday])
        if view.usual_weekday is not None else None,
    ], className="fact-grid")
    body = [facts, dbc.Row([
        dbc.Col([html.H3(_("Gaps between purchase days"), className="card-sub"),
                 _graph(_gap_figure(view, usual))], md=7),
        dbc.Col([html.H3(_("Purchase days by weekday (last 12 months)"),
                         className="card-sub"), _graph(_weekday_figure(view))], md=5)])]
    return panel(title, body, note=_("last 12 months"))
