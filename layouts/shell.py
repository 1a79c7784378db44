"""The frame around every page: navbar (pages, language switch, user menu), the global filter
bar, the message bar and the page itself.

``app.py`` builds it per request for the signed-in user (:class:`ShellUser`, plain values:
the shell never looks anything up). A navbar entry appears only when its page is registered
and the user's role may open it, so pages added later show up by themselves.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.filters import (
    ALERTS_PATH,
    AUDIT_PATH,
    CAMPAIGNS_PATH,
    COCKPIT_PATH,
    CONTACT_PLAN_PATH,
    CUSTOMERS_PATH,
    DUPLICATES_PATH,
    FOLLOWUPS_PATH,
    IMPORT_PATH,
    LEDGER_PATH,
    MY_PATH,
    SCHEMES_PATH,
    SUGGESTIONS_PATH,
    TARGETS_PATH,
    TEAM_PATH,
    USERS_PATH,
)
from dashboard.i18n import LANGUAGES, N_, SHORT_NAMES, _
from layouts import ids
from layouts.components.filter_bar import filter_bar
from layouts.labels import role_name

LOGO = "/assets/logo.svg"
NAV_ITEMS = (
    (COCKPIT_PATH, N_("Cockpit"), None),
    (CUSTOMERS_PATH, N_("Customers"), None),
    (CAMPAIGNS_PATH, N_("Campaigns"), None),
    (SCHEMES_PATH, N_("Schemes"), None),
    (ALERTS_PATH, N_("Alerts"), None),
    (TARGETS_PATH, N_("Targets"), None),
    (TEAM_PATH, N_("Team"), None),
    (FOLLOWUPS_PATH, N_("Follow-ups"), None),
    # under "More": pages opened now and then (a laptop's navbar holds a line of entries)
    (LEDGER_PATH, N_("Migration ledger"), None),
    (CONTACT_PLAN_PATH, N_("Contact plan"), None),
    (SUGGESTIONS_PATH, N_("Products bought together"), None),
    (DUPLICATES_PATH, N_("Duplicates"), ("owner", "manager")),
    (IMPORT_PATH, N_("Import"), ("owner", "manager")),
    (USERS_PATH, N_("Users"), "owner"),
    (AUDIT_PATH, N_("Audit log"), "owner"),
)
MORE = frozenset({LEDGER_PATH, CONTACT_PLAN_PATH, SUGGESTIONS_PATH, DUPLICATES_PATH,
                  IMPORT_PATH, USERS_PATH, AUDIT_PATH})


@dataclass(frozen=True)
class ShellUser:
    username: str
    display_name: str
    role: str
    language: str
    csrf_token: str  # the session's anti-forgery token, for the plain forms of the navbar


def _nav_label(path: str, label: str) -> Any:
    """The entry's words; the Alerts entry also shows the open alerts in the user's scope
    (filled by ``callbacks/alerts.py``)."""
    if path != ALERTS_PATH:
        return _(label)
    return [_(label), " ", dbc.Badge("", id=ids.NAV_ALERT_COUNT, color="danger", pill=True,
                                     className="nav-alert-count")]


def _nav(user: ShellUser | None, pages: Collection[str]) -> dbc.Nav:
    shown = [(path, label) for path, label, role in NAV_ITEMS
             if path in pages and user is not None
             and (role is None or user.role in ((role,) if isinstance(role, str) else role))]
    items: list[Any] = [dbc.NavItem(dbc.NavLink(_nav_label(path, label), href=path,
                                                active="exact",
                                                id={"type": ids.NAV_LINK, "index": path}))
                        for path, label in shown if path not in MORE]
    more = [dbc.DropdownMenuItem(_(label), href=path, id={"type": ids.NAV_LINK, "index": path})
            for path, label in shown if path in MORE]
    if more:
        items.append(dbc.DropdownMenu(more, label=_("More"), nav=True, in_navbar=True,
                                      className="nav-more"))
    if user is None or ALERTS_PATH not in pages:  # the count's callback needs its component
        items.append(html.Span(id=ids.NAV_ALERT_COUNT, hidden=True))
    if user is None:  # and the links' callback one link
        items.append(html.A(id={"type": ids.NAV_LINK, "index": COCKPIT_PATH}, hidden=True))
    return dbc.Nav(items, navbar=True, className="me-auto")


def language_switch(user: ShellUser, back: str | None = None) -> html.Form:
    """``EN | 中文``: a plain form that stores the choice and shows the page again (``back``:
    a fixed page to come back to, instead of the one the shell's callback keeps)."""
    buttons: list[Any] = []
    for code in LANGUAGES:
        if buttons:
            buttons.append(html.Span("|", className="sep", **{"aria-hidden": "true"}))
        buttons.append(html.Button(
            SHORT_NAMES[code], type="submit", name="language", value=code, lang=code,
            title=LANGUAGES[code], **{"aria-pressed": "true" if code == user.language
                                      else "false"}))
    return html.Form([
        dcc.Input(type="hidden", name="csrf_token", value=user.csrf_token),
        dcc.Input(type="hidden", name="next", value=back) if back else
        dcc.Input(type="hidden", name="next", value=COCKPIT_PATH, id=ids.LANGUAGE_NEXT),
        *buttons,
    ], action="/account/language", method="post", className="language-switch",
        **{"aria-label": _("Language")})


def user_menu(user: ShellUser) -> dbc.DropdownMenu:
    sign_out = html.Form(
        [dcc.Input(type="hidden", name="csrf_token", value=user.csrf_token),
         html.Button(_("Sign out"), type="submit", className="dropdown-item")],
        action="/logout", method="post")
    return dbc.DropdownMenu(
        [dbc.DropdownMenuItem(f"{user.username} · {role_name(user.role)}", header=True),
         dbc.DropdownMenuItem(_("Change password"), href="/account/password",
                              external_link=True),
         dbc.DropdownMenuItem(divider=True), sign_out],
        label=user.display_name or user.username, nav=True, align_end=True)


def navbar(user: ShellUser | None, pages: Collection[str]) -> dbc.Navbar:
    # Without a user (only while Dash checks the layout) the switch's return field stays, so
    # that every callback's component exists in the layout.
    right: list[Any] = [html.Div(dcc.Input(type="hidden", id=ids.LANGUAGE_NEXT), hidden=True)]
    if user is not None:
        right = [language_switch(user), dbc.Nav([user_menu(user)], navbar=True)]
    brand = dbc.NavbarBrand([html.Img(src=LOGO, alt=""), _("Customer cockpit")], href=COCKPIT_PATH,
                            className="cockpit-brand")
    return dbc.Navbar(dbc.Container([
        brand, dbc.NavbarToggler(id=ids.NAVBAR_TOGGLER, n_clicks=0),
        dbc.Collapse([_nav(user, pages), *right], id=ids.NAVBAR_COLLAPSE, navbar=True,
                     is_open=False),
    ], fluid=True), color="dark", dark=True, expand="lg")


def customer_shell(user: ShellUser, page: Any) -> html.Div:
    """The frame of a customer's own sign-in: their page, the language switch and their
    account menu; no staff pages, filter bar or alert count (their callbacks would be
    refused: ``dashboard.web.customer_gate``)."""
    brand = dbc.NavbarBrand([html.Img(src=LOGO, alt=""), _("My purchases")], href=MY_PATH,
                            className="cockpit-brand")
    right = [language_switch(user, back=MY_PATH), dbc.Nav([user_menu(user)], navbar=True)]
    return html.Div([
        html.Header(dbc.Navbar(dbc.Container([
            brand, dbc.NavbarToggler(id=ids.NAVBAR_TOGGLER, n_clicks=0),
            dbc.Collapse([dbc.Nav([], navbar=True, className="me-auto"), *right],
                         id=ids.NAVBAR_COLLAPSE, navbar=True, is_open=False),
        ], fluid=True), color="dark", dark=True, expand="lg")),
        dbc.Container(dbc.Alert(id=ids.SHELL_MESSAGE, is_open=False, dismissable=True,
                                className="mt-3 mb-0"), fluid=True),
        html.Main(page, id=ids.PAGE_CONTENT),
    ])


def shell(user: ShellUser | None, page: Any, pages: Collection[str]) -> html.Div:
    """The whole frame; ``page`` is Dash's page container, ``pages`` the registered paths."""
    if user is not None and user.role == "customer":
        return customer_shell(user, page)
    return html.Div([
        dcc.Location(id=ids.URL, refresh="callback-nav"),
        html.Header([navbar(user, pages), filter_bar()]),
        dbc.Container(dbc.Alert(id=ids.SHELL_MESSAGE, is_open=False, dismissable=True,
                                className="mt-3 mb-0"), fluid=True),
        html.Main(page, id=ids.PAGE_CONTENT),
    ])


__all__ = ["NAV_ITEMS", "ShellUser", "customer_shell", "language_switch", "navbar", "shell", "user_menu"]
