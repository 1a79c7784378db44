"""Follow-ups (SPEC.md "Actions"): from any selection (a customer list, which is also how a
scheme band or a rule segment is opened, the list's ticked rows or all its matching rows; an
alert; one customer) assign a call, visit or e-mail with a due date and a note to each
customer's account manager or to one named account manager; the assignee's list ("my
follow-ups") with the overdue ones first; done, snoozed (a later due date) and reassigned,
each audited.

Who may do what: owners and managers assign to any account manager they may see (a manager:
their team's); a rep only to themselves. Done and snooze: the assignee, or an owner or manager
who sees the follow-up. Reassign: owners and managers. Every customer of a selection is checked
against the actor's scope (one outside refuses the whole request, audited); a customer without
an account manager, when no one is named, is left out and listed, never silently dropped.
Follow-ups change no figure, so the data version stays.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.data import followups as data
from dashboard.data.audit import insert_audit
from dashboard.data.filters import load_scope_reps
from dashboard.db import session_scope
from dashboard.errors import ValidationError
from dashboard.i18n import _
from dashboard.models import FOLLOWUP_KINDS, utcnow
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import selections
from dashboard.services.access import (
    authorise_customer,
    authorise_customers,
    customer_key,
    require_role,
)
from dashboard.services.audit import deny
from dashboard.services.filters import today as server_today

KINDS = FOLLOWUP_KINDS
STATES = data.STATE_FILTERS
MAX_NOTE = 1000
MAX_AHEAD_DAYS = 366
SOURCES = ("list", "alert", "customer")


@dataclass(frozen=True)
class Assigned:
    created: int
    without_manager: list[str]  # codes of the customers left out (no account manager)


@dataclass(frozen=True)
class FollowupPage:
    rows: pd.DataFrame  # data.LIST_COLUMNS + overdue (bool)
    state: str
    today: dt.date
    reps: tuple[tuple[int, str], ...]  # the account managers the actor may assign to
    rep_id: int | None  # the account manager shown (None: all in scope)
    can_reassign: bool


def _reps(session: Any, actor: Actor) -> dict[int, str]:
    frame = load_scope_reps(session, actor)
    return {int(i): str(n) for i, n in zip(frame["id"], frame["name"], strict=True)}


def _check_form(kind: Any, due: Any, note: Any, today: dt.date) -> tuple[str, dt.date, str]:
    problems = []
    if kind not in KINDS:
        problems.append(_("Choose call, visit or e-mail."))
    try:
        due_date = due if isinstance(due, dt.date) else dt.date.fromisoformat(str(due))
    except ValueError:
        due_date = None
    if due_date is None:
        problems.append(_("Choose a due date (YYYY-MM-DD)."))
    elif not today <= due_date <= today + dt.timedelta(days=MAX_AHEAD_DAYS):
        problems.append(_("The due date is today or within the next year."))
    text = "" if note is None else str(note).strip()
    if len(text) > MAX_NOTE:
        problems.append(_("The note is at most {n} characters.", n=MAX_NOTE))
    if problems:
        raise ValidationError("bad follow-up", details=problems)
    return str(kind), due_date, text  # type: ignore[return-value]


def _assignee(session: Any, actor: Actor, rep_id: Any) -> int | None:
    """The named account manager, checked against what the actor may assign to."""
    if rep_id in (None, ""):
        return actor.rep_id if actor.role == "rep" else None
    try:
        rep = int(rep_id)
    except (TypeError, ValueError):
        rep = -1
    allowed = _reps(session, actor)
    if actor.role == "rep":
        allowed = {k: v for k, v in allowed.items() if k == actor.rep_id}
    if rep not in allowed:
        raise deny(session, actor, object_type="followup", object_id=str(rep_id)[:40],
                   reason="account manager outside scope")
    return rep


def assign_followups(runtime: Runtime, actor: Actor, customer_ids: list[int], *, kind: Any,
                     due: Any, note: Any = "", rep_id: Any = None,
                     source: dict[str, Any] | None = None) -> Assigned:
    """One follow-up per customer of ``customer_ids`` for ``rep_id`` (None: each customer's
    account manager). Audited."""
    kind, due_date, text = _check_form(kind, due, note, server_today(runtime))
    if not customer_ids:
        raise ValidationError("no customers", details=[_("Choose at least one customer.")])
    with session_scope(runtime.engine, write=True) as session:
        require_role(session, actor, "owner", "manager", "rep", object_type="followup")
        ids = authorise_customers(session, actor, customer_ids)
        rep = _assignee(session, actor, rep_id)
        labels = data.load_customer_managers(session, ids)
        owners = {int(c): (None if r is None or pd.isna(r) else int(r))
                  for c, r in zip(labels["customer_id"], labels["rep_id"], strict=True)}
        assignee = pd.Series([rep if rep is not None else owners.get(c) for c in ids],
                             index=ids, dtype="Int64")
        missing = assignee.isna()
        chosen = assignee.loc[~missing]
        now = utcnow()
        frame = pd.DataFrame({
            "customer_id": chosen.index.astype("int64"), "rep_id": chosen.to_numpy("int64"),
            "kind": kind, "due_date": due_date, "note": text, "state": "open",
            "source": [dict(source or {})] * len(chosen), "created_by": actor.user_id,
            "created_at": now, "done_on": None, "done_by": None, "snoozes": 0})
        created = data.insert_followups(session, frame)
        codes = labels.set_index("customer_id")["code"]
        without = sorted(str(codes.get(c, c)) for c in assignee.index[missing])
        insert_audit(session, actor, "followup.create", object_type="followup",
                     detail={"created": created, "kind": kind, "due": due_date.isoformat(),
                             "rep_id": rep, "source": dict(source or {}),
                             "without_manager": without[:50]})
    return Assigned(created=created, without_manager=without)


def assign_from_selection(runtime: Runtime, actor: Actor, token: Any,
                          **form: Any) -> Assigned:
    """Assign to the customers of a stored list selection (``services.selections``)."""
    chosen = selections.get_selection(runtime, actor, token)
    return assign_followups(runtime, actor, chosen.customer_ids,
                            source={"kind": "list", "how": chosen.source,
                                    "list": chosen.description}, **form)


def assign_from_alert(runtime: Runtime, actor: Actor, alert_id: Any, **form: Any) -> Assigned:
    """Assign to the customer of an alert (refused, audited, when the alert is not one the
    actor may see)."""
    from dashboard.data.alerts import get_alert_customer

    with session_scope(runtime.engine) as session:
        found = get_alert_customer(session, _int(alert_id))
        if found is None:
            raise deny(session, actor, object_type="alert", object_id=str(alert_id)[:40],
                       reason="no such alert")
        customer = authorise_customer(session, actor, found[0])
    return assign_followups(runtime, actor, [customer],
                            source={"kind": "alert", "alert_id": _int(alert_id)}, **form)


@dataclass(frozen=True)
class AssignSource:
    kind: str  # list | alert | customer
    count: int  # customers it holds
    params: dict[str, str]  # the address keys that name it


def get_assign_source(runtime: Runtime, actor: Actor,
                      params: dict[str, Any]) -> AssignSource | None:
    """What the follow-ups page's address asks to assign to: a stored list selection
    (``selection=<token>``), an alert (``alert=<id>``) or a customer (``customer=<code>``);
    None when it names none. Checked like the assignment itself."""
    if params.get("selection"):
        chosen = selections.get_selection(runtime, actor, params["selection"])
        return AssignSource("list", chosen.count, {"selection": str(params["selection"])})
    if params.get("alert") or params.get("customer"):
        with session_scope(runtime.engine) as session:
            if params.get("alert"):
                from dashboard.data.alerts import get_alert_customer

                found = get_alert_customer(session, _int(params["alert"]))
                if found is None:
                    raise deny(session, actor, object_type="alert",
                               object_id=str(params["alert"])[:40], reason="no such alert")
                authorise_customer(session, actor, found[0])
                return AssignSource("alert", 1, {"alert": str(_int(params["alert"]))})
            authorise_customer(session, actor, customer_key(params["customer"]))
            return AssignSource("customer", 1, {"customer": str(params["customer"])[:64]})
    return None


def assign_from_address(runtime: Runtime, actor: Actor, params: dict[str, Any],
                        **form: Any) -> Assigned:
    """Assign to what :func:`get_assign_source` reads in the address."""
    if params.get("selection"):
        return assign_from_selection(runtime, actor, params["selection"], **form)
    if params.get("alert"):
        return assign_from_alert(runtime, actor, params["alert"], **form)
    if params.get("customer"):
        with session_scope(runtime.engine) as session:
            customer = authorise_customer(session, actor, customer_key(params["customer"]))
        return assign_followups(runtime, actor, [customer],
                                source={"kind": "customer"}, **form)
    raise ValidationError("nothing to assign", details=[_("Choose at least one customer.")])


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _open_one(session: Any, actor: Actor, followup_id: Any, *,
              managers_only: bool = False) -> data.FollowupRow:
    row = data.get_followup(session, actor, _int(followup_id))
    may = row is not None and (actor.role in ("owner", "manager") or (
        not managers_only and actor.role == "rep" and row.rep_id == actor.rep_id))
    if not may:
        raise deny(session, actor, object_type="followup", object_id=str(followup_id)[:40],
                   reason="no such follow-up" if row is None else "not theirs")
    if row.state != "open":
        raise ValidationError("follow-up closed", details=[_("This follow-up is done.")])
    return row


def complete_followup(runtime: Runtime, actor: Actor, followup_id: Any) -> None:
    """Mark a follow-up done today. Audited."""
    today = server_today(runtime)
    with session_scope(runtime.engine, write=True) as session:
        row = _open_one(session, actor, followup_id)
        data.update_followup(session, row.id, state="done", done_on=today,
                             done_by=actor.user_id)
        insert_audit(session, actor, "followup.done", object_type="followup", object_id=row.id,
                     detail={"customer_id": row.customer_id, "rep_id": row.rep_id,
                             "due": row.due_date.isoformat()})


def snooze_followup(runtime: Runtime, actor: Actor, followup_id: Any, until: Any) -> None:
    """Move a follow-up's due date later (to ``until``). Audited with both dates."""
    today = server_today(runtime)
    with session_scope(runtime.engine, write=True) as session:
        row = _open_one(session, actor, followup_id)
        _kind, due_date, _text = _check_form(row.kind, until, "", today)
        if due_date <= row.due_date:
            raise ValidationError("snooze earlier", details=[
                _("Snooze to a day after the current due date.")])
        data.update_followup(session, row.id, due_date=due_date, snoozes=row.snoozes + 1)
        insert_audit(session, actor, "followup.snooze", object_type="followup",
                     object_id=row.id, detail={"customer_id": row.customer_id,
                                               "before": row.due_date.isoformat(),
                                               "after": due_date.isoformat()})


