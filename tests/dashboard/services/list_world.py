"""The cockpit world (``cockpit_world.py``: six customers A-F worked out by hand, as of 22 Nov
2026) with what the customer list adds, also worked out by hand:

===========  ==========================================================================
customer     contact details, invoices (issued / due / amount, payments), contacts
===========  ==========================================================================
A Alpha      +86 138-0000-0001, a@alpha.example; INV-A1 1 Sep / 8 Oct / 1000.10, paid
             400.05 on 1 Oct and 99.95 on 1 Dec (after the as-of date): open 600.05,
             45 days overdue; INV-A2 1 Nov / 1 Dec / 250.00: open, not due.
             Visit 19 Nov 10:00, call 21 Nov 16:30; a holdout coupon row 20 Nov (no
             coupon sent).
B Beta       no phone, b@beta.example; INV-B1 1 Jan / 31 Jan / 90.00 paid 120.00 on 20 Jan
             (overpaid: a credit of 30.00, nothing overdue).
D Delta      +86 139-0000-0004, no e-mail; INV-D1 1 Jul / 14 Aug / 3000.00, unpaid: 100
             days overdue (over 90). Coupon sent 12 Nov 08:00; a call on 23 Nov (after the
             as-of date, not counted).
E Epsilon    INV-E1 1 Oct / 31 Oct / 4000.00 paid in full on 30 Oct (settled).
F Foxtrot    a coupon row still pending (not sent: not counted).
===========  ==========================================================================

Receivables as of 22 Nov: A 850.05 (overdue 600.05, 31-60 days), B -30.00, D 3000.00
(overdue 3000.00, over 90 days); C, E and F 0.
"""

from __future__ import annotations

import datetime as dt

from dashboard.db import bump_data_version, session_scope
from dashboard.models import Campaign, Customer, Invoice, Outbox, Payment, Visit
from dashboard.runtime import Runtime
from tests.dashboard.services.cockpit_world import AS_OF, CockpitWorld, build_cockpit_world

D = dt.date
T = dt.datetime
PHONES = {"A": ("+86 138-0000-0001", "a@alpha.example"), "B": (None, "b@beta.example"),
          "D": ("+86 139-0000-0004", None)}
INVOICES = (  # customer, number, issued, due, amount, [(paid on, amount)]
    ("A", "INV-A1", D(2026, 9, 1), D(2026, 10, 8), 1000.10,
     [(D(2026, 10, 1), 400.05), (D(2026, 12, 1), 99.95)]),
    ("A", "INV-A2", D(2026, 11, 1), D(2026, 12, 1), 250.00, []),
    ("B", "INV-B1", D(2026, 1, 1), D(2026, 1, 31), 90.00, [(D(2026, 1, 20), 120.00)]),
    ("D", "INV-D1", D(2026, 7, 1), D(2026, 8, 14), 3000.00, []),
    ("E", "INV-E1", D(2026, 10, 1), D(2026, 10, 31), 4000.00, [(D(2026, 10, 30), 4000.00)]),
)
VISITS = (  # customer, kind, when
    ("A", "visit", T(2026, 11, 19, 10, 0)),
    ("A", "call", T(2026, 11, 21, 16, 30)),
    ("D", "call", T(2026, 11, 23, 9, 0)),
)
SENDS = (  # customer, status, holdout, code, queued, sent
    ("A", "holdout", True, None, T(2026, 11, 20, 8, 0), None),
    ("D", "sent", False, "CP-D1", T(2026, 11, 12, 7, 55), T(2026, 11, 12, 8, 0)),
    ("F", "pending", False, "CP-F1", T(2026, 11, 21, 7, 55), None),
)
RECEIVABLE = {"A": 850.05, "B": -30.00, "C": 0.0, "D": 3000.00, "E": 0.0, "F": 0.0}
OVERDUE = {"A": 600.05, "B": 0.0, "C": 0.0, "D": 3000.00, "E": 0.0, "F": 0.0}


def build_list_world(runtime: Runtime) -> CockpitWorld:
    world = build_cockpit_world(runtime, today=AS_OF)
    ids = world.customers
    with session_scope(runtime.engine, write=True) as session:
        for code, (phone, email) in PHONES.items():
            customer = session.get(Customer, ids[code])
            customer.phone, customer.email = phone, email
        for code, number, issued, due, amount, payments in INVOICES:
            invoice = Invoice(invoice_no=number, customer_id=ids[code], issue_date=issued,
                              due_date=due, amount=amount)
            session.add(invoice)
            session.flush()
            session.add_all([Payment(invoice_id=invoice.id, paid_date=day, amount=paid)
                             for day, paid in payments])
        session.add_all([Visit(customer_id=ids[code], kind=kind, happened_at=when,
                               outcome="reached") for code, kind, when in VISITS])
        campaign = Campaign(name="Autumn", channel="sms", message_template="{code}",
                            intent_key="list-world-autumn", status="queued")
        session.add(campaign)
        session.flush()
        session.add_all([Outbox(campaign_id=campaign.id, customer_id=ids[code],
                                channel="sms", status=status, is_holdout=holdout,
                                coupon_code=code_, queued_at=queued, sent_at=sent)
                         for code, status, holdout, code_, queued, sent in SENDS])
        bump_data_version(session)
    return world


__all__ = ["AS_OF", "OVERDUE", "RECEIVABLE", "build_list_world"]
