"""The campaign list's pieces (``layouts/campaigns.py`` is the page; ``callbacks/campaigns.py``
fills it with these): the grids' columns and rows, AG Grid's own words in the reader's
language, the words about messages that need a decision, and the empty state."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from dashboard.analytics.sends import Progress
from dashboard.filters import NEW_CAMPAIGN_PATH, campaign_path
from dashboard.i18n import N_, _, format_date, format_money, format_number, ngettext
from layouts.components.campaign_parts import channel_name, progress_words
from layouts.components.states import empty_state

NEW_PATH = NEW_CAMPAIGN_PATH
REFRESH_MS = 2000
COLUMNS = (  # field, label, width, kind (numbers and dates never narrower than themselves)
    ("name", N_("Campaign"), 180, "link"),
    ("created_by", N_("Created by"), 95, "text"),
    ("channel", N_("Channel"), 90, "text"),
    ("queued_at", N_("Date"), 135, "date"),
    ("progress", N_("Progress"), 130, "progress"),
    ("recipients", N_("Recipients"), 100, "num"),
    ("sent", N_("Sent"), 65, "num"),
    ("failed", N_("Failed"), 75, "num"),
    ("unknown", N_("Unknown"), 112, "num"),
    ("holdout", N_("Held out"), 72, "num"),
    ("unreachable", N_("Cannot be reached"), 90, "num"),
    ("redeemed", N_("Redeemed"), 105, "num"),
    ("redeemed_revenue", N_("Revenue from redemptions"), 125, "num"),
)
DECISION_COLUMNS = (
    ("campaign", N_("Campaign"), 200),
    ("customer", N_("Customer"), 220),
    ("channel", N_("Channel"), 90),
    ("address", N_("Address"), 200),
    ("since", N_("Sending since"), 150),
    ("last_error", N_("What happened"), 260),
)


def campaign_href(campaign_id: Any) -> str:
    return campaign_path(campaign_id)


def _column(field: str, label: str, width: int, kind: str) -> dict[str, Any]:
    spec: dict[str, Any] = {"field": field, "headerName": _(label), "width": width,
                            "minWidth": width if kind in ("num", "date") else int(width * 0.8),
                            "headerTooltip": _(label)}
    if kind == "num":
        spec["type"] = "rightAligned"
    if kind == "link":  # a long name wraps (the row grows), the full text also on hover
        spec.update(cellRenderer="CampaignLink", pinned="left", tooltipField="name",
                    wrapText=True, autoHeight=True, cellClass="cell-wrap")
    if kind == "progress":
        spec["cellRenderer"] = "SendProgress"
    return spec


def column_defs() -> list[dict[str, Any]]:
    return [_column(*c) for c in COLUMNS]


def decision_defs(may_decide: bool) -> list[dict[str, Any]]:
    defs = [{"field": f, "headerName": _(label), "width": w, "tooltipField": f}
            for f, label, w in DECISION_COLUMNS]
    if may_decide:
        defs.append({"field": "actions", "headerName": "", "width": 300, "pinned": "right",
                     "cellRenderer": "DecisionButtons", "sortable": False,
                     "cellRendererParams": {"sentLabel": _("Mark as sent"),
                                            "resendLabel": _("Release for resending")}})
    return defs


GRID_TEXTS = {"page": N_("Page"), "of": N_("of"), "to": N_("to"), "firstPage": N_("First page"),
              "previousPage": N_("Previous page"), "nextPage": N_("Next page"),
              "lastPage": N_("Last page")}


def grid_locale(no_rows: str) -> dict[str, str]:
    """AG Grid's own words (paging, empty grid) in the reader's language."""
    return {"noRowsToShow": no_rows, **{k: _(v) for k, v in GRID_TEXTS.items()}}


def grid_height(rows: int, most: int = 560) -> dict[str, str]:
    """A grid as tall as its rows (with the header), at most ``most`` pixels."""
    return {"height": f"{max(150, min(most, 60 + 36 * rows))}px", "width": "100%"}


def campaign_grid(grid_id: str, columns: list[dict[str, Any]], height: str) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id, columnDefs=columns, rowData=[], columnSize="responsiveSizeToFit",
        defaultColDef={"resizable": True, "sortable": True, "wrapHeaderText": True,
                       "autoHeaderHeight": True},
        getRowId="params.data.row_id",
        dashGridOptions={"rowHeight": 36, "headerHeight": 36, "tooltipShowDelay": 400,
                         "animateRows": False,
                         "localeText": grid_locale(_("Nothing here yet."))},
        className="ag-theme-alpine campaign-grid", style={"height": height, "width": "100%"})




def _moment(value: Any) -> str:
    """A stored moment (UTC) as the other dates read: ``Nov 20, 2026 09:10 UTC``."""
    moment = pd.Timestamp(value)
    return f"{format_date(moment.date())} {moment.strftime('%H:%M')} UTC"


def _when(value: Any) -> str:
    return "" if pd.isna(value) else format_date(pd.Timestamp(value).date())


def _progress(row: dict[str, Any]) -> dict[str, Any]:
    counts = Progress(row)
    if counts.waiting:
        return {"sending": True, "done": counts.finished, "total": counts.messages,
                "text": _("{done} of {total} done", done=format_number(counts.finished),
                          total=format_number(counts.messages))}
    return {"sending": False, "text": _("finished") if counts.messages else _("nothing to "
                                                                              "send")}


def grid_rows(rows: pd.DataFrame, currency: str) -> list[dict[str, Any]]:
    """The list's rows as the grid shows them (numbers formatted, progress in words)."""
    records = []
    for row in rows.to_dict("records"):  # campaigns, not customers: a few hundred at most
        shown = {c: format_number(row[c]) for c in ("recipients", "sent", "failed", "unknown",
                                                    "holdout", "unreachable", "redeemed")}
        records.append({
            **shown, "row_id": str(int(row["campaign_id"])),
            "href": campaign_href(row["campaign_id"]), "name": str(row["name"] or ""),
            "created_by": str(row["created_by"] or "–"),
            "channel": channel_name(row["channel"], short=True),
            "queued_at": _when(row["queued_at"]), "progress": _progress(row),
            "progress_words": progress_words(Progress(row)),
            "redeemed_revenue": format_money(row["redeemed_revenue"], currency)})
    return records


