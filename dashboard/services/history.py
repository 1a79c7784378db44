"""A customer's history for the portrait: month-end figures and every change of place.

``get_customer_history(runtime, actor, customer_id)`` returns one frame, oldest first, with a
``kind`` column:

- ``month_end`` rows (from ``customer_snapshots``): ``date`` (a month-end, or the latest
  recompute of the current month), ``status``, ``abc_tier``, ``risk_score``,
  ``churn_probability`` — the risk score over time the portrait draws;
- ``change`` rows (from ``memberships``): ``date`` (the first day of the new place),
  ``source`` (``status``, ``abc``, ``scheme:<id>``, ``rule:<id>``), ``source_name`` (the
  scheme's title or the rule's name; empty for status and tier), ``label`` (the new place:
  a status, a tier, a band, a segment, ``(pending)`` or ``(alert)``), ``value`` (the figure
  then), ``valid_to`` (when it ended; empty while it lasts) and ``reason`` (why: a
  stored text, ``dashboard.analytics.reasons``, that the page words for the reader).

Only schemes and rules the actor may see are listed; the customer must be inside the actor's
scope (``authorise_customer``: refused and audited otherwise).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from dashboard.data import memberships as data
from dashboard.data import schemes as config
from dashboard.data.access import load_customer_ids_in_scope
from dashboard.db import session_scope
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services.access import authorise_customer, customer_key, visible_teams

COLUMNS = ["date", "kind", "status", "abc_tier", "risk_score", "churn_probability", "source",
           "source_name", "label", "value", "valid_to", "reason"]


def _names(session: Any, actor: Actor) -> dict[str, str]:
    teams = visible_teams(session, actor)
    schemes = config.load_schemes(session, teams)
    rules = config.load_rules(session, teams)
    names = {"status": "", "abc": ""}
    names.update({f"scheme:{int(i)}": str(t) for i, t in zip(schemes["id"], schemes["title"],
                                                            strict=True)})
    names.update({f"rule:{int(i)}": str(n) for i, n in zip(rules["id"], rules["name"],
                                                          strict=True)})
    return names


def _frame(snapshots: pd.DataFrame, changes: pd.DataFrame, names: dict[str, str]
           ) -> pd.DataFrame:
    month_ends = snapshots.drop(columns=["customer_id"]).rename(
        columns={"as_of": "date"}).assign(kind="month_end")
    shown = changes.loc[changes["source"].isin(list(names))]
    moves = shown.rename(columns={"valid_from": "date"}).assign(
        kind="change", source_name=shown["source"].map(names)).drop(columns=["recorded_at"])
    frame = pd.concat([month_ends, moves], ignore_index=True).reindex(columns=COLUMNS)
    frame = frame.assign(date=pd.to_datetime(frame["date"]),
                         valid_to=pd.to_datetime(frame["valid_to"]))
    order = frame["kind"].map({"month_end": 0, "change": 1})
    return (frame.assign(_order=order).sort_values(["date", "_order"], kind="stable")
            .drop(columns=["_order"]).reset_index(drop=True))


def get_customer_history(runtime: Runtime, actor: Actor, customer_id: Any) -> pd.DataFrame:
    """Month-end figures and membership changes of one customer (see the module)."""
    with session_scope(runtime.engine) as session:
        cid = authorise_customer(session, actor, customer_key(customer_id))
        snapshots = data.load_customer_snapshots(session, cid)
        changes = data.load_customer_memberships(session, cid)
        names = _names(session, actor)
    return _frame(snapshots, changes, names)


def get_customer_histories(runtime: Runtime, actor: Actor,
                           customer_ids: Iterable[int]) -> dict[int, pd.DataFrame]:
    """:func:`get_customer_history` of each of ``customer_ids`` inside the actor's scope
    (the others are left out), read in one query per table: a batch of reports."""
    with session_scope(runtime.engine) as session:
        ids = sorted(load_customer_ids_in_scope(session, actor, customer_ids))
        snapshots = data.load_snapshots_of(session, ids)
        changes = data.load_memberships_of(session, ids)
        names = _names(session, actor)
    snapshot_groups = dict(tuple(snapshots.groupby("customer_id", sort=False)))
    change_groups = dict(tuple(changes.groupby("customer_id", sort=False)))
    empty_snapshots, empty_changes = snapshots.iloc[:0], changes.iloc[:0]
    return {cid: _frame(snapshot_groups.get(cid, empty_snapshots),
                        change_groups.get(cid, empty_changes).drop(columns=["customer_id"]),
                        names) for cid in ids}


__all__ = ["COLUMNS", "get_customer_histories", "get_customer_history"]
