"""The migration ledger page: the address and the filters → one service call
(``dashboard.services.ledger``, scoped) → the moves; the download → the same call, audited."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, dcc, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime
from dashboard import filters as address
from dashboard.i18n import current_language
from dashboard.services import ledger as service
from layouts import ids
from layouts.ledger import headline, ledger_file, ledger_table, source_options


def _choices(kind: str | None, source: str | None) -> dict[str, Any]:
    return {"kind": kind if kind in service.KINDS else "all", "source": source or None}


@callback(
    Input(ids.LEDGER_QUERY, "data"), Input(ids.LEDGER_KIND, "value"),
    Input(ids.LEDGER_SOURCE, "value"),
    output={"headline": Output(ids.LEDGER_HEADLINE, "children"),
            "moves": Output(ids.LEDGER_LIST, "children"),
            "sources": Output(ids.LEDGER_SOURCE, "options")},
)
def update_ledger(query: dict[str, Any] | None, kind: str | None,
                  source: str | None) -> dict[str, Any]:
    runtime, filters = current_runtime(), address.parse_filters(query)
    view = service.get_ledger(runtime, current_actor(), as_of=filters.as_of,
                              period=filters.period, **_choices(kind, source))
    return {"headline": headline(view), "moves": ledger_table(view, runtime.settings.currency),
            "sources": source_options(view)}


@callback(
    Output(ids.LEDGER_DOWNLOADED, "data"),
    Input({"type": ids.LEDGER_EXPORT, "index": ALL}, "n_clicks"),
    State(ids.LEDGER_QUERY, "data"), State(ids.LEDGER_KIND, "value"),
    State(ids.LEDGER_SOURCE, "value"), prevent_initial_call=True,
)
def download_ledger(_clicks: list[int | None], query: dict[str, Any] | None, kind: str | None,
                    source: str | None) -> Any:
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return no_update  # the buttons were drawn, not clicked
    fmt = "xlsx" if ctx.triggered_id["index"] == "xlsx" else "csv"
    runtime, filters = current_runtime(), address.parse_filters(query)
    view = service.ledger_export(runtime, current_actor(), as_of=filters.as_of,
                                 period=filters.period, fmt=fmt, **_choices(kind, source))
    table = ledger_file(view, runtime.settings.currency)
    return dcc.send_bytes(table.write(fmt, current_language()), table.filename(fmt))
