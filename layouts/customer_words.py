"""What the customer list says above its grid: the filter in words, the one-click status
and tier choices, the count, the selection, the empty state, and the export and coupon links
(``layouts/customers.py`` is the page; ``callbacks/customers.py`` fills it with these)."""

from __future__ import annotations

import dataclasses
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.analytics.abc import TIERS
from dashboard.analytics.selection import NO_TIER, Selector
from dashboard.filters import (
    CUSTOMER_EXPORT_PATH,
    FOLLOWUPS_PATH,
    NEW_CAMPAIGN_PATH,
    customers_url,
    encode,
)
from dashboard.i18n import N_, _, format_date, format_number, ngettext
from layouts import ids
from layouts.components.states import empty_state
from layouts.labels import customer_type_name, move_name, period_name, status_name

EXPORT_PATH = CUSTOMER_EXPORT_PATH
CAMPAIGN_PATH = NEW_CAMPAIGN_PATH
MOVER_NAMES = {
    "revenue_surge": N_("Revenue surged (last 30 days)"),
    "revenue_drop": N_("Revenue dropped (last 30 days)"),
    "orders_surge": N_("Orders surged (last 30 days)"),
    "orders_drop": N_("Orders dropped (last 30 days)"),
}
STATUS_CHOICES = ("active", "churning", "lost", "never")


def selector_words(selector: Selector,
                   scheme: tuple[str, str | None] | None = None,
                   segment: str | None = None) -> list[str]:
    """The list selector in words ("Tier moved A → D", "Churning"); a scheme and band by
    their title and label ("Risk of going away: At risk") when ``scheme`` gives them, a
    rule's segment by its name when ``segment`` gives it."""
    words: list[str] = []
    if getattr(selector, "segment", None) is not None:
        words.append(_("Segment: {segment}", segment=segment) if segment
                     else _("Segment of rule {rule}", rule=selector.segment))
    if scheme is not None:
        title, band = scheme
        words.append(_("{scheme}: {band}", scheme=title, band=band) if band else title)
    elif getattr(selector, "scheme", None) is not None:
        band = getattr(selector, "band", None)
        words.append(_("Classification scheme {scheme}, band {band}", scheme=selector.scheme,
                       band=band) if band else _("Classification scheme {scheme}",
                                                 scheme=selector.scheme))
    if selector.status:
        words.append(_("Status: {status}", status=status_name(selector.status)))
    if selector.new:
        words.append(status_name("new"))
    if getattr(selector, "once", False):
        words.append(status_name("once"))
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
    words = selector_words(header.selector, getattr(header, "scheme_words", None),
                           getattr(header, "segment_words", None)) or [_("All customers")]
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
                     html.Span(_(", ").join(filter_words(header)), className="list-words")],
                    className="page-headline")


def _link(header: Any, selector: Selector) -> str:
    return customers_url(header.filters, selector, today=header.today,
                         default_period=header.default_period)


def _pill(label: str, href: str, active: bool, extra: str = "") -> dcc.Link:
    return dcc.Link(label, href=href, className="pill" + (" active" if active else "") + extra)


def pickers(header: Any) -> list[html.Div]:
    """One-click status and tier choices (they change the list selector)."""
    current = header.selector
    plain = dataclasses.replace(current, status=None, new=False, once=False)
    statuses = [_pill(_("All"), _link(header, plain),
                      not current.status and not current.new and not current.once)]
    statuses += [_pill(status_name(s), _link(header, dataclasses.replace(plain, status=s)),
                       current.status == s, f" pill-status-{s}") for s in STATUS_CHOICES]
    statuses.append(_pill(status_name("new"), _link(header, dataclasses.replace(plain,
                                                                                new=True)),
                          current.new, " pill-status-new"))
    statuses.append(_pill(status_name("once"), _link(header, dataclasses.replace(plain,
                                                                                 once=True)),
                          current.once, " pill-status-once"))
    no_tier = dataclasses.replace(current, tier=None)
    tiers = [_pill(_("All tiers"), _link(header, no_tier), not current.tier)]
    tiers += [_pill(t, _link(header, dataclasses.replace(current, tier=t)),
                    current.tier == t, f" pill-tier-{t}") for t in TIERS]
    rows = [html.Div([html.Span(_("Status"), className="pill-label"), *statuses],
                     className="pill-row"),
            html.Div([html.Span(_("Tier"), className="pill-label"), *tiers],
                     className="pill-row")]
    classes = class_picker(header)
    return rows if classes is None else [*rows, classes]


def _choice_text(choice: Any) -> str:
    if choice.kind == "segment":
        return _("Segment: {segment}", segment=choice.label)
    return _("{scheme}: {band}", scheme=choice.title, band=choice.label)


def class_picker(header: Any) -> html.Div | None:
    """The band and segment filter: a menu of every band and segment the user may see,
    each a link to this list narrowed to it (kept in the address like the other filters)."""
    choices = getattr(header, "choices", ()) or ()
    if not choices:
        return None
    current = header.selector
    plain = dataclasses.replace(current, scheme=None, band=None, segment=None)
    chosen = None
    for choice in choices:
        if (choice.kind == "scheme" and current.scheme == choice.source_id
                and current.band == choice.band) or (
                choice.kind == "segment" and current.segment == choice.source_id):
            chosen = choice
    items: list[Any] = [dbc.DropdownMenuItem(_("All bands and segments"),
                                             href=_link(header, plain),
                                             active=current.scheme is None
                                             and current.segment is None)]
    last_title = None
    for choice in choices:
        heading = choice.title if choice.kind == "scheme" else _("Segments")
        if heading != last_title:
            items.append(dbc.DropdownMenuItem(heading, header=True))
            last_title = heading
        target = (dataclasses.replace(plain, scheme=choice.source_id, band=choice.band)
                  if choice.kind == "scheme"
                  else dataclasses.replace(plain, segment=choice.source_id))
        items.append(dbc.DropdownMenuItem(
            [html.Span(className="class-dot", style={"backgroundColor": choice.colour}),
             choice.label], href=_link(header, target), active=choice is chosen,
            className="class-choice"))
    label = _choice_text(chosen) if chosen else (
        _("Classification scheme {scheme}", scheme=current.scheme)
        if current.scheme is not None else _("All bands and segments"))
    return html.Div([html.Span(_("Band or segment"), className="pill-label"),
                     dbc.DropdownMenu(items, label=label, size="sm", color="light",
                                      id=ids.CUSTOMERS_CLASS_MENU,
                                      className="class-picker",
                                      toggle_class_name="class-picker-toggle")],
                    className="pill-row")


def count_text(total: int) -> str:
    return ngettext("{n} customer", "{n} customers", total)


def export_href(view_token: str) -> str:
    return EXPORT_PATH + encode({"view": view_token})


def coupon_href(selection_token: str) -> str:
    return CAMPAIGN_PATH + encode({"selection": selection_token})


def followup_href(selection_token: str) -> str:
    """The follow-ups page with the assign form for the selection."""
    return FOLLOWUPS_PATH + encode({"selection": selection_token})


def select_all_text(total: int) -> str:
    return ngettext("Select the {n} matching customer", "Select all {n} matching customers",
                    total)


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


__all__ = ["CAMPAIGN_PATH", "EXPORT_PATH", "class_picker", "count_text", "coupon_href", "empty_list",
           "followup_href",
           "export_href", "filter_words", "headline", "pickers", "select_all_text",
           "selection_text",
           "selector_words"]
