"""Contact plan figures by hand: the plan of the highest-priority band or segment, next
contact due and days overdue per planned channel, never contacted, nothing after the as-of
date, and "visited but low value"."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.analytics.contact_plan import contact_status, customer_plans, visited_low_value

D = dt.date
AS_OF = D(2026, 11, 22)
PLANS = pd.DataFrame({"id": [1, 2, 3], "source": ["scheme:1", "rule:7", "scheme:1"],
                      "label": ["Loyal", "Win back", "At risk"],
                      "channel": ["phone", "visit", "email"], "frequency_days": [30, 14, 60],
                      "position": [2, 1, 3]})
OPEN = pd.DataFrame({"customer_id": [1, 1, 2, 3, 4, 5],
                     "source": ["scheme:1", "rule:7", "scheme:1", "scheme:1", "scheme:9",
                                "scheme:1"],
                     "label": ["Loyal", "Win back", "Loyal", "At risk", "Other", "Loyal"]})
CONTACTS = pd.DataFrame({
    "customer_id": [1, 1, 2, 2, 3, 5, 5],
    "kind": ["call", "visit", "call", "visit", "visit", "visit", "call"],
    "day": [D(2026, 11, 20), D(2026, 11, 1), D(2026, 10, 1), D(2026, 8, 1), D(2026, 11, 10),
            D(2026, 11, 30), D(2026, 10, 20)]})


def test_the_plan_of_the_highest_priority_band_or_segment() -> None:
    plans = customer_plans(OPEN, PLANS)
    assert plans[["customer_id", "label", "channel", "frequency_days"]].values.tolist() == [
        [1, "Win back", "visit", 14], [2, "Loyal", "phone", 30], [3, "At risk", "email", 60],
        [5, "Loyal", "phone", 30]]  # 1: the segment comes first; 4: no plan


def test_next_contact_due_and_days_overdue_by_hand() -> None:
    status = contact_status(customer_plans(OPEN, PLANS), CONTACTS, AS_OF).set_index(
        "customer_id")
    # 1: visit plan, the 20 Nov call does not count: 1 Nov + 14 = 15 Nov, 7 days overdue
    assert (status.loc[1, "last_contact"], status.loc[1, "next_contact_due"],
            status.loc[1, "days_overdue"]) == (D(2026, 11, 1), D(2026, 11, 15), 7)
    # 2: phone plan, a call 1 Oct (the 1 Aug visit is older): 31 Oct, 22 days overdue
    assert (status.loc[2, "next_contact_due"], status.loc[2, "days_overdue"]) == (
        D(2026, 10, 31), 22)
    # 3: e-mail plan, visited 10 Nov: due 9 Jan, not overdue
    assert (status.loc[3, "next_contact_due"], status.loc[3, "days_overdue"]) == (
        D(2027, 1, 9), 0)
    # 5: the 30 Nov visit is after the as-of date: the 20 Oct call counts: 19 Nov, 3 days
    assert (status.loc[5, "last_contact"], status.loc[5, "days_overdue"]) == (D(2026, 10, 20), 3)
    assert not status["never_contacted"].any()


def test_never_contacted_is_due_now() -> None:
    status = contact_status(customer_plans(OPEN, PLANS), CONTACTS.iloc[:0], AS_OF)
    assert status["never_contacted"].all() and (status["days_overdue"] == 0).all()
    assert (status["next_contact_due"] == AS_OF).all()
    assert status["last_contact"].isna().all()


def test_visited_but_low_value() -> None:
    low = visited_low_value(customer_plans(OPEN, PLANS), CONTACTS, AS_OF)
    # 3 (e-mail plan) was visited 10 Nov; 2's visit (1 Aug) is older than 90 days; 5's visit
    # is after the as-of date; 1 has a visit plan
    assert low[["customer_id", "channel", "visits"]].values.tolist() == [[3, "email", 1]]


def test_calls_and_visits_counted_in_a_period_by_hand() -> None:
    from dashboard.analytics.contact_plan import contact_counts

    contacts = CONTACTS.assign(day=pd.to_datetime(CONTACTS["day"]))
    counts = contact_counts(contacts, D(2026, 10, 1), D(2026, 11, 20))
    # 1: the 20 Nov call and the 1 Nov visit (both ends count); 2: the 1 Oct call only;
    # 3: one visit; 5: the 20 Oct call (its 30 Nov visit is after the period)
    assert counts.values.tolist() == [[1, 1, 1], [2, 1, 0], [3, 0, 1], [5, 1, 0]]
    assert contact_counts(contacts, D(2027, 1, 1), D(2027, 1, 31)).empty
