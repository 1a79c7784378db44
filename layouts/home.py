"""Plain start page: what is in the database."""

from __future__ import annotations

import dash
from dash import html

from layouts import ids

dash.register_page(__name__, path="/", name="Cockpit", title="Customer cockpit")


def layout(**_query: str) -> html.Div:
    return html.Div(
        [html.H1("Customer cockpit"), html.Div(id=ids.HOME_SUMMARY, children="Loading…")],
        className="container py-4",
    )
