"""The composition root: ``create_app`` builds the server, database, cache and Dash app.

Module level: ``app = create_app()`` and ``server = app.server`` for gunicorn
(``gunicorn app:server``).
"""

from __future__ import annotations

from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from flask import Flask

import callbacks
from dashboard.config import Settings, load_settings
from dashboard.runtime import build_runtime
from layouts import ids

ROOT = Path(__file__).resolve().parent


def _shell() -> html.Div:
    return html.Div(
        [
            dcc.Location(id=ids.URL),
            dbc.NavbarSimple(brand="Customer cockpit", color="dark", dark=True),
            html.Main(dash.page_container, id=ids.PAGE_CONTENT),
        ]
    )


def create_app(settings: Settings | None = None) -> dash.Dash:
    settings = settings or load_settings()
    runtime = build_runtime(settings)
    server = Flask(__name__)
    server.extensions["cockpit"] = runtime
    app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(ROOT / "layouts"),
        assets_folder=str(ROOT / "assets"),
        title="Customer cockpit",
        update_title=None,
        serve_locally=True,
        suppress_callback_exceptions=False,
    )
    app.layout = _shell
    callbacks.register(app)
    return app


app = create_app()
server = app.server
