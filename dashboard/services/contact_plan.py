"""The contact plan (SPEC "Contact plan"): channel and frequency per scheme band and rule
segment, editable by the owner (any) and a manager (their team's schemes and rules); per
customer the next contact due and the days overdue; the "overdue for contact" list per
account manager and the "visited but low value" list. Scoped like every list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.analytics.contact_plan import (
    CHANNELS,
    PERIOD_COLUMNS,
    contact_counts,
    contact_status,
    customer_plans,
    planned_contacts,
    visited_low_value,
)
from dashboard.analytics.periods import Period, period_bounds
from dashboard.cache import cache_key
from dashboard.data import schemes as scheme_data
from dashboard.data.audit import insert_audit
from dashboard.data.contact_plans import delete_plan, load_contacts, load_plans, set_plan
from dashboard.data.customers import get_contact_stamp
from dashboard.data.memberships import load_open_memberships
from dashboard.db import current_identity, session_scope
from dashboard.errors import ValidationError
from dashboard.i18n import _
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import customer_table
from dashboard.services import filters as filter_service
from dashboard.services.access import as_key, authorise_config
from dashboard.services.ledger import source_names

IDENTITY = ["customer_id", "customer_code", "customer_name", "account_manager"]


@dataclass(frozen=True)
class ContactPlanView:
    as_of: dt.date
    plans: pd.DataFrame  # id, source, label, channel, frequency_days, position, source_name
    customers: pd.DataFrame  # IDENTITY + STATUS_COLUMNS, most overdue first
    overdue_by_rep: pd.DataFrame  # account_manager, overdue, never_contacted
    low_value: pd.DataFrame  # IDENTITY + PLAN_COLUMNS + visits


def get_contact_plan(runtime: Runtime, actor: Actor,
                     as_of: dt.date | None = None) -> ContactPlanView:
    as_of = as_of or filter_service.today(runtime)
    plans, placed, contacts = _plans_and_contacts(runtime, actor, as_of)
    table = customer_table.customer_table(runtime, as_of, filter_service.default_period(runtime),
                                          customer_table.figure_settings(runtime))
    allowed = customer_table.scope_ids(runtime, actor)
    people = table[IDENTITY] if allowed is None else table.loc[
        table["customer_id"].isin(allowed), IDENTITY]
    placed = placed.loc[placed["customer_id"].isin(people["customer_id"])]
    status = people.merge(contact_status(placed, contacts, as_of), on="customer_id")
    status = status.sort_values(["never_contacted", "days_overdue", "customer_code"],
                                ascending=[False, False, True], kind="stable")
    late = status.loc[status["never_contacted"] | (status["days_overdue"] > 0)]
    by_rep = (late.assign(account_manager=late["account_manager"].fillna(""))
              .groupby("account_manager", dropna=False)
              .agg(overdue=("customer_id", "size"), never_contacted=("never_contacted", "sum"))
              .reset_index().sort_values("overdue", ascending=False, kind="stable"))
    low = people.merge(visited_low_value(placed, contacts, as_of), on="customer_id")
    return ContactPlanView(as_of=as_of, plans=plans.reset_index(drop=True),
                           customers=status.reset_index(drop=True),
                           overdue_by_rep=by_rep.reset_index(drop=True),
                           low_value=low.reset_index(drop=True))


def _plans_and_contacts(runtime: Runtime, actor: Actor,
                        until: dt.date) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The plans of the bands and segments ``actor`` sees, every customer's plan among them
    (``customer_plans``) and the contacts up to ``until``."""
    names = source_names(runtime, actor)
    identity = current_identity(runtime.engine)
    with session_scope(runtime.engine) as session:
        plans = load_plans(session)
        sources = sorted(set(plans["source"]))
        open_rows = load_open_memberships(session, sources) if sources else pd.DataFrame(
            columns=["customer_id", "source", "label"])
        stamp = get_contact_stamp(session)
    plans = plans.loc[plans["source"].isin(names)].assign(
        source_name=lambda f: f["source"].map(names))
    return plans, customer_plans(open_rows, plans), _contacts(runtime, identity, until, stamp)


def _contacts(runtime: Runtime, identity: tuple, until: dt.date,
              stamp: tuple[int, int]) -> pd.DataFrame:
    """Every visit and call up to ``until``, from the shared figure cache per data version
    and latest visit id (calls and visits are only ever added; a merge of duplicates bumps the
    data version): the team page and the contact plan read them all, 220,000 rows at 50,000
    customers, 0.7 s a time."""
    def compute() -> pd.DataFrame:
        with session_scope(runtime.engine) as session:
            return load_contacts(session, until)

    return runtime.cache.get_or_compute(
        cache_key("plan-contacts", *identity, until.isoformat(), stamp[0]), compute)


