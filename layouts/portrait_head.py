"""The portrait's header (name, code, type, tier now and before, status, account manager,
region, click-to-call and mail links) and its "not found" state; ``layouts/portrait.py`` is
the page, ``callbacks/portrait.py`` fills it."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from dash import dcc, html

from dashboard.filters import CUSTOMER_PATH_TEMPLATE, CUSTOMERS_PATH
from dashboard.i18n import _, format_date
from dashboard.reports.pdf_links import report_href
from layouts.components.badges import status_badge, tier_badge
from layouts.components.states import empty_state
from layouts.customer_grid import ACTION_NAMES, badge_list, email_href, phone_href
from layouts.labels import customer_type_name, period_name

MAX_CODE = 64


def customer_code(code: Any) -> str:
    """The customer code of the address (decoded; empty when unusable)."""
    text = unquote(str(code or "")).strip()
    if not text or len(text) > MAX_CODE or any(ord(ch) < 0x20 for ch in text):
        return ""
    return text


def _contact(icon: str, text: Any, href: str | None) -> Any:
    if not text:
        return None
    label = [html.I(className=f"bi {icon} me-1", **{"aria-hidden": "true"}), str(text)]
    return html.A(label, href=href, className="contact-item") if href else html.Span(
        label, className="contact-item")


def _word(value: Any) -> str | None:
    """A category of the table row as text (None for a missing one)."""
    return value if isinstance(value, str) and value else None


def _playbook(action: str | None) -> Any:
    """The seed's playbook action for the customer's tier movement (keep, grow, promote,
    call, visit now)."""
    if action not in ACTION_NAMES:
        return None
    return html.Span([html.I(className="bi bi-signpost-split me-1", **{"aria-hidden": "true"}),
                      _(ACTION_NAMES[action])], className="playbook-action",
                     title=_("Playbook"))


def class_badges(badges: Any) -> list[html.Span]:
    """The customer's band and segment badges in the band's colour (the scheme or rule name
    on hover, and before the band for screen readers)."""
    shown = []
    for badge in badge_list(list(badges or ())):
        shown.append(html.Span([html.Span(badge["h"] + ": ", className="visually-hidden"),
                                badge["t"]], title=badge["h"],
                               className="badge badge-class",
                               style={"borderLeftColor": badge["c"],
                                      "backgroundColor": badge["c"] + "1f"}))
    return shown


def header(view: Any) -> html.Div:
    record, row = view.record, view.figures or {}
    status = _word(row.get("status"))
    badges = [html.Span(customer_type_name(record.customer_type),
                        className="badge text-bg-light border"),
              html.Span([_("Tier") + " ", tier_badge(_word(row.get("abc_tier")),
                                                      previous=_word(row.get("abc_tier_prev")))],
                        className="head-tier"),
              status_badge(status) if status else None,
              status_badge("new") if row.get("is_new") else None,
              _playbook(_word(row.get("action"))),
              *class_badges(getattr(view, "badges", ()))]
    people = [html.Span([html.I(className="bi bi-person-badge me-1"),
                         record.account_manager or _("no account manager")]),
              html.Span([html.I(className="bi bi-geo me-1"), record.region or "–"]),
              _contact("bi-telephone", record.phone, phone_href(record.phone)),
              _contact("bi-envelope", record.email, email_href(record.email))]
    when = _("{period} to {date}", period=period_name(view.filters.period),
             date=format_date(view.filters.as_of))
    return html.Div([
        html.Div([dcc.Link([html.I(className="bi bi-arrow-left me-1"), _("Customers")],
                           href=CUSTOMERS_PATH, className="small"),
                  html.Span(when, className="text-muted small ms-3"),
                  html.A([html.I(className="bi bi-file-earmark-pdf me-1",
                                 **{"aria-hidden": "true"}), _("PDF")],
                         href=report_href(record.code, view.filters), target="_blank",
                         className="btn btn-outline-secondary btn-sm ms-3",
                         title=_("Printable report of this customer (PDF)"))]),
        html.H1([record.name or record.code, html.Small(record.code,
                                                        className="text-muted ms-2")],
                className="portrait-name",
                # assets/page_title.js makes it the tab's title
                **{"data-title": f"{record.name or record.code} · {_('Customer cockpit')}",
                   "data-title-on": CUSTOMER_PATH_TEMPLATE.split("<", 1)[0]}),
        html.Div([b for b in badges if b is not None], className="portrait-badges"),
        html.Div([p for p in people if p is not None], className="portrait-people"),
    ])


def not_found() -> html.Div:
    return empty_state(_("Customer not found"),
                       _("This customer does not exist or is not assigned to you."),
                       action=dcc.Link(_("Back to the customer list"), href=CUSTOMERS_PATH,
                                       className="btn btn-primary btn-sm"),
                       icon="bi-person-x")


__all__ = ["class_badges", "customer_code", "header", "not_found"]
