"""The Team page: the address → one service call → the table and the chart
(``dashboard.services.team``; scoped there); the download and PDF addresses follow the
address."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, ctx

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime
from dashboard import filters as address
from dashboard.reports.pdf_links import team_pdf_url
from dashboard.services import team as service
from layouts import ids
from layouts.components.export_menu import export_hrefs
from layouts.team import headline, note, team_chart, team_table


@callback(
    Input(ids.TEAM_PAGE_QUERY, "data"),
    output={"headline": Output(ids.TEAM_PAGE_HEADLINE, "children"),
            "note": Output(ids.TEAM_PAGE_NOTE, "children"),
            "table": Output(ids.TEAM_PAGE_TABLE, "children"),
            "chart": Output(ids.TEAM_PAGE_CHART, "children")},
)
def update_team_page(query: dict[str, Any] | None) -> dict[str, Any]:
    page = service.get_team_page(current_runtime(), current_actor(),
                                 address.parse_filters(query))
    return {"headline": headline(page), "note": note(page), "table": team_table(page),
            "chart": team_chart(page)}


@callback(
    Output({"type": ids.TEAM_PAGE_DOWNLOADS, "index": ALL}, "href"),
    Output(ids.TEAM_PAGE_PDF, "href"),
    Input(ids.TEAM_PAGE_QUERY, "data"),
)
def update_team_downloads(query: dict[str, Any] | None) -> tuple[list[str], str]:
    params = address.filter_params(address.parse_filters(query), default_period=None)
    return export_hrefs(ctx.outputs_list[0], **params), team_pdf_url(params)
