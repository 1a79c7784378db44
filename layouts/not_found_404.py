"""The page for an address the cockpit does not have (Dash uses a page module of this name for
every unknown path)."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from dashboard.filters import COCKPIT_PATH, NOT_FOUND_PATH
from dashboard.i18n import _
from layouts.components.states import empty_state


def title() -> str:
    return _("Page not found") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=NOT_FOUND_PATH, name="Page not found", title=lambda **_kw: title())


def layout(**_query: Any) -> html.Div:
    return html.Div(empty_state(
        _("Page not found"),
        _("This address is not a page of the cockpit. It may have been typed wrong or come "
          "from an old link."),
        dcc.Link(_("Open the cockpit"), href=COCKPIT_PATH, className="btn btn-primary"),
        icon="bi-signpost-split"), className="container-fluid not-found-page")
