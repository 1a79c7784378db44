"""The cockpit's headline, KPI cards, status, ABC and tier-movement panels, built from the
cockpit service's ``CockpitView``. Every count is a link to exactly those customers."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard.analytics.abc import TIERS, playbook_action
from dashboard.analytics.selection import NO_TIER, Selector
from dashboard.filters import customers_url
from dashboard.i18n import (
    _,
    format_date_range,
    format_money,
    format_number,
    format_percent,
    ngettext,
)
from layouts.components.cards import Delta, kpi_card, panel
from layouts.customer_grid import ACTION_NAMES
from layouts.figures import MOVE_COLOURS, STATUS_COLOURS, TIER_COLOURS
from layouts.labels import customer_type_name, kpi_name, move_name, period_name, status_name

STATUS_ORDER = ("active", "churning", "lost", "never")
# (KPI, up is good, list selector of the customers it counts)
KPI_CARDS = (
    ("revenue", True, None),
    ("orders", True, None),
    ("active", True, Selector(status="active")),
    ("new", True, Selector(new=True)),
    ("churning", False, Selector(status="churning")),
    ("lost", False, Selector(status="lost")),
    ("never", False, Selector(status="never")),
)
MOVE_ARROWS = {"up": "▲", "down": "▼", "same": "=", "new": "+"}


def list_url(view: Any, selector: Selector) -> str:
    """The customer list of ``selector`` under the view's filters."""
    return customers_url(view.filters, selector, today=view.today,
                         default_period=view.default_period)


def count_link(view: Any, value: int, selector: Selector, **kwargs: Any) -> dcc.Link:
    return dcc.Link(format_number(value), href=list_url(view, selector), **kwargs)


# --- headline -----------------------------------------------------------------------------


def _scope_words(view: Any) -> list[str]:
    words = {"team": _("your team's customers"), "rep": _("your customers"),
             "none": _("no customers assigned to you")}
    parts = [words[view.scope]] if view.scope in words else []
    f = view.filters
    if f.customer_type:
        parts.append(customer_type_name(f.customer_type))
    if f.region:
        parts.append(f.region)
    if view.rep_name:
        parts.append(view.rep_name)
    return parts


def headline(view: Any) -> html.Div:
    """"Cockpit · Last 30 days, Oct 24 – Nov 22, 2026 · compared with …"."""
    period = view.period
    when = _("{period}: {dates}", period=period_name(period.key),
             dates=format_date_range(period.start, period.end))
    before = _("compared with {dates}",
               dates=format_date_range(period.prev_start, period.prev_end))
    scope = _scope_words(view)
    return html.Div([
        html.H1(_("Cockpit")),
        html.Span(when, className="fw-semibold"),
        html.Span(before, className="text-muted"),
        html.Span(" · ".join(scope), className="badge text-bg-light border") if scope
        else None,
    ], className="page-headline")


# --- KPI cards --------------------------------------------------------------------------------


MONEY_KPIS = ("revenue", "gross_margin")


def _value(view: Any, kpi: str, amount: float) -> str:
    if kpi in MONEY_KPIS:
        return format_money(amount, view.currency, compact=True)
    return format_number(amount)


def _shown_kpis(view: Any) -> list[tuple[str, bool, Selector | None]]:
    """The KPI cards, with the gross margin beside revenue where unit costs are known."""
    cards = list(KPI_CARDS)
    margin = view.overview.kpis.loc["gross_margin"]
    if not (math.isnan(margin["current"]) and math.isnan(margin["previous"])):
        cards.insert(1, ("gross_margin", True, None))
    return cards


def kpi_cards(view: Any) -> list[html.Div]:
    kpis = view.overview.kpis
    cards = []
    for kpi, up_is_good, selector in _shown_kpis(view):
        row = kpis.loc[kpi]
        change = None if math.isnan(row["change_pct"]) else float(row["change_pct"])
        hint = _("Includes cash and guest sales") if kpi == "revenue" and \
            view.cash_sales_included else None
        cards.append(kpi_card(
            kpi_name(kpi), _value(view, kpi, row["current"]),
            previous=_value(view, kpi, row["previous"]), delta=Delta(change, up_is_good),
            href=list_url(view, selector) if selector else None, hint=hint,
            accent=STATUS_COLOURS.get(kpi) if selector else None, card_id=f"kpi-{kpi}"))
    return cards


# --- status -----------------------------------------------------------------------------------


