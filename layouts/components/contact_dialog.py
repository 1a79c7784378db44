"""The "log a call or visit / add a comment" dialog, used from the customer list and the
portrait (SPEC "Call lists": a rep records an outcome and a note without leaving the list).

One all-in-one component (Dash's AIO pattern): :class:`ContactDialog` renders the dialog with
pattern-matching ids ``{"type": <part>, "aio_id": <page's dialog>}`` (the parts and the
pages' dialogs are declared in ``layouts/ids.py``) and its callbacks, in
``callbacks/contact_dialog.py``, serve every page's dialog at once (``MATCH``): they live with
the other callbacks because saving calls the contacts service, which layouts never do.

A page opens its dialog by writing a request (:func:`contact_request`: the customer and what
to log) to ``ContactDialog.ids.request(aio_id)`` and hears of a saved entry in
``ContactDialog.ids.saved(aio_id)``. The customer travels as the browser sent it and is
checked by the contacts service when the dialog opens and again when it saves
(``authorise_customer``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import N_, _
from layouts import ids as layout_ids

KINDS = ("call", "visit", "comment")
KIND_NAMES = {"call": N_("Phone call"), "visit": N_("Visit"), "comment": N_("Comment")}
# the outcome keys of dashboard.services.contacts.OUTCOMES (a test keeps them equal)
OUTCOME_NAMES = {
    "reached": N_("Reached the customer"),
    "no_answer": N_("No answer"),
    "left_message": N_("Left a message"),
    "call_back": N_("Call back later"),
    "order_promised": N_("Order promised"),
    "ordered": N_("Ordered"),
    "complaint": N_("Complaint"),
    "not_interested": N_("Not interested"),
    "lost_to_competitor": N_("Lost to a competitor"),
    "closed": N_("Closed or out of business"),
    "other": N_("Other"),
}
NOTE_LIMIT = 4000


def outcome_name(outcome: str) -> str:
    return _(OUTCOME_NAMES.get(outcome, outcome))


def kind_name(kind: str) -> str:
    return _(KIND_NAMES.get(kind, kind))


def _part(kind: str) -> Callable[[Any], dict[str, Any]]:
    return lambda aio_id: {"type": kind, "aio_id": aio_id}


def dom_id(component_id: dict[str, Any]) -> str:
    """The element id Dash gives a pattern-matching id in the page (keys sorted, compact
    JSON), for labels and browser tests."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


class ContactDialog(html.Div):
    """The dialog (closed) for the page's dialog ``aio_id``, with its request and saved
    stores."""

    class ids:  # noqa: N801 - Dash's all-in-one convention
        request = staticmethod(_part(layout_ids.CONTACT_DIALOG_REQUEST))
        saved = staticmethod(_part(layout_ids.CONTACT_DIALOG_SAVED))
        modal = staticmethod(_part(layout_ids.CONTACT_DIALOG_MODAL))
        title = staticmethod(_part(layout_ids.CONTACT_DIALOG_TITLE))
        kind = staticmethod(_part(layout_ids.CONTACT_DIALOG_KIND))
        outcome = staticmethod(_part(layout_ids.CONTACT_DIALOG_OUTCOME))
        note = staticmethod(_part(layout_ids.CONTACT_DIALOG_NOTE))
        save = staticmethod(_part(layout_ids.CONTACT_DIALOG_SAVE))
        cancel = staticmethod(_part(layout_ids.CONTACT_DIALOG_CANCEL))
        error = staticmethod(_part(layout_ids.CONTACT_DIALOG_ERROR))

    def __init__(self, aio_id: str) -> None:
        ids = self.ids
        kinds = [{"label": kind_name(k), "value": k} for k in KINDS]
        outcomes = [{"label": outcome_name(k), "value": k} for k in OUTCOME_NAMES]
        modal = dbc.Modal([
            dbc.ModalHeader(dbc.ModalTitle(html.Div(id=ids.title(aio_id)))),
            dbc.ModalBody([
                dbc.Label(_("What happened"), html_for=dom_id(ids.kind(aio_id))),
                dbc.RadioItems(id=ids.kind(aio_id), options=kinds, value="call", inline=True,
                               className="mb-3 contact-kind"),
                dbc.Label(_("Outcome (calls and visits)"),
                          html_for=dom_id(ids.outcome(aio_id))),
                dbc.Select(id=ids.outcome(aio_id), options=outcomes, value="reached",
                           className="mb-3 contact-outcome"),
                dbc.Label(_("Note"), html_for=dom_id(ids.note(aio_id))),
                dbc.Textarea(id=ids.note(aio_id), maxLength=NOTE_LIMIT, rows=4, value="",
                             className="contact-note",
                             placeholder=_("What was said, what happens next")),
                html.Div(id=ids.error(aio_id), className="text-danger small mt-2 contact-error",
                         role="alert"),
            ]),
            dbc.ModalFooter([
                dbc.Button(_("Cancel"), id=ids.cancel(aio_id), color="secondary", outline=True,
                           className="contact-cancel"),
                dbc.Button(_("Save"), id=ids.save(aio_id), color="primary",
                           className="contact-save"),
            ]),
        ], id=ids.modal(aio_id), is_open=False, centered=True, class_name="contact-dialog")
        super().__init__([dcc.Store(id=ids.request(aio_id)), dcc.Store(id=ids.saved(aio_id)),
                          modal])


def contact_request(customer: Any, kind: str) -> dict[str, Any]:
    """What a page writes to its dialog's request store to open it: the customer (id or code,
    as the page has it), ``call`` or ``comment``, and the time (the same request twice opens
    the dialog twice)."""
    return {"customer": customer, "kind": "comment" if kind == "comment" else "call",
            "at": time.time()}


def modal_title(kind: str, name: str, code: str) -> html.Span:
    words = _("Add a comment") if kind == "comment" else _("Log a call or visit")
    return html.Span([words, html.Br(), html.Small(f"{name} · {code}",
                                                   className="text-muted")])


def saved_text(kind: str, name: str) -> str:
    if kind == "comment":
        return _("Comment saved for {name}.", name=name)
    return _("{what} recorded for {name}.", what=kind_name(kind), name=name)


__all__ = ["KINDS", "OUTCOME_NAMES", "ContactDialog", "contact_request", "dom_id", "kind_name",
           "modal_title", "outcome_name", "saved_text"]
