"""The Team page at ``/team`` (SPEC.md "Team"): one row per account manager with customers by
status and tier, revenue against the previous period, target attainment, money at risk,
alerts and follow-ups, calls and visits, contacts made against the contact plan,
redemptions; every figure opens the customers behind
it; the team's revenue over the last 12 months. ``callbacks/team.py`` fills it through
``dashboard.services.team`` (owners see everyone, managers their team, reps themselves).
User administration is on ``/users`` (``layouts/users.py``)."""

from __future__ import annotations

import dataclasses
from typing import Any

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.analytics.selection import Selector
from dashboard.filters import (
    ALERTS_PATH,
    CONTACT_PLAN_PATH,
    FOLLOWUPS_PATH,
    TARGETS_PATH,
    TEAM_PATH,
    customers_url,
    encode,
    filter_params,
    query_params,
)
from dashboard.i18n import N_, _, format_date, format_money, format_number, format_percent
from layouts import ids
from layouts.components.cards import panel
from layouts.components.export_menu import export_menu
from layouts.components.states import empty_state, skeleton
from layouts.figures import BAD, GOOD, new_figure
from layouts.labels import status_name
from layouts.links import opens
from layouts.portrait_cards import _month_tick

TEAM_DOWNLOADS = (("team", "xlsx", N_("The team table")), ("team", "csv", N_("The team table")))
STATUS_KEYS = ("active", "churning", "lost", "never")
TIERS = ("A", "B", "C", "D")


def title() -> str:
    return _("Team") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=TEAM_PATH, name="Team", title=lambda **_kw: title(),
                   filters=True)


def layout(**query: Any) -> html.Div:
    return html.Div([
        dcc.Store(id=ids.TEAM_PAGE_QUERY, data=query_params(query)),
        html.Div([html.Div([html.H1(_("Team")),
                            html.Div(id=ids.TEAM_PAGE_HEADLINE, className="text-muted")]),
                  html.Div([
                      html.A([html.I(className="bi bi-file-earmark-pdf me-1"), _("PDF")],
                             id=ids.TEAM_PAGE_PDF, href="#", target="_blank",
                             className="btn btn-light btn-sm me-1"),
                      export_menu(ids.TEAM_PAGE_DOWNLOADS, TEAM_DOWNLOADS)],
                      className="d-flex align-items-start")],
                 className="page-headline d-flex justify-content-between align-items-start"),
        panel(_("Account managers"), [
            html.Div(id=ids.TEAM_PAGE_NOTE, className="small text-muted mb-1"),
            html.Div(skeleton(4), id=ids.TEAM_PAGE_TABLE)]),
        panel(_("Team revenue, last 12 months"), html.Div(skeleton(3),
                                                          id=ids.TEAM_PAGE_CHART)),
    ], className="container-fluid team-page")


# --- what the callback fills in ---------------------------------------------------------------


def headline(page: Any) -> str:
    bounds = page.bounds  # dates as every other page writes them, never 2026-12-07
    return _("{start} to {end}, against {prev_start} to {prev_end}",
             start=format_date(bounds.start), end=format_date(bounds.end),
             prev_start=format_date(bounds.prev_start), prev_end=format_date(bounds.prev_end))


def note(page: Any) -> str:
    if not page.has_money_at_risk:
        return _("Every figure opens the customers behind it.")
    return _("Every figure opens the customers behind it; money at risk is that of the "
             "churning customers.")


def _link(text: str, href: str | None, class_name: str = "") -> Any:
    """A figure inside a cell of several: plain text, or a span that opens ``href``."""
    if href is None:
        return text
    return html.Span(text, className=f"cell-link {class_name}".strip(), **opens(href))