def reassign_followup(runtime: Runtime, actor: Actor, followup_id: Any, rep_id: Any) -> None:
    """Give a follow-up to another account manager the actor may see. Audited."""
    with session_scope(runtime.engine, write=True) as session:
        row = _open_one(session, actor, followup_id, managers_only=True)
        rep = _assignee(session, actor, rep_id)
        if rep is None or rep == row.rep_id:
            raise ValidationError("same assignee", details=[
                _("Choose another account manager.")])
        data.update_followup(session, row.id, rep_id=rep)
        insert_audit(session, actor, "followup.reassign", object_type="followup",
                     object_id=row.id, detail={"customer_id": row.customer_id,
                                               "before": row.rep_id, "after": rep})


def get_followups_page(runtime: Runtime, actor: Actor, state: Any = "open",
                       rep_id: Any = None) -> FollowupPage:
    """The follow-ups ``actor`` may see in ``state`` (``STATES``), of one account manager
    when ``rep_id`` is one the actor may choose; a rep sees their own."""
    state = state if state in STATES else "open"
    today = server_today(runtime)
    with session_scope(runtime.engine) as session:
        reps = _reps(session, actor)
        rep = _int(rep_id) if rep_id not in (None, "") else None
        rep = rep if rep in reps else None
        rows = data.load_followups(session, actor, state=state, today=today, rep_id=rep)
    due = pd.to_datetime(rows["due_date"])
    rows = rows.assign(overdue=(rows["state"] == "open") & (due < pd.Timestamp(today)))
    if actor.role == "rep":
        reps = {k: v for k, v in reps.items() if k == actor.rep_id}
    return FollowupPage(rows=rows, state=state, today=today,
                        reps=tuple(sorted(reps.items(), key=lambda kv: kv[1])), rep_id=rep,
                        can_reassign=actor.role in ("owner", "manager"))


__all__ = ["AssignSource", "Assigned", "FollowupPage", "KINDS", "SOURCES", "STATES",
           "assign_followups", "assign_from_address", "assign_from_alert", "assign_from_selection", "complete_followup",
           "get_assign_source", "get_followups_page", "reassign_followup",
           "snooze_followup"]
