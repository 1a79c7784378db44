"""The customer list at ``/customers`` (UI.md "Lists"; the ERP's customer analysis list).

The address is the list: the filter bar's query and a list selector (``layouts/links.py``),
so every count on the cockpit opens exactly its customers here. Above the grid the page says
in words which filter produced the list, with one-click choices of status and tier; the
toolbar has the quick search, the column chooser and the CSV export of the rows shown; the
selection bar keeps the rows ticked across pages ("select all N matching" too) for the coupon
campaign; every row has "log a call or visit" and "add a comment" buttons.

The page is a skeleton: ``callbacks/customers.py`` fills it, the grid asks the server for
its rows page by page.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.analytics.abc import TIERS
from dashboard.analytics.selection import NO_TIER, Selector
from dashboard.i18n import N_, _, format_date, format_number, ngettext
from layouts import ids
from layouts.components.contact_form import ContactIds, contact_modal
from layouts.components.states import empty_state, skeleton
from layouts.customer_grid import DEFAULT_SHOWN, column_options, customer_grid
from layouts.labels import customer_type_name, move_name, period_name, status_name
from layouts.links import customers_url, encode, query_params

EXPORT_PATH = "/customers/export.csv"
CAMPAIGN_PATH = "/campaigns/new"
MOVER_NAMES = {
    "revenue_surge": N_("Revenue surged (last 30 days)"),
    "revenue_drop": N_("Revenue dropped (last 30 days)"),
    "orders_surge": N_("Orders surged (last 30 days)"),
    "orders_drop": N_("Orders dropped (last 30 days)"),
}
STATUS_CHOICES = ("active", "churning", "lost", "never")
CONTACT_IDS = ContactIds(
    modal=ids.CUSTOMERS_CONTACT_MODAL, title=ids.CUSTOMERS_CONTACT_TITLE,
    target=ids.CUSTOMERS_CONTACT_TARGET, kind=ids.CUSTOMERS_CONTACT_KIND,
    outcome=ids.CUSTOMERS_CONTACT_OUTCOME, note=ids.CUSTOMERS_CONTACT_NOTE,
    save=ids.CUSTOMERS_CONTACT_SAVE, cancel=ids.CUSTOMERS_CONTACT_CANCEL,
    error=ids.CUSTOMERS_CONTACT_ERROR)


def title() -> str:
    return _("Customers") + " · " + _("Customer cockpit")


dash.register_page(__name__, path="/customers", name="Customers",
                   title=lambda **_kw: title(), filters=True)


def _toolbar() -> html.Div:
    chooser = html.Div([
        dbc.Button([html.I(className="bi bi-layout-three-columns me-1"), _("Columns")],
                   id=ids.CUSTOMERS_COLUMNS_BUTTON, color="light", size="sm"),
        dbc.Popover(dbc.PopoverBody(dbc.Checklist(
            id=ids.CUSTOMERS_COLUMNS, options=column_options(), value=DEFAULT_SHOWN,
            persistence=True, persistence_type="local", className="column-list")),
            target=ids.CUSTOMERS_COLUMNS_BUTTON, trigger="legacy", placement="bottom"),
    ], className="column-chooser")
    return html.Div([
        html.Label(_("Search customers"), htmlFor=ids.CUSTOMERS_SEARCH,
                   className="visually-hidden"),
        dbc.InputGroup([
            dbc.InputGroupText(html.I(className="bi bi-search", **{"aria-hidden": "true"})),
            dbc.Input(id=ids.CUSTOMERS_SEARCH, type="search", debounce=500, size="sm",
                      maxLength=120, autoComplete="off",
                      placeholder=_("Search name, code, phone, e-mail, region, manager")),
        ], size="sm", className="list-search"),
        html.Div(skeleton(1), id=ids.CUSTOMERS_COUNT, className="list-count"),
        chooser,
        html.A([html.I(className="bi bi-download me-1"), _("Export CSV")],
               id=ids.CUSTOMERS_EXPORT, href=EXPORT_PATH, className="btn btn-light btn-sm",
               title=_("Download the rows shown as a CSV file")),
    ], className="list-toolbar")


def _selection_bar() -> html.Div:
    return html.Div([
        html.Span(_("Tick customers to select them; the selection is kept across pages."),
                  id=ids.CUSTOMERS_SELECTION_TEXT, className="selection-text"),
        dbc.Button(_("Select all matching"), id=ids.CUSTOMERS_SELECT_ALL, size="sm",
                   color="link"),
        dbc.Button(_("Clear selection"), id=ids.CUSTOMERS_CLEAR, size="sm", color="link"),
        html.A([html.I(className="bi bi-ticket-perforated me-1"), _("Send coupon…")],
               id=ids.CUSTOMERS_COUPON, href=CAMPAIGN_PATH,
               className="btn btn-primary btn-sm disabled", **{"aria-disabled": "true"}),
    ], className="selection-bar")


def layout(**query: Any) -> html.Div:
    return html.Div([
        dcc.Store(id=ids.CUSTOMERS_QUERY, data=query_params(query)),
        dcc.Store(id=ids.CUSTOMERS_VIEW),
        dcc.Store(id=ids.CUSTOMERS_SELECTION),
        html.Div(html.Div(html.H1(_("Customers")), className="page-headline"),
                 id=ids.CUSTOMERS_HEADLINE),
        html.Div(id=ids.CUSTOMERS_PICKERS, className="list-pickers"),
        _toolbar(),
        _selection_bar(),
        dbc.Alert(id=ids.CUSTOMERS_RESULT, is_open=False, dismissable=True, duration=6000,
                  color="success", className="py-2"),
        html.Div(id=ids.CUSTOMERS_EMPTY, hidden=True),
        html.Div(customer_grid(), className="grid-frame"),
        contact_modal(CONTACT_IDS),
    ], className="container-fluid cockpit-page customers-page")


# --- the words above the list ---------------------------------------------------------------


def selector_words(selector: Selector) -> list[str]:
    """The list selector in words ("Tier moved A → D", "Churning")."""
    words: list[str] = []
    if getattr(selector, "scheme", None) is not None:
        band = getattr(selector, "band", None)
        words.append(_("Classification scheme {scheme}, band {band}", scheme=selector.scheme,
                       band=band) if band else _("Classification scheme {scheme}",
                                                 scheme=selector.scheme))
    if selector.status:
        words.append(_("Status: {status}", status=status_name(selector.status)))
    if selector.new:
        words.append(status_name("new"))
    if selector.tier_prev and selector.tier:
        before = _("no tier") if selector.tier_prev == NO_TIER else selector.tier_prev
        words.append(_("Tier moved {before} → {now}", before=before, now=selector.tier))
    elif selector.tier_prev:
        words.append(_("Previous tier: {tier}", tier=_("no tier") if selector.tier_prev ==
                       NO_TIER else selector.tier_prev))
    elif selector.tier:
        words.append(_("Tier {tier}", tier=selector.tier))
    if selector.move:
        words.append(_("Tier movement: {move}", move=move_name(selector.move)))
    if selector.mover:
        words.append(_(MOVER_NAMES[selector.mover]))
    return words


def filter_words(header: Any) -> list[str]:
    """Everything that produced the list, in words."""
    f = header.filters
    words = selector_words(header.selector) or [_("All customers")]
    words.append(_("period {period} to {date}", period=period_name(f.period),
                   date=format_date(header.period.end)))
    if f.customer_type:
        words.append(_("type {type}", type=customer_type_name(f.customer_type)))
    if f.region:
        words.append(_("region {region}", region=f.region))
    if header.rep_name:
        words.append(_("account manager {name}", name=header.rep_name))
    scope = {"team": _("your team's customers"), "rep": _("your customers"),
             "none": _("no customers assigned to you")}.get(header.scope)
    if scope:
        words.append(scope)
    return words


def headline(header: Any) -> html.Div:
    return html.Div([html.H1(_("Customers")),
                     html.Span(", ".join(filter_words(header)), className="list-words")],
                    className="page-headline")


def _link(header: Any, selector: Selector) -> str:
    return customers_url(header.filters, selector, today=header.today,
                         default_period=header.default_period)


def _pill(label: str, href: str, active: bool, extra: str = "") -> dcc.Link:
    return dcc.Link(label, href=href, className="pill" + (" active" if active else "") + extra)


def pickers(header: Any) -> list[html.Div]:
    """One-click status and tier choices (they change the list selector)."""
    current = header.selector
    plain = dataclasses.replace(current, status=None, new=False)
    statuses = [_pill(_("All"), _link(header, plain), not current.status and not current.new)]
    statuses += [_pill(status_name(s), _link(header, dataclasses.replace(plain, status=s)),
                       current.status == s, f" pill-status-{s}") for s in STATUS_CHOICES]
    statuses.append(_pill(status_name("new"), _link(header, dataclasses.replace(plain,
                                                                                new=True)),
                          current.new, " pill-status-new"))
    no_tier = dataclasses.replace(current, tier=None)
    tiers = [_pill(_("All tiers"), _link(header, no_tier), not current.tier)]
    tiers += [_pill(t, _link(header, dataclasses.replace(current, tier=t)),
                    current.tier == t, f" pill-tier-{t}") for t in TIERS]
    return [html.Div([html.Span(_("Status"), className="pill-label"), *statuses],
                     className="pill-row"),
            html.Div([html.Span(_("Tier"), className="pill-label"), *tiers],
                     className="pill-row")]


def count_text(total: int) -> str:
    return ngettext("{n} customer", "{n} customers", total)


def export_href(view_token: str) -> str:
    return EXPORT_PATH + encode({"view": view_token})


def coupon_href(selection_token: str) -> str:
    return CAMPAIGN_PATH + encode({"selection": selection_token})


def selection_text(count: int, source: str, total: int | None = None) -> str:
    if count <= 0:
        return _("Tick customers to select them; the selection is kept across pages.")
    if source == "matching":
        return ngettext("All {n} matching customer selected.",
                        "All {n} matching customers selected.", count)
    text = ngettext("{n} customer selected.", "{n} customers selected.", count)
    return text if total is None else text + " " + _("(of {total})", total=format_number(total))


def empty_list() -> html.Div:
    return empty_state(_("No customers match these filters"),
                       _("Try another status or tier, clear the search or the column "
                         "filters, or choose a longer period."), icon="bi-people")


__all__ = ["CONTACT_IDS", "EXPORT_PATH", "count_text", "coupon_href", "empty_list",
           "export_href", "filter_words", "headline", "layout", "pickers", "selection_text",
           "selector_words", "title"]