class _Links:
    """The addresses behind one row's figures."""

    def __init__(self, page: Any, rep_id: Any) -> None:
        self.page = page
        self.rep = None if rep_id is None or pd.isna(rep_id) else int(rep_id)
        self.filters = dataclasses.replace(page.filters, rep_id=self.rep)

    def customers(self, **selector: Any) -> str | None:
        if self.rep is None:
            return None
        return customers_url(self.filters, Selector(**selector), today=self.page.today,
                             default_period=self.page.default_period)

    def page_of(self, path: str, **extra: str) -> str | None:
        if self.rep is None:
            return None
        params = filter_params(self.filters, today=self.page.today,
                               default_period=self.page.default_period)
        return path + encode({**params, **extra})


def _num(value: Any) -> str:
    return format_number(int(value)) if value is not None and not pd.isna(value) else "–"


def _money(value: Any, currency: str) -> str:
    return "–" if value is None or pd.isna(value) else format_money(value, currency)


def _pct(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else format_percent(value)


def _cell(content: Any, class_name: str = "text-end", href: str | None = None) -> html.Td:
    """A cell; with ``href`` the whole cell opens it."""
    if href is None:
        return html.Td(content, className=class_name)
    return html.Td(content, className=f"{class_name} cell-link", **opens(href))


def _pair(first: Any, second: Any) -> list[Any]:
    return [first, " / ", second]


def _plan(row: dict[str, Any]) -> list[Any]:
    """Planned contacts made / planned, and the share made (red below 80 %)."""
    share = row["contact_plan_pct"]
    tone = "" if pd.isna(share) else ("text-success" if share >= 100
                                      else "text-danger" if share < 80 else "")
    made = f"{_num(row['planned_made'])} / {_num(row['planned_contacts'])}"
    return [made, html.Div(_pct(share), className=f"small {tone or 'text-muted'}")]


def _row(page: Any, row: dict[str, Any]) -> html.Tr:
    links, money = _Links(page, row["rep_id"]), page.currency
    name = row["account_manager"] or _("No account manager")
    growth = row["growth_pct"]
    tone = "" if pd.isna(growth) else ("text-success" if growth >= 0 else "text-danger")
    attainment = row["attainment_pct"]
    at_tone = "" if pd.isna(attainment) else ("text-success" if attainment >= 100
                                              else "text-danger" if attainment < 80 else "")
    overdue = _link(_num(row["overdue_followups"]), links.page_of(FOLLOWUPS_PATH,
                                                                   state="overdue"),
                    "text-danger fw-semibold" if row["overdue_followups"] else "")
    tiers = []
    for tier in TIERS:
        tiers += [" · "] if tiers else []
        tiers.append(_link(_num(row[f"tier_{tier.lower()}"]), links.customers(tier=tier)))
    segments = page.rep_segments.get(links.rep, []) if links.rep is not None else []
    everyone = links.customers()
    cells = [
        html.Th([name, *([html.Div(", ".join(segments), className="small text-primary")]
                         if segments else [])], scope="row",
                className="team-name" + (" cell-link" if everyone else ""), **opens(everyone)),
        _cell(_num(row["customers"]), href=everyone),
        *(_cell(_num(row[s]), href=links.customers(status=s)) for s in STATUS_KEYS),
        _cell(tiers, "text-end text-nowrap"),
        _cell([_money(row["revenue"], money),
               html.Div(_money(row["revenue_prev"], money), className="small text-muted")],
              href=everyone),
        _cell(_pct(growth), f"text-end {tone}"),
        _cell(_money(row["target"], money) if row["target"] else "–",
              href=links.page_of(TARGETS_PATH)),
        _cell(_pct(attainment), f"text-end {at_tone}"),
        _cell(_money(row["money_at_risk"], money), href=links.customers(status="churning")),
        _cell(_num(row["open_alerts"]), href=links.page_of(ALERTS_PATH)),
        _cell(_pair(_link(_num(row["open_followups"]), links.page_of(FOLLOWUPS_PATH)),
                    overdue), "text-end text-nowrap"),
        _cell(_pair(_num(row["calls"]), _num(row["visits"])), "text-end text-nowrap",
              href=everyone),
        _cell(_plan(row), "text-end text-nowrap", href=links.page_of(CONTACT_PLAN_PATH)),
        _cell(_num(row["redemptions"]), href=everyone),
    ]
    return html.Tr(cells)


def header() -> html.Thead:
    names = [_("Account manager"), _("Customers"), *(status_name(s) for s in STATUS_KEYS),
             _("Tiers A · B · C · D"), _("Revenue (previous period)"), _("Change"),
             _("Target"), _("Of target"), _("Money at risk"), _("Open alerts"),
             _("Follow-ups open / overdue"), _("Calls / visits"),
             _("Contact plan: made / planned"), _("Redemptions")]
    return html.Thead(html.Tr([html.Th(n, className="text-end" if i else "")
                               for i, n in enumerate(names)]))


def _totals_row(page: Any) -> html.Tr:
    t, money = page.totals, page.currency
    values = [_num(t.get("customers")), *(_num(t.get(s)) for s in STATUS_KEYS),
              " · ".join(_num(t.get(f"tier_{x.lower()}")) for x in TIERS),
              [_money(t.get("revenue"), money),
               html.Div(_money(t.get("revenue_prev"), money), className="small text-muted")],
              _pct(t.get("growth_pct")), _money(t.get("target") or None, money),
              _pct(t.get("attainment_pct")), _money(t.get("money_at_risk"), money),
              _num(t.get("open_alerts")),
              f"{_num(t.get('open_followups'))} / {_num(t.get('overdue_followups'))}",
              f"{_num(t.get('calls'))} / {_num(t.get('visits'))}",
              [f"{_num(t.get('planned_made'))} / {_num(t.get('planned_contacts'))}",
               html.Div(_pct(t.get("contact_plan_pct")), className="small text-muted")],
              _num(t.get("redemptions"))]
    return html.Tr([html.Th(_("Total"), scope="row"),
                    *(_cell(v, "text-end text-nowrap") for v in values)],
                   className="table-light fw-semibold")


def team_table(page: Any) -> Any:
    if page.team.empty:
        return empty_state(_("No account managers in view"),
                           _("Customers appear here once they are assigned to an account "
                             "manager you may see."), icon="bi-people")
    rows = [_row(page, row) for row in page.team.to_dict("records")]
    return html.Div(html.Table([header(), html.Tbody(rows), html.Tfoot(_totals_row(page))],
                               className="table table-sm table-hover mb-0 team-table"),
                    className="table-responsive")


def team_chart(page: Any) -> Any:
    """Revenue per account manager per month (lines), the team's total as bars."""
    monthly = page.monthly
    if monthly.empty:
        return empty_state(_("No sales in these 12 months"), "", icon="bi-graph-up")
    months = pd.to_datetime(pd.Series(page.months)).dt.strftime("%Y-%m").tolist()
    total = monthly.groupby("month", sort=True)["revenue"].sum().round(2)
    figure = new_figure(320)
    figure.add_trace(go.Bar(x=months, y=total.tolist(), name=_("Team"),
                            marker={"color": "#cfd8dc"}))
    for name, rows in monthly.groupby("account_manager", sort=True):
        figure.add_trace(go.Scatter(x=months, y=rows["revenue"].tolist(), mode="lines+markers",
                                    name=name or _("No account manager")))
    every = 2 if len(months) > 6 else 1  # month names in the reader's language, two lines
    figure.update_layout(yaxis={"title": page.currency, "tickformat": ",.0f"},
                         xaxis={"type": "category", "tickmode": "array",
                                "tickvals": months[::every],
                                "ticktext": [_month_tick(m) for m in page.months][::every]},
                         legend={"orientation": "h"}, hovermode="x unified")
    return dcc.Graph(figure=figure, config={"displayModeBar": False, "responsive": True})


__all__ = ["BAD", "GOOD", "headline", "layout", "note", "team_chart", "team_table", "title"]
