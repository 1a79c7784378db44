"""The cards of a customer's own page (``/my``): header, key figures, purchases by month and
by category, target progress, and the section where product suggestions go.

Every function takes the service's ``MyAccount`` and returns components; no look-ups."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import html

from dashboard.i18n import N_, _, format_date, format_money, format_number, format_percent
from layouts.components.cards import kpi_card, panel
from layouts.components.states import empty_state
from layouts.labels import customer_type_name
from layouts.portrait_cards import _graph, _month_label, monthly_figure
from layouts.portrait_lists import _category_figure


def header(view: Any) -> html.Div:
    record = view.record
    return html.Div([
        html.Div(_("As of {date}", date=format_date(view.as_of)), className="text-muted small"),
        html.H1([record.name or record.code,
                 html.Small(record.code, className="text-muted ms-2")]),
        html.Span(customer_type_name(record.customer_type),
                  className="badge text-bg-light border"),
    ], className="my-head")


def _target_pct(view: Any) -> str:
    totals = view.target_summary
    if not totals or pd.isna(totals.get("pct")):
        return "–"
    return format_percent(totals["pct"])


def kpis(view: Any) -> list[html.Div]:
    money = format_money(view.revenue_12m, view.currency, compact=True)
    return [kpi_card(_("Purchases, last 12 months"), money),
            kpi_card(_("Orders, last 12 months"), format_number(view.orders_12m)),
            kpi_card(_("Target reached, last 12 months"), _target_pct(view))]


def monthly_card(view: Any) -> html.Section:
    monthly = view.monthly
    title = _("Purchases by month")
    if float(monthly["revenue"].abs().sum()) == 0:
        return panel(title, empty_state(_("No purchases in the last 12 months"),
                                        icon="bi-bar-chart"))
    figure = monthly_figure(monthly, _("Purchases"))
    return panel(title, _graph(figure), note=_("last 12 months, the current month to date"))


def categories_card(view: Any) -> html.Section:
    title = _("Purchases by category")
    categories = view.categories
    if categories.empty:
        return panel(title, empty_state(_("No product purchases in the last 12 months"),
                                        icon="bi-basket"))
    rows = [html.Tr([html.Td(_("No category") if pd.isna(r["category"])
                             else str(r["category"])),
                     html.Td(format_money(r["revenue"], view.currency), className="num"),
                     html.Td(format_percent(r["share_pct"]), className="num")])
            for _i, r in categories.iterrows()]
    table = html.Table([html.Thead(html.Tr([html.Th(_("Category")),
                                            html.Th(_("Purchases"), className="num"),
                                            html.Th(_("Share"), className="num")])),
                        html.Tbody(rows)], className="table table-sm portrait-table")
    return panel(title, [_graph(_category_figure(categories)),
                         html.Div(table, className="table-scroll")],
                 note=_("last 12 months"))


def targets_card(view: Any) -> html.Section:
    title = _("Target progress")
    report = view.targets
    if report.empty:
        return panel(title, empty_state(_("No targets set for the last 12 months"),
                                        icon="bi-bullseye"))
    totals = view.target_summary or {}
    words = _("{actual} of {target} in the months with a target ({pct}); {met} of {months} "
              "months met",
              actual=format_money(totals.get("actual"), view.currency),
              target=format_money(totals.get("target"), view.currency),
              pct=_target_pct(view), met=format_number(totals.get("months_met", 0)),
              months=format_number(totals.get("months", 0)))
    rows = [html.Tr([html.Td(_month_label(r["month"]) + (" *" if r["to_date"] else "")),
                     html.Td(format_money(r["target"], view.currency), className="num"),
                     html.Td(format_money(r["actual"], view.currency), className="num"),
                     html.Td(format_percent(r["pct"]), className="num"),
                     html.Td(html.I(className="bi bi-check-circle-fill text-success",
                                    title=_("met")) if r["met"] else "")])
            for _i, r in report.iterrows()]
    table = html.Table([html.Thead(html.Tr([html.Th(_("Month")),
                                            html.Th(_("Target"), className="num"),
                                            html.Th(_("Purchases"), className="num"),
                                            html.Th(_("% of target"), className="num"),
                                            html.Th("")])),
                        html.Tbody(rows)], className="table table-sm portrait-table")
    return panel(title, [html.P(words), html.Div(table, className="table-scroll"),
                         html.P(_("* the current month to date"), className="small text-muted")])


MY_KIND_WORDS = {"discovery": N_("Popular with businesses like yours"),
                 "cross_sell": N_("Often bought together with what you buy")}


def suggestions_section(view: Any) -> Any:
    """Products the customer might add (the portrait's discovery and cross-sell, in its
    order), each with why in the customer's words; nothing when there is none to make."""
    items = view.suggestions
    if items is None or items.empty:
        return None
    rows = [html.Li([
        html.Div(str(r["name"]) if isinstance(r["name"], str) and r["name"] else str(r["sku"]),
                 className="fw-semibold suggest-name"),
        html.Div([html.Span(str(r["category"]) if isinstance(r["category"], str)
                            and r["category"] else _("No category"), className="me-2"),
                  html.Span(_(MY_KIND_WORDS.get(str(r["kind"]), MY_KIND_WORDS["discovery"])))],
                 className="small text-muted"),
    ], className="suggest-item") for _i, r in items.iterrows()]
    return panel(_("You might also like"), [html.Ol(rows, className="suggest-list")])


__all__ = ["categories_card", "header", "kpis", "monthly_card", "suggestions_section",
           "targets_card"]
