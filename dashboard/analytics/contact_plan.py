"""The contact plan (SPEC "Contact plan", seed 003): each scheme band and rule segment can carry
a channel (visit / phone / e-mail) and a frequency in days; a customer takes the plan of the
highest-priority band or segment they are in (lowest ``position``, then lowest id).

Per customer, as of a date:

- ``last_contact``: the last recorded contact of a kind the plan accepts, on or before the
  date: a visit plan accepts visits; a telephone plan calls and visits (a visit is at least
  as good as a call); an e-mail plan any visit or call (campaign e-mails are not personal
  contact);
- ``next_contact_due``: ``last_contact`` + frequency; the as-of date when never contacted;
- ``days_overdue``: as-of date minus ``next_contact_due`` when positive, else 0 (never
  contacted: 0 and ``never_contacted`` true, so they lead the "overdue" list).

Against a period (:func:`planned_contacts`, the Team page's "contacts made / planned"):
``planned`` is the number of contact dates the plan sets inside the period, kept from the
last accepted contact before it (the first due date is that contact + frequency, or the
period's first day when it is overdue by then or the customer was never contacted, then every
frequency days up to the period's last day); ``made`` the accepted contacts made inside the
period; ``made_on_plan`` is ``made`` capped at ``planned`` per customer (three visits to one
customer do not make up for a missed one elsewhere).

"Visited but low value" (seed 003): customers visited in the last 90 days whose plan is a
cheaper channel than a visit (telephone or e-mail), with the number of those visits.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

CHANNELS = ("visit", "phone", "email")
ACCEPTED = {"visit": ("visit",), "phone": ("visit", "call"), "email": ("visit", "call")}
LOW_VALUE_DAYS = 90
PLAN_COLUMNS = ["customer_id", "source", "label", "channel", "frequency_days"]
STATUS_COLUMNS = [*PLAN_COLUMNS, "last_contact", "next_contact_due", "days_overdue",
                  "never_contacted"]


def customer_plans(open_rows: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """The plan of every customer in a planned band or segment (``PLAN_COLUMNS``).
    ``open_rows``: ``customer_id``, ``source``, ``label`` (open memberships); ``plans``:
    ``id``, ``source``, ``label``, ``channel``, ``frequency_days``, ``position``."""
    if open_rows.empty or plans.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in (
            "customer_id", "frequency_days") else "object") for c in PLAN_COLUMNS})
    placed = open_rows[["customer_id", "source", "label"]].merge(
        plans[["id", "source", "label", "channel", "frequency_days", "position"]],
        on=["source", "label"], how="inner")
    chosen = (placed.sort_values(["customer_id", "position", "id"], kind="stable")
              .drop_duplicates("customer_id"))
    return chosen[PLAN_COLUMNS].astype({"customer_id": "int64",
                                        "frequency_days": "int64"}).reset_index(drop=True)


def _last_contacts(contacts: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per customer the last visit and the last call on or before ``as_of``."""
    day = pd.to_datetime(contacts["day"])
    known = contacts.loc[day <= pd.Timestamp(as_of)].assign(day=day)
    last = known.pivot_table(index="customer_id", columns="kind", values="day", aggfunc="max")
    return last.reindex(columns=["visit", "call"])


def contact_status(plans: pd.DataFrame, contacts: pd.DataFrame,
                   as_of: dt.date) -> pd.DataFrame:
    """``plans`` (from :func:`customer_plans`) with ``last_contact``, ``next_contact_due``,
    ``days_overdue`` and ``never_contacted``. ``contacts``: ``customer_id``, ``kind``
    (visit / call), ``day``."""
    last = _last_contacts(contacts, as_of)
    visit = plans["customer_id"].map(last["visit"]).astype("datetime64[ns]")
    call = plans["customer_id"].map(last["call"]).astype("datetime64[ns]")
    either = pd.concat([visit, call], axis=1).max(axis=1)
    latest = visit.where(plans["channel"] == "visit", either)
    never = latest.isna()
    due = (latest + pd.to_timedelta(plans["frequency_days"], unit="D")).fillna(
        pd.Timestamp(as_of))
    overdue = (pd.Timestamp(as_of) - due).dt.days.clip(lower=0)
    return plans.assign(last_contact=latest.dt.date.where(~never, None),
                        next_contact_due=due.dt.date,
                        days_overdue=overdue.astype("int64"),
                        never_contacted=never.to_numpy())


