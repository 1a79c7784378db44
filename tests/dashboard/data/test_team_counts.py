"""The team page's calls and visits per customer, counted from the cached contacts
(``dashboard.analytics.contact_plan.contact_counts``), equal the database's own count of the
same days on random contacts (times of day, midnights, a day's last second)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select

from dashboard.analytics.contact_plan import contact_counts
from dashboard.data.contact_plans import load_contacts
from dashboard.db import session_scope
from dashboard.models import Customer, Visit


def _counted_by_the_database(session, start: dt.date, end: dt.date) -> pd.DataFrame:  # noqa: ANN001
    stmt = (select(Visit.customer_id,
                   func.sum(case((Visit.kind == "call", 1), else_=0)),
                   func.sum(case((Visit.kind == "visit", 1), else_=0)))
            .where(Visit.happened_at >= dt.datetime.combine(start, dt.time()),
                   Visit.happened_at < dt.datetime.combine(end + dt.timedelta(days=1),
                                                           dt.time()))
            .group_by(Visit.customer_id).order_by(Visit.customer_id))
    return pd.DataFrame([tuple(r) for r in session.execute(stmt)],
                        columns=["customer_id", "calls", "visits"]).astype("int64")


def test_counts_from_the_cached_contacts_equal_the_database_count(engine) -> None:  # noqa: ANN001
    rng = np.random.default_rng(5)
    base = dt.datetime(2026, 1, 1)
    with session_scope(engine, write=True) as s:
        customers = [Customer(code=f"C{i}", name=f"C{i}") for i in range(12)]
        s.add_all(customers)
        s.flush()
        for _ in range(400):
            offset = dt.timedelta(days=int(rng.integers(0, 120)),
                                  seconds=int(rng.choice([0, 1, 43_200, 86_399])))
            s.add(Visit(customer_id=customers[int(rng.integers(0, 12))].id,
                        kind=str(rng.choice(["call", "visit"])), happened_at=base + offset))
    with session_scope(engine) as s:
        contacts = load_contacts(s, dt.date(2026, 6, 30))
        for start, end in [(dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
                           (dt.date(2026, 1, 1), dt.date(2026, 1, 1)),
                           (dt.date(2026, 3, 15), dt.date(2026, 4, 30)),
                           (dt.date(2025, 1, 1), dt.date(2025, 12, 31))]:
            expected = _counted_by_the_database(s, start, end)
            found = contact_counts(contacts, start, end)
            pd.testing.assert_frame_equal(found.reset_index(drop=True), expected)