def decision_rows(unknown: pd.DataFrame) -> list[dict[str, Any]]:
    return [{"row_id": str(int(r["outbox_id"])), "outbox_id": int(r["outbox_id"]),
             "campaign": str(r["campaign"] or ""),
             "customer": f"{r['name'] or ''} ({r['code']})",
             "channel": channel_name(r["channel"], short=True),
             "address": str(r["address"] or ""),
             "since": "" if pd.isna(r["claimed_at"]) else _moment(r["claimed_at"]),
             "last_error": str(r["last_error"] or "")}
            for r in unknown.to_dict("records")]


def count_text(total: int) -> str:
    return ngettext("{n} campaign", "{n} campaigns", total)


def decisions_note(count: int, may_decide: bool) -> str:
    head = ngettext("The outcome of {n} message is not known: the sender stopped between "
                    "handing it over and hearing back.", "The outcome of {n} messages is not "
                    "known: the sender stopped between handing them over and hearing back.",
                    count)
    if may_decide:
        return head + " " + _("Mark a message as sent when you know it arrived; release it "
                              "for resending only when you know it did not. It is never sent "
                              "again by itself.")
    return head + " " + _("An owner or a sales manager decides what happens to them.")


def decide_text(decision: str, row: dict[str, Any] | None) -> html.Div:
    who = (row or {}).get("customer", "")
    if decision == "sent":
        words = _("Mark the message to {customer} as sent? It will not be sent again.",
                  customer=who)
    else:
        words = _("Release the message to {customer} for resending? It goes out with the "
                  "next send of its campaign. If it did arrive, the customer gets it twice.",
                  customer=who)
    return html.Div(html.P(words))


def decided_text(decision: str) -> str:
    if decision == "sent":
        return _("Marked as sent.")
    return _("Released for resending: it goes out with the next send of its campaign (open "
             "the campaign to send it now).")


def empty_list() -> html.Div:
    return empty_state(_("No campaigns yet"),
                       _("Pick customers in the customer list, or start from a tier or a "
                         "status, and send them a coupon."),
                       action=dcc.Link(_("New campaign"), href=NEW_PATH,
                                       className="btn btn-primary btn-sm"),
                       icon="bi-megaphone")


__all__ = ["COLUMNS", "NEW_PATH", "REFRESH_MS", "campaign_grid", "campaign_href",
           "column_defs", "count_text", "decide_text", "decided_text", "decision_defs",
           "decision_rows", "decisions_note", "empty_list", "grid_height", "grid_locale",
           "grid_rows"]
