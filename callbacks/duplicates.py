"""The duplicate customers page (``dashboard.services.duplicates``: owners and managers,
within their scope; every decision audited). A button opens the confirmation; Confirm runs
the merge, the "not a duplicate" or the undo."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update

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


def _target(triggered: Any) -> dict[str, Any] | None:
    """What the clicked button asks for, from its id's index."""
    kind, index = triggered["type"], str(triggered["index"])
    if kind == ids.DUPLICATES_UNDO:
        return {"action": "undo", "decision": int(index)}
    first, second, score = index.split("-", 2)
    if kind == ids.DUPLICATES_MERGE:
        return {"action": "merge", "keep": int(first), "drop": int(second),
                "score": float(score)}
    return {"action": "distinct", "a": int(first), "b": int(second), "score": float(score)}


@callback(
    Output(ids.DUPLICATES_CONFIRM, "is_open"), Output(ids.DUPLICATES_CONFIRM_TEXT, "children"),
    Output(ids.DUPLICATES_CONFIRM_TARGET, "data"),
    Input({"type": ids.DUPLICATES_MERGE, "index": ALL}, "n_clicks"),
    Input({"type": ids.DUPLICATES_DISTINCT, "index": ALL}, "n_clicks"),
    Input({"type": ids.DUPLICATES_UNDO, "index": ALL}, "n_clicks"),
    Input(ids.DUPLICATES_CONFIRM_NO, "n_clicks"), prevent_initial_call=True,
)
def ask_to_confirm(_merges: list, _distinct: list, _undos: list, _no: int | None) -> tuple:
    if ctx.triggered_id == ids.DUPLICATES_CONFIRM_NO:
        return False, no_update, None
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return no_update, no_update, no_update  # the buttons were drawn, not clicked
    target = _target(ctx.triggered_id)
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