def _segment(view: Any, status: str, customers: int, share: float) -> dcc.Link:
    label = f"{status_name(status)}: {format_number(customers)} ({format_percent(share)})"
    return dcc.Link(html.Span(label, className="visually-hidden"),
                    href=list_url(view, Selector(status=status)), title=label,
                    style={"width": f"{share:.3f}%", "background": STATUS_COLOURS[status]})


def _legend_row(view: Any, status: str, customers: int, share: float,
                selector: Selector) -> html.Tr:
    swatch = html.Span(className="swatch", style={"background": STATUS_COLOURS[status]})
    return html.Tr([
        html.Td([swatch, dcc.Link(status_name(status), href=list_url(view, selector))]),
        html.Td(count_link(view, customers, selector), className="num"),
        html.Td(format_percent(share), className="num text-muted"),
    ])


def status_panel(view: Any) -> html.Section:
    statuses = view.overview.statuses
    shares = statuses["share_pct"].fillna(0.0)
    bar = html.Div([_segment(view, s, int(statuses.loc[s, "customers"]), float(shares[s]))
                    for s in STATUS_ORDER if statuses.loc[s, "customers"] > 0],
                   className="stack-bar")
    rows = [_legend_row(view, s, int(statuses.loc[s, "customers"]), float(shares[s]),
                        Selector(status=s)) for s in STATUS_ORDER]
    rows.append(_legend_row(view, "new", int(statuses.loc["new", "customers"]),
                            float(shares["new"]), Selector(new=True)))
    if "once" in statuses.index:
        rows.append(_legend_row(view, "once", int(statuses.loc["once", "customers"]),
                                float(shares["once"]), Selector(once=True)))
    note = ngettext("{n} customer", "{n} customers", view.customers)
    return panel(_("Customer status"), [bar, html.Table(html.Tbody(rows),
                                                        className="legend-table")],
                 note=note, footer=html.Div([
                     _("New customers and one-time buyers are also counted in their status."),
                     " ", status_vs_schemes()], className="panel-body pt-0 small text-muted "
                                                         "status-definition"))


def status_vs_schemes() -> str:
    """How the status and the classification schemes count differently (both show counts
    of customers; the cockpit and the Schemes page say it in the same words)."""
    return _("The status comes from each customer's chance of having stopped buying (or "
             "the risk score's limits, where the settings say so); the bands on the Schemes "
             "page use each scheme's own figure, limits and timeframe, so their counts can "
             "differ: a customer can be 'At risk' in a scheme and still active.")


# --- ABC tiers ------------------------------------------------------------------------------


def _share_bar(share: float, colour: str, muted: bool = False) -> html.Div:
    width = 0.0 if math.isnan(share) else max(0.0, min(100.0, share))
    return html.Div(html.Div(className="share-fill" + (" muted" if muted else ""),
                             style={"width": f"{width:.2f}%", "background": colour}),
                    className="share-track")


def _revenue_words(view: Any, row: Any) -> list[Any]:
    """A tier's share of revenue and its revenue; a tier whose returns outweigh its sales
    (D: no revenue in the period) shows no share below zero and no negative money."""
    revenue = float(row["revenue"])
    share = format_percent(max(float(row["revenue_pct"]), 0.0))
    if revenue <= 0:
        return [share]
    return [share, html.Br(), html.Small(format_money(revenue, view.currency, compact=True),
                                         title=format_money(revenue, view.currency),
                                         className="text-muted")]


def tiers_panel(view: Any) -> html.Section:
    tiers = view.overview.tiers
    header = html.Thead(html.Tr([html.Th(_("Tier")), html.Th(_("Customers"), className="num"),
                                 html.Th(_("Share of revenue")), html.Th("", className="num")]))
    rows = []
    for tier in TIERS:
        row = tiers.loc[tier]
        badge = html.Span(tier, className=f"badge badge-tier badge-tier-{tier}")
        rows.append(html.Tr([
            html.Td(dcc.Link(badge, href=list_url(view, Selector(tier=tier)),
                             title=_("Tier {tier}", tier=tier))),
            html.Td([count_link(view, int(row["customers"]), Selector(tier=tier)),
                     html.Div(_share_bar(float(row["customer_pct"]), TIER_COLOURS[tier],
                                         muted=True),
                              title=_("{share} of customers",
                                      share=format_percent(row["customer_pct"])),
                              className="customer-share")], className="num"),
            html.Td(_share_bar(max(float(row["revenue_pct"]), 0.0), TIER_COLOURS[tier]),
                    style={"width": "40%"}),
            html.Td(_revenue_words(view, row), className="num"),
        ]))
    note = _("D: no revenue in the period")
    return panel(_("ABC tiers"), html.Table([header, html.Tbody(rows)],
                                             className="legend-table"), note=note)


