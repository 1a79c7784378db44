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

import numpy as np
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
    names = {"status": "", "abc": ""}
    names.update({f"scheme:{int(s['id'])}": str(s["title"])
                  for s in config.scheme_records(session, teams)})
    names.update({f"rule:{int(r['id'])}": str(r["name"])
                  for r in config.rule_records(session, teams)})
    return names


_FROM_SNAPSHOTS = {"date": "as_of", "status": "status", "abc_tier": "abc_tier",
                   "risk_score": "risk_score", "churn_probability": "churn_probability"}
_FROM_CHANGES = {"date": "valid_from", "source": "source", "label": "label", "value": "value",
                 "valid_to": "valid_to", "reason": "reason"}
_NUMBERS = ("risk_score", "churn_probability", "value")
_TEXTS = ("kind", "status", "abc_tier", "source", "source_name", "label", "reason")


def _frame(snapshots: pd.DataFrame, changes: pd.DataFrame, names: dict[str, str]
           ) -> pd.DataFrame:
    """The month-end rows, then the changes of shown sources, by date (a month-end before a
    change of the same day), in the columns :data:`COLUMNS`. Built as columns of arrays and
    ordered once: a portrait's few dozen rows cost less so than frames joined and sorted
    (decision 246)."""
    shown = changes.loc[changes["source"].isin(list(names))]
    month_ends, moves = len(snapshots), len(shown)

    def column(name: str) -> np.ndarray:
        first, second = _FROM_SNAPSHOTS.get(name), _FROM_CHANGES.get(name)
        kind = float if name in _NUMBERS else object
        return np.concatenate([
            snapshots[first].to_numpy(dtype=kind) if first else np.full(month_ends, None, kind),
            shown[second].to_numpy(dtype=kind) if second else np.full(moves, None, kind)])

    columns = {name: column(name) for name in COLUMNS}
    columns["kind"] = np.array(["month_end"] * month_ends + ["change"] * moves, dtype=object)
    columns["source_name"][month_ends:] = [names[s] for s in columns["source"][month_ends:]]
    date = pd.to_datetime(pd.Series(columns["date"], dtype=object))
    order = np.lexsort((np.repeat([0, 1], [month_ends, moves]), date.to_numpy()))
    # text columns of object arrays are read as text; one with no value at all is not
    frame = pd.DataFrame({name: values[order] for name, values in columns.items()})
    untyped = {name: "str" for name in _TEXTS if frame[name].dtype != "str"}
    return (frame.astype(untyped) if untyped else frame).assign(
        date=date.iloc[order].reset_index(drop=True),
        valid_to=pd.to_datetime(frame["valid_to"]))


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
    if len(ids) == 1:  # a portrait: the rows are all this customer's
        snapshot_groups, change_groups = {ids[0]: snapshots}, {ids[0]: changes}
    else:
        snapshot_groups = dict(tuple(snapshots.groupby("customer_id", sort=False)))
        change_groups = dict(tuple(changes.groupby("customer_id", sort=False)))
    empty_snapshots, empty_changes = snapshots.iloc[:0], changes.iloc[:0]
    return {cid: _frame(snapshot_groups.get(cid, empty_snapshots),
                        change_groups.get(cid, empty_changes).drop(columns=["customer_id"]),
                        names) for cid in ids}


__all__ = ["COLUMNS", "get_customer_histories", "get_customer_history"]
