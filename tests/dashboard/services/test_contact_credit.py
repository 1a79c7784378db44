"""A call or comment is credited by name: a visit to its account manager's name, a comment to
the writer's display name (the user name when there is none)."""

from __future__ import annotations

from sqlalchemy import select, update

from dashboard.db import session_scope
from dashboard.models import Rep, User
from dashboard.runtime import Runtime
from dashboard.services import contacts as svc
from tests.dashboard.messaging.helpers import seed_org


def test_contacts_are_credited_by_name(engine, settings) -> None:  # noqa: ANN001
    org = seed_org(engine, per_rep=1)
    rt = Runtime(settings, engine)
    rep, manager = org.reps[0], org.managers[0]
    customer = org.customers[1][0]
    with session_scope(engine, write=True) as s:
        s.execute(update(User).where(User.id == rep.user_id).values(display_name="王磊 (rep)"))
        s.execute(update(User).where(User.id == manager.user_id).values(display_name=""))
        rep_name = s.execute(select(Rep.name).where(Rep.id == rep.rep_id)).scalar_one()
    svc.record_contact(rt, rep, customer, "call", "reached", "ok")
    svc.add_comment(rt, rep, customer, "by the rep")
    svc.add_comment(rt, manager, customer, "by the manager")
    timeline = svc.get_customer_timeline(rt, rep, customer)
    by = dict(zip(timeline["title"].where(timeline["kind"] != "comment", timeline["detail"]),
                  timeline["by"], strict=True))
    assert by["reached"] == rep_name
    assert by["by the rep"] == "王磊 (rep)"
    assert by["by the manager"] == manager.username