# --- tier movement matrix -------------------------------------------------------------------


def _kind(before: str, now: str) -> str:
    if before == NO_TIER:
        return "new"
    gap = TIERS.index(now) - TIERS.index(before)
    return "same" if gap == 0 else ("up" if gap < 0 else "down")


def _cell_style(kind: str, value: int, largest: dict[str, int]) -> dict[str, str]:
    if value <= 0:
        return {"background": "#f8f9fa", "color": "#6c757d"}
    strength = 0.15 + 0.7 * math.sqrt(value / max(largest[kind], 1))
    colour = MOVE_COLOURS[kind].lstrip("#")
    r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return {"background": f"rgba({r},{g},{b},{strength:.2f})",
            "color": "#fff" if strength > 0.55 else "#212529"}


def _cells(view: Any) -> dict[tuple[str, str], int]:
    matrix = view.overview.tier_matrix
    cells = {(p, n): int(matrix.loc[p, n]) for p in TIERS for n in TIERS}
    cells.update({(NO_TIER, n): int(view.entries[n]) for n in TIERS})
    return cells


def _cell_actions() -> dict[tuple[str, str], str]:
    """The seed's playbook action of every matrix cell (previous tier, tier now)."""
    cells = [(before, now) for before in (*TIERS, NO_TIER) for now in TIERS]
    actions = playbook_action(pd.Series([now for _b, now in cells]),
                              pd.Series([before for before, _n in cells]))
    return dict(zip(cells, actions.astype(str).tolist(), strict=True))


def _playbook_lines(actions: dict[tuple[str, str], str]) -> list[tuple[str, str]]:
    """The playbook in a few lines: the cells of each action, by the tier now (and the
    previous tiers when one tier now has several actions)."""
    lines = []
    for action in dict.fromkeys(actions.values()):
        cells = [cell for cell, a in actions.items() if a == action]
        nows = sorted({now for _b, now in cells})
        split = any(a != action for (_b, n), a in actions.items() if n in nows)
        if split:
            befores = sorted({b for b, _n in cells}, key=lambda b: (b == NO_TIER, b))
            shown = [b if b != NO_TIER else "–" for b in befores]
            lines.append(("/".join(shown) + " → " + "/".join(nows), action))
        else:
            lines.append(("/".join(nows), action))
    return lines


def matrix_panel(view: Any) -> html.Section:
    cells = _cells(view)
    largest: dict[str, int] = {}
    for (before, now), value in cells.items():
        kind = _kind(before, now)
        largest[kind] = max(largest.get(kind, 0), value)
    actions = _cell_actions()
    head = html.Tr([html.Th(html.Span(_("before ↓ now →"), className="axis-note")),
                    *(html.Th(t) for t in TIERS)])
    rows = []
    for before in (*TIERS, NO_TIER):
        label = before if before != NO_TIER else _("no tier")
        tds = []
        for now in TIERS:
            value, kind = cells[(before, now)], _kind(before, now)
            words = _("{before} → {now}: {count}", before=label, now=now,
                      count=format_number(value)) + " · " + _(ACTION_NAMES[actions[(before, now)]])
            tds.append(html.Td(count_link(view, value, Selector(tier_prev=before, tier=now),
                                          title=words), style=_cell_style(kind, value,
                                                                          largest)))
        rows.append(html.Tr([html.Th(label, className="row-head", scope="row"), *tds]))
    summary = html.Div([html.Span([
        html.Span(MOVE_ARROWS[m], style={"color": MOVE_COLOURS[m]}), " ",
        dcc.Link(move_name(m), href=list_url(view, Selector(move=m))), " ",
        count_link(view, int(view.moves[m]), Selector(move=m))]) for m in MOVE_ARROWS],
        className="move-summary")
    playbook = html.Ul([html.Li([html.Strong(tiers + " "), _(ACTION_NAMES[action])])
                        for tiers, action in _playbook_lines(actions)],
                       className="playbook-legend", **{"aria-label": _("Playbook")})
    return panel(_("Tier movement"), [html.Table([html.Thead(head), html.Tbody(rows)],
                                                 className="matrix"), summary, playbook],
                 note=_("previous period → this period"))


__all__ = ["KPI_CARDS", "count_link", "headline", "kpi_cards", "list_url", "matrix_panel",
           "status_panel", "tiers_panel"]
