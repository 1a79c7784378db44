"""The "log a call or visit / add a comment" dialog, used from the customer list and the
portrait (SPEC "Call lists": a rep records an outcome and a note without leaving the list).

Each page declares its own ids (``layouts/ids.py``) and passes them as :class:`ContactIds`.
The customer it is about travels in a store as the customer's id and is checked again by the
contacts service when saving (``authorise_customer``).
"""

from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import N_, _

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


@dataclass(frozen=True)
class ContactIds:
    modal: str
    title: str
    target: str
    kind: str
    outcome: str
    note: str
    save: str
    cancel: str
    error: str


def outcome_name(outcome: str) -> str:
    return _(OUTCOME_NAMES.get(outcome, outcome))


def kind_name(kind: str) -> str:
    return _(KIND_NAMES.get(kind, kind))


def contact_modal(ids: ContactIds) -> dbc.Modal:
    """The dialog (closed); the page's callbacks open it for one customer and save it."""
    kinds = [{"label": kind_name(k), "value": k} for k in KINDS]
    outcomes = [{"label": outcome_name(k), "value": k} for k in OUTCOME_NAMES]
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(html.Div(id=ids.title))),
        dbc.ModalBody([
            dcc.Store(id=ids.target),
            dbc.Label(_("What happened"), html_for=ids.kind),
            dbc.RadioItems(id=ids.kind, options=kinds, value="call", inline=True,
                           className="mb-3"),
            dbc.Label(_("Outcome (calls and visits)"), html_for=ids.outcome),
            dbc.Select(id=ids.outcome, options=outcomes, value="reached", className="mb-3"),
            dbc.Label(_("Note"), html_for=ids.note),
            dbc.Textarea(id=ids.note, maxLength=NOTE_LIMIT, rows=4, value="",
                         placeholder=_("What was said, what happens next")),
            html.Div(id=ids.error, className="text-danger small mt-2", role="alert"),
        ]),
        dbc.ModalFooter([
            dbc.Button(_("Cancel"), id=ids.cancel, color="secondary", outline=True),
            dbc.Button(_("Save"), id=ids.save, color="primary"),
        ]),
    ], id=ids.modal, is_open=False, centered=True)


def modal_title(kind: str, name: str, code: str) -> html.Span:
    words = _("Add a comment") if kind == "comment" else _("Log a call or visit")
    return html.Span([words, html.Br(), html.Small(f"{name} · {code}",
                                                   className="text-muted")])


def saved_text(kind: str, name: str) -> str:
    if kind == "comment":
        return _("Comment saved for {name}.", name=name)
    return _("{what} recorded for {name}.", what=kind_name(kind), name=name)


__all__ = ["KINDS", "OUTCOME_NAMES", "ContactIds", "contact_modal", "kind_name",
           "modal_title", "outcome_name", "saved_text"]