def period_contacts(runtime: Runtime, actor: Actor, customer_ids: Any, start: dt.date,
                    end: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per customer of ``customer_ids`` with a plan, the contacts it sets from ``start`` to
    ``end`` and those made (``analytics.contact_plan.PERIOD_COLUMNS``); and every customer's
    calls and visits in those days (``analytics.contact_plan.contact_counts``). Both from
    the cached contacts."""
    _plans, placed, contacts = _plans_and_contacts(runtime, actor, end)
    placed = placed.loc[placed["customer_id"].isin(pd.Series(customer_ids, dtype="int64"))]
    return (planned_contacts(placed.reset_index(drop=True), contacts, start, end),
            contact_counts(contacts, start, end))


@dataclass(frozen=True)
class PlanPeriodView:
    bounds: Period
    rows: pd.DataFrame  # IDENTITY + label + PERIOD_COLUMNS, planned or contacted customers
    planned: int
    made: int  # made on plan (each customer's made capped at its planned)


def get_plan_period(runtime: Runtime, actor: Actor, query: Any) -> PlanPeriodView:
    """The customers behind the Team page's "contacts made / planned" under the page
    filters of ``query`` (period, account manager, type, region; scoped like the team)."""
    filters = filter_service.resolve_filters(runtime, actor, query)
    bounds = period_bounds(filters.as_of, filters.period)
    table = customer_table.scoped_table(runtime, actor, filters)
    _plans, placed, contacts = _plans_and_contacts(runtime, actor, bounds.end)
    placed = placed.loc[placed["customer_id"].isin(table["customer_id"])]
    figures = planned_contacts(placed.reset_index(drop=True), contacts, bounds.start,
                               bounds.end).merge(placed[["customer_id", "label"]],
                                                 on="customer_id")
    rows = table[IDENTITY].merge(figures, on="customer_id")
    rows = rows.loc[(rows["planned"] > 0) | (rows["made"] > 0)]
    rows = rows.assign(missed=rows["planned"] - rows["made_on_plan"]).sort_values(
        ["missed", "customer_code"], ascending=[False, True], kind="stable")
    return PlanPeriodView(bounds=bounds, rows=rows.reset_index(drop=True),
                          planned=int(rows["planned"].sum()),
                          made=int(rows["made_on_plan"].sum()))


def plan_targets(runtime: Runtime, actor: Actor) -> list[tuple[str, str, str]]:
    """Every (source, label, source name) a plan can be set for: the bands of the schemes
    and the segments of the rules ``actor`` sees."""
    names = source_names(runtime, actor)
    with session_scope(runtime.engine) as session:
        schemes = scheme_data.load_schemes(session)
        rules = scheme_data.load_rules(session)
    out = []
    for record in schemes.to_dict("records"):  # a few schemes
        source = f"scheme:{int(record['id'])}"
        if source in names:
            out += [(source, str(b["label"]), names[source]) for b in record["bands"]]
    for record in rules.to_dict("records"):  # a few rules
        source = f"rule:{int(record['id'])}"
        if source in names and record["segment"]:
            out.append((source, str(record["segment"]), names[source]))
    return out


def set_contact_plan(runtime: Runtime, actor: Actor, source: Any, label: Any, channel: Any,
                     frequency_days: Any) -> None:
    """Set (``channel`` one of visit / phone / email) or remove (``channel`` empty) the plan of
    a band or segment; refused (audited) for a scheme or rule the user may not change.
    Audited."""
    kind, _sep, key = str(source or "").partition(":")
    if kind not in ("scheme", "rule"):
        raise ValidationError("invalid contact plan", details=[_("Choose a band or segment.")])
    with session_scope(runtime.engine, write=True) as session:
        getter = scheme_data.get_scheme if kind == "scheme" else scheme_data.get_rule
        row = getter(session, as_key(key))
        authorise_config(session, actor, kind, row, key, edit=True)
        labels = ([str(b["label"]) for b in row.bands] if kind == "scheme"
                  else [str(row.segment)])
        if str(label) not in labels:
            raise ValidationError("invalid contact plan", details=[_("Choose a band or segment.")])
        source = f"{kind}:{row.id}"
        if not channel:
            delete_plan(session, source, str(label))
            detail: dict[str, Any] = {"source": source, "label": str(label), "removed": True}
        else:
            if channel not in CHANNELS:
                raise ValidationError("invalid contact plan",
                                      details=[_("Choose the contact channel.")])
            try:
                days = int(frequency_days)
            except (TypeError, ValueError):
                days = 0
            if not 1 <= days <= 3650:
                raise ValidationError("invalid contact plan", details=[_(
                    "The contact frequency is a whole number of days from 1 to {limit}.",
                    limit=3650)])
            set_plan(session, source, str(label), str(channel), days, runtime.clock())
            detail = {"source": source, "label": str(label), "channel": channel,
                      "frequency_days": days}
        insert_audit(session, actor, "contact_plan.set", object_type=kind, object_id=row.id,
                     detail=detail)


__all__ = ["PERIOD_COLUMNS", "ContactPlanView", "PlanPeriodView", "get_contact_plan",
           "get_plan_period", "period_contacts", "plan_targets", "set_contact_plan"]
