"""The contact dialog's own callbacks (``layouts/components/contact_dialog.py``), for the
dialog of every page at once (``MATCH``): open it for the customer a page asks for, record the
call, visit or comment, and grey out the outcome for comments. The actor always comes from the
server; the contacts service checks the customer on opening and again on saving."""

from __future__ import annotations

import time
from typing import Any

from dash import MATCH, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime, error_text
from dashboard.errors import CockpitError
from dashboard.services import contacts, customers
from layouts import ids
from layouts.components.contact_dialog import ContactDialog, modal_title

DIALOG = ContactDialog.ids
OUTPUTS = ("open", "title", "kind", "outcome", "note", "error", "saved")
FIRST_OUTCOME = "reached"  # what a fresh dialog proposes (as the layout draws it)


def _answer(**given: Any) -> dict[str, Any]:
    return {name: given.get(name, no_update) for name in OUTPUTS}


@callback(
    output={"open": Output(DIALOG.modal(MATCH), "is_open"),
            "title": Output(DIALOG.title(MATCH), "children"),
            "kind": Output(DIALOG.kind(MATCH), "value"),
            "outcome": Output(DIALOG.outcome(MATCH), "value"),
            "note": Output(DIALOG.note(MATCH), "value"),
            "error": Output(DIALOG.error(MATCH), "children"),
            "saved": Output(DIALOG.saved(MATCH), "data")},
    inputs={"request": Input(DIALOG.request(MATCH), "data"),
            "_cancel": Input(DIALOG.cancel(MATCH), "n_clicks"),
            "_save": Input(DIALOG.save(MATCH), "n_clicks"),
            "kind": State(DIALOG.kind(MATCH), "value"),
            "outcome": State(DIALOG.outcome(MATCH), "value"),
            "note": State(DIALOG.note(MATCH), "value")},
    prevent_initial_call=True)
def update_contact_dialog(request: Any, _cancel: int | None, _save: int | None, kind: Any,
                          outcome: Any, note: Any) -> dict[str, Any]:
    part = (ctx.triggered_id or {}).get("type")
    if part == ids.CONTACT_DIALOG_CANCEL:
        return _answer(open=False)
    if not isinstance(request, dict) or request.get("customer") is None:
        raise PreventUpdate  # nothing asked for yet
    if part == ids.CONTACT_DIALOG_REQUEST:
        brief = customers.get_customer_brief(current_runtime(), current_actor(),
                                             request["customer"])
        chosen = "comment" if request.get("kind") == "comment" else "call"
        # a dialog opened for another customer starts afresh
        return _answer(open=True, title=modal_title(chosen, brief.name, brief.code),
                       kind=chosen, outcome=FIRST_OUTCOME, note="", error="")
    return save_contact(request["customer"], kind, outcome, note)


def save_contact(customer: Any, kind: Any, outcome: Any, note: Any) -> dict[str, Any]:
    """Record the dialog's call, visit or comment (the customer checked again); a refusal or
    a bad entry stays in the dialog."""
    runtime, actor = current_runtime(), current_actor()
    try:
        brief = customers.get_customer_brief(runtime, actor, customer)
        if kind == "comment":
            contacts.add_comment(runtime, actor, brief.customer_id, note or "")
        else:
            contacts.record_contact(runtime, actor, brief.customer_id, str(kind), str(outcome),
                                    note or "")
    except CockpitError as exc:
        return _answer(error=error_text(exc))
    return _answer(open=False, note="", error="",
                   saved={"kind": str(kind), "name": brief.name,
                          "customer_id": brief.customer_id, "at": time.time()})


@callback(Output(DIALOG.outcome(MATCH), "disabled"), Input(DIALOG.kind(MATCH), "value"))
def update_contact_outcome(kind: str | None) -> bool:
    return kind == "comment"