PERIOD_COLUMNS = ["customer_id", "channel", "frequency_days", "planned", "made",
                  "made_on_plan"]


def contact_counts(contacts: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per customer with a call or a visit from ``start`` to ``end`` (days, both included):
    ``customer_id``, ``calls``, ``visits`` (the team page's columns; ``contacts`` as
    ``dashboard.data.contact_plans.load_contacts`` reads them)."""
    day = contacts["day"]
    inside = contacts.loc[(day >= pd.Timestamp(start)) & (day <= pd.Timestamp(end))]
    kind = inside["kind"]
    counts = pd.DataFrame({"customer_id": inside["customer_id"].to_numpy(dtype=np.int64),
                           "calls": (kind == "call").to_numpy(dtype=np.int64),
                           "visits": (kind == "visit").to_numpy(dtype=np.int64)})
    return counts.groupby("customer_id", as_index=False, sort=True).sum()


def planned_contacts(plans: pd.DataFrame, contacts: pd.DataFrame, start: dt.date,
                     end: dt.date) -> pd.DataFrame:
    """Per planned customer (``plans`` from :func:`customer_plans`) the contacts the plan
    sets from ``start`` to ``end`` (both included) and those made (``PERIOD_COLUMNS``).
    ``contacts``: ``customer_id``, ``kind`` (visit / call), ``day``."""
    if plans.empty:
        return pd.DataFrame({c: pd.Series(dtype="object" if c == "channel" else "int64")
                             for c in PERIOD_COLUMNS})
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    day = pd.to_datetime(contacts["day"])
    before = _last_contacts(contacts.loc[day < first], end)
    visit = plans["customer_id"].map(before["visit"]).astype("datetime64[ns]")
    call = plans["customer_id"].map(before["call"]).astype("datetime64[ns]")
    latest = visit.where(plans["channel"] == "visit",
                         pd.concat([visit, call], axis=1).max(axis=1))
    every = pd.to_timedelta(plans["frequency_days"], unit="D")
    due = (latest + every).fillna(first).clip(lower=first)
    span = (last - due).dt.days.to_numpy()
    planned = np.where(span >= 0, span // plans["frequency_days"].to_numpy() + 1, 0)
    inside = contacts.loc[(day >= first) & (day <= last)]
    visits = inside.loc[inside["kind"] == "visit"].groupby("customer_id").size()
    anything = inside.loc[inside["kind"].isin(["visit", "call"])].groupby("customer_id").size()
    made = plans["customer_id"].map(visits).where(plans["channel"] == "visit",
                                                  plans["customer_id"].map(anything))
    made = made.fillna(0).to_numpy(dtype=np.int64)
    return pd.DataFrame({
        "customer_id": plans["customer_id"].to_numpy(dtype=np.int64),
        "channel": plans["channel"].to_numpy(dtype=object),
        "frequency_days": plans["frequency_days"].to_numpy(dtype=np.int64),
        "planned": planned.astype(np.int64), "made": made,
        "made_on_plan": np.minimum(made, planned).astype(np.int64)})


def visited_low_value(plans: pd.DataFrame, contacts: pd.DataFrame, as_of: dt.date,
                      days: int = LOW_VALUE_DAYS) -> pd.DataFrame:
    """Customers visited in the ``days`` days to ``as_of`` whose plan is a cheaper channel
    than a visit: ``PLAN_COLUMNS`` + ``visits``, most visits first."""
    day = pd.to_datetime(contacts["day"])
    start = pd.Timestamp(as_of) - pd.Timedelta(days=days - 1)
    recent = contacts.loc[(contacts["kind"] == "visit") & (day >= start)
                          & (day <= pd.Timestamp(as_of))]
    visits = recent.groupby("customer_id").size()
    cheaper = plans.loc[plans["channel"].isin(["phone", "email"])]
    found = cheaper.assign(visits=cheaper["customer_id"].map(visits).fillna(0).astype(np.int64))
    return (found.loc[found["visits"] > 0]
            .sort_values(["visits", "customer_id"], ascending=[False, True], kind="stable")
            .reset_index(drop=True))


__all__ = ["ACCEPTED", "CHANNELS", "LOW_VALUE_DAYS", "PERIOD_COLUMNS", "PLAN_COLUMNS",
           "STATUS_COLUMNS", "contact_status", "customer_plans", "planned_contacts",
           "visited_low_value"]
