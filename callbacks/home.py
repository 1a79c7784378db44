"""Fills the plain start page."""

from __future__ import annotations

from dash import Input, Output, html

from callbacks import callback
from callbacks._runtime import current_runtime
from dashboard.services import home as service
from layouts import ids


@callback(Output(ids.HOME_SUMMARY, "children"), Input(ids.URL, "pathname"))
def update_home_summary(_pathname: str) -> list:
    summary = service.get_summary(current_runtime())
    return [html.P(f"{label}: {value:,}") for label, value in summary.items()]
