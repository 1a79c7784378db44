"""The campaign list at ``/campaigns``: every campaign with recipients in the user's scope —
name, who created it, channel, when, recipients, sent, failed, outcome unknown, held out,
cannot be reached, redeemed and the revenue of the redeeming orders — with live progress for
campaigns still sending, and the messages that need a decision (their outcome is unknown:
an owner or sales manager marks them sent or releases them to be sent again).

The page is a skeleton; ``callbacks/campaigns.py`` fills it from one service call and
refreshes it every two seconds while a campaign is sending.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.filters import CAMPAIGNS_PATH
from dashboard.i18n import N_, _
from layouts import ids
from layouts.campaign_list_parts import (
    NEW_PATH,
    REFRESH_MS,
    campaign_grid,
    column_defs,
    decision_defs,
)
from layouts.components.cards import panel
from layouts.components.export_menu import export_menu
from layouts.components.states import skeleton

CAMPAIGN_DOWNLOADS = (("campaigns", "xlsx", N_("The campaigns listed")),
                      ("campaigns", "csv", N_("The campaigns listed")))


def title() -> str:
    return _("Campaigns") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=CAMPAIGNS_PATH, name="Campaigns", title=lambda **_kw: title())


def _decide_modal() -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(_("Decide on this message"))),
        dbc.ModalBody(html.Div(id=ids.CAMPAIGNS_DECIDE_TEXT)),
        dbc.ModalFooter([
            dbc.Button(_("Cancel"), id=ids.CAMPAIGNS_DECIDE_CANCEL, color="secondary",
                       outline=True),
            dbc.Button(_("Confirm"), id=ids.CAMPAIGNS_DECIDE_CONFIRM, color="primary"),
        ]),
        dcc.Store(id=ids.CAMPAIGNS_DECIDE_TARGET),
    ], id=ids.CAMPAIGNS_DECIDE_MODAL, is_open=False)


def layout(**_query: Any) -> html.Div:
    decisions = html.Div(panel(_("Needs a decision"), [
        html.P(id=ids.CAMPAIGNS_DECISIONS_NOTE, className="small text-muted mb-2"),
        campaign_grid(ids.CAMPAIGNS_DECISIONS_GRID, decision_defs(False), "150px"),
    ]), id=ids.CAMPAIGNS_DECISIONS, hidden=True, className="mb-3")
    return html.Div([
        dcc.Store(id=ids.CAMPAIGNS_REFRESH, data=0),
        dcc.Interval(id=ids.CAMPAIGNS_INTERVAL, interval=REFRESH_MS, disabled=True),
        html.Div([html.H1(_("Campaigns")),
                  html.Div(skeleton(1), id=ids.CAMPAIGNS_COUNT, className="text-muted"),
                  html.Div([export_menu(ids.CAMPAIGNS_DOWNLOADS, CAMPAIGN_DOWNLOADS),
                            dcc.Link([html.I(className="bi bi-plus-lg me-1"),
                                      _("New campaign")], href=NEW_PATH,
                                     className="btn btn-primary btn-sm")],
                           className="ms-auto d-flex gap-2")],
                 className="page-headline"),
        dbc.Alert(id=ids.CAMPAIGNS_RESULT, is_open=False, dismissable=True, duration=10000,
                  color="success", className="py-2"),
        decisions,
        html.Div(id=ids.CAMPAIGNS_EMPTY, hidden=True),
        html.Div(campaign_grid(ids.CAMPAIGNS_GRID, column_defs(), "150px"),
                 className="grid-frame campaigns-frame"),
        _decide_modal(),
    ], className="container-fluid cockpit-page campaigns-page")


__all__ = ["layout", "title"]
