"""The duplicate customers page (``dashboard.services.duplicates``: owners and managers,
within their scope; every decision audited). A button opens the confirmation; Confirm runs
the merge, the "not a duplicate" or the undo."""

from __future__ import annotations

import re
from typing import Any

from dash import Input, Output, State, ctx, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime
from dashboard.i18n import _
from dashboard.services import duplicates as service
from layouts import ids
from layouts.duplicates import confirm_text, merged_list, pair_list, total_text


@callback(
    Input(ids.DUPLICATES_REFRESH, "data"),
    output={"total": Output(ids.DUPLICATES_TOTAL, "children"),
            "pairs": Output(ids.DUPLICATES_LIST, "children"),
            "merged": Output(ids.DUPLICATES_MERGED, "children")},
)
def update_duplicates(_refresh: int | None) -> dict[str, Any]:
    runtime = current_runtime()
    review = service.get_duplicates(runtime, current_actor())
    return {"total": total_text(review),
            "pairs": pair_list(review, str(runtime.settings.currency or "CNY")),
            "merged": merged_list(review)}


PICK = re.compile(r"(merge|distinct):(\d{1,18}):(\d{1,18}):(\d{1,3}(?:\.\d{1,6})?)|undo:(\d{1,18})")


def read_pick(clicked: Any) -> dict[str, Any] | None:
    """What the clicked button asks for (its ``data-duplicate``, see ``layouts.duplicates``);
    None for anything else. Nothing is decided here: Confirm asks the service, which checks
    the user may decide on these customers."""
    pick = clicked.get("pick") if isinstance(clicked, dict) else None
    found = PICK.fullmatch(pick) if isinstance(pick, str) else None
    if found is None:
        return None
    action, first, second, score, decision = found.groups()
    if decision is not None:
        return {"action": "undo", "decision": int(decision)}
    if action == "merge":
        return {"action": "merge", "keep": int(first), "drop": int(second),
                "score": float(score)}
    return {"action": "distinct", "a": int(first), "b": int(second), "score": float(score)}


@callback(
    Output(ids.DUPLICATES_CONFIRM, "is_open"), Output(ids.DUPLICATES_CONFIRM_TEXT, "children"),
    Output(ids.DUPLICATES_CONFIRM_TARGET, "data"),
    Input(ids.DUPLICATES_CLICKED, "data"), Input(ids.DUPLICATES_CONFIRM_NO, "n_clicks"),
    prevent_initial_call=True,
)
def ask_to_confirm(clicked: Any, _no: int | None) -> tuple:
    """A button of a pair or of a merge clicked (one store for the page, written by
    assets/clicked.js: a pattern-matching button each, 600 of them for 200 pairs, kept
    the browser busy for minutes when the list arrived)."""
    if ctx.triggered_id == ids.DUPLICATES_CONFIRM_NO:
        return False, no_update, None
    target = read_pick(clicked)
    if target is None:
        return no_update, no_update, no_update
    return True, confirm_text(target), target


CONFIRM_OUTPUTS = {
    "open": Output(ids.DUPLICATES_CONFIRM, "is_open", allow_duplicate=True),
    "refresh": Output(ids.DUPLICATES_REFRESH, "data"),
    "result": Output(ids.DUPLICATES_RESULT, "children"),
    "result_open": Output(ids.DUPLICATES_RESULT, "is_open"),
}


@callback(
    Input(ids.DUPLICATES_CONFIRM_YES, "n_clicks"),
    State(ids.DUPLICATES_CONFIRM_TARGET, "data"), State(ids.DUPLICATES_REFRESH, "data"),
    output=CONFIRM_OUTPUTS, prevent_initial_call=True,
)
def confirm_decision(yes: int | None, target: dict[str, Any] | None,
                     refresh: int | None) -> dict[str, Any]:
    if not yes or not isinstance(target, dict):
        return dict.fromkeys(CONFIRM_OUTPUTS, no_update)
    runtime, actor = current_runtime(), current_actor()
    if target.get("action") == "merge":
        service.merge_customers(runtime, actor, target.get("keep"), target.get("drop"),
                                target.get("score"))
        text = _("Customers merged. Undo is under Merged records.")
    elif target.get("action") == "distinct":
        service.reject_pair(runtime, actor, target.get("a"), target.get("b"),
                            target.get("score"))
        text = _("Marked as different customers.")
    else:
        service.undo_merge(runtime, actor, target.get("decision"))
        text = _("Merge undone: every moved row is back.")
    return {"open": False, "refresh": (refresh or 0) + 1, "result": text, "result_open": True}
