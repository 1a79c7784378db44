"""The "Download" menu of a page's table: the table as an Excel workbook or as a CSV file in
the reader's language (``dashboard.reports.tables``, served by
``dashboard.web.table_exports``). Each item is a plain link (the browser downloads the file);
its id is ``{"type": <menu type>, "index": "<table>.<format>"}`` so a page's callback can
point every item at the rows currently shown (:func:`export_hrefs`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import N_, _
from dashboard.reports.tables import export_url

FORMAT_NAMES = {"xlsx": N_("Excel workbook (.xlsx)"), "csv": N_("CSV file (.csv)")}


def export_menu(menu_type: str, items: Sequence[tuple[str, str, str]],
                **query: Any) -> dbc.DropdownMenu:
    """A menu of ``(table, format, label)`` items; ``label`` (a message id) heads a group
    when it differs from the previous item's."""
    children: list[Any] = []
    heading = None
    for table, fmt, label in items:
        if label != heading:
            children.append(dbc.DropdownMenuItem(_(label), header=True))
            heading = label
        children.append(dbc.DropdownMenuItem(
            _(FORMAT_NAMES[fmt]), id={"type": menu_type, "index": f"{table}.{fmt}"},
            href=export_url(table, fmt, **query), external_link=True))
    return dbc.DropdownMenu(children, label=html.Span([
        html.I(className="bi bi-file-earmark-spreadsheet me-1"), _("Download")]),
        color="light", size="sm", align_end=True, className="export-menu")


def export_hrefs(output_ids: Sequence[dict[str, Any]], **query: Any) -> list[str]:
    """The address of every item (``ctx.outputs_list`` of the page's callback) for
    ``query``."""
    hrefs = []
    for output in output_ids:
        table, fmt = str(output["id"]["index"]).rsplit(".", 1)
        hrefs.append(export_url(table, fmt, **query))
    return hrefs


__all__ = ["FORMAT_NAMES", "export_hrefs", "export_menu"]
