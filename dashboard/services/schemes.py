"""Sales classification schemes (SPEC.md "Sales classifications", seeds 000/001).

Who sees and changes what follows the ownership rule of ``dashboard.services.access``: every
user sees the business-wide schemes and those of their own team (a rep: the team of their
account manager); an owner sees and changes all of them; a manager changes their team's
schemes only; a rep changes none. A scheme id from the browser is only a request: one the user
may not see or change is refused like a missing one, and audited (RELIABILITY-TESTS B.15).

Band counts come from ``classifications.scheme_assignment`` (every active scheme classified
over the whole customer base as of a date, cached per data version and scheme definitions)
narrowed to the customers the user may see under the page filters; :func:`band_numbers` and
:func:`select_customers` give the customer list exactly the customers behind each count.
A team's scheme records memberships for that team's customers only.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboard.analytics.classification import band_counts
from dashboard.analytics.rules import ALERT, PENDING
from dashboard.analytics.selection import Selector, selection_mask
from dashboard.data import schemes as data
from dashboard.data.audit import insert_audit
from dashboard.data.memberships import close_sources, load_open_memberships
from dashboard.db import session_scope
from dashboard.filters import AnyFilters, Filters
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import customer_table
from dashboard.services import filters as filter_service
from dashboard.services.access import (
    as_key,
    authorise_config,
    creatable_teams,
    may_create,
    may_edit,
    team_for,
    visible_teams,
)
from dashboard.services.classifications import clean_record, scheme_assignment
from dashboard.services.recompute import refresh_after_change
from dashboard.services.scheme_forms import parse_scheme, scheme_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SchemeView:
    """One scheme as the page shows it; ``counts``: ``band`` (from 0), ``label``, ``upper``,
    ``customers`` (in the user's scope under the page filters)."""

    record: dict[str, Any]
    team_name: str | None
    editable: bool
    counts: pd.DataFrame

    @property
    def id(self) -> int:
        return int(self.record["id"])

    @property
    def placed(self) -> int:
        return int(self.counts["customers"].sum())


@dataclass(frozen=True)
class SchemesPage:
    filters: Filters
    today: dt.date
    default_period: str
    customers: int  # customers in the user's scope under the filters
    schemes: list[SchemeView]
    can_create: bool
    teams: dict[int, str]  # the teams a new scheme may belong to (owners: all)


def band_numbers(runtime: Runtime, actor: Actor, scheme_id: int,
                 as_of: dt.date) -> pd.Series:
    """Each customer's band (counting from 1) in scheme ``scheme_id`` as of ``as_of``,
    indexed by customer id (customers in no band are absent). Refuses (audited) a scheme
    the actor may not see."""
    with session_scope(runtime.engine) as session:
        row = data.get_scheme(session, as_key(scheme_id))
        authorise_config(session, actor, "scheme", row, scheme_id, edit=False)
    assignment = scheme_assignment(runtime, as_of)
    mine = assignment.loc[(assignment["scheme"] == int(scheme_id))
                          & assignment["band"].notna()]
    return pd.Series(mine["band"].to_numpy(dtype=np.int64) + 1,
                     index=mine["customer_id"].to_numpy(dtype=np.int64), name="band")


def segment_members(runtime: Runtime, actor: Actor, rule_id: int) -> pd.Index:
    """The ids of the customers in the segment of rule ``rule_id`` now (its open
    memberships; waiting and alert rows are not in a segment). Refuses (audited) a rule the
    actor may not see."""
    with session_scope(runtime.engine) as session:
        row = data.get_rule(session, as_key(rule_id))
        authorise_config(session, actor, "rule", row, rule_id, edit=False)
        rows = load_open_memberships(session, [f"rule:{int(rule_id)}"])
    kept = rows.loc[~rows["label"].isin([PENDING, ALERT]), "customer_id"]
    return pd.Index(kept.astype("int64").unique(), name="customer_id")


def select_customers(runtime: Runtime, actor: Actor, table: pd.DataFrame, selector: Selector,
                     as_of: dt.date) -> pd.DataFrame:
    """The rows of ``table`` (already scoped and filtered) that ``selector`` keeps, scheme
    bands and rule segments included: what the customer list shows for a link of this
    page."""
    bands = None if selector.scheme is None else band_numbers(runtime, actor,
                                                              selector.scheme, as_of)
    members = None if selector.segment is None else segment_members(runtime, actor,
                                                                     selector.segment)
    mask = selection_mask(table, selector, bands, members)
    return table if mask.all() else table.loc[mask].reset_index(drop=True)


def get_schemes_page(runtime: Runtime, actor: Actor,
                     query: AnyFilters | None) -> SchemesPage:
    """The Schemes page for ``actor`` under the filters ``query`` asks for."""
    choices = filter_service.get_filter_choices(runtime, actor)
    filters = filter_service.resolve_filters(runtime, actor, query, choices)
    table = customer_table.scoped_table(runtime, actor, filters)
    with session_scope(runtime.engine) as session:
        teams = visible_teams(session, actor)
        frame = data.load_schemes(session, teams)
        team_names = data.load_team_names(session)
    assignment = scheme_assignment(runtime, filters.as_of)
    shown = assignment.loc[assignment["customer_id"].isin(table["customer_id"])]
    views = []
    for record in frame.to_dict("records"):  # schemes, not customers
        record = clean_record(record)
        try:
            scheme = scheme_of(record)
        except ValueError:
            continue
        mine = shown.loc[shown["scheme"] == int(record["id"])]
        team = record["team_id"]
        views.append(SchemeView(record=record, editable=may_edit(actor, team),
                                team_name=None if team is None else team_names.get(int(team)),
                                counts=band_counts(mine, scheme)))
    return SchemesPage(filters=filters, today=choices.today,
                       default_period=choices.default_period, customers=len(table),
                       schemes=views, teams=creatable_teams(actor, team_names),
                       can_create=may_create(actor))


def get_scheme(runtime: Runtime, actor: Actor, scheme_id: Any) -> dict[str, Any]:
    """One scheme's stored values for the edit form (refused when not changeable)."""
    with session_scope(runtime.engine) as session:
        row = data.get_scheme(session, as_key(scheme_id))
        authorise_config(session, actor, "scheme", row, scheme_id, edit=True)
        return {c: getattr(row, c) for c in data.SCHEME_COLUMNS}


def save_scheme(runtime: Runtime, actor: Actor, scheme_id: Any,
                fields: Mapping[str, Any]) -> int:
    """Create (``scheme_id`` None) or change a scheme; returns its id. Audited."""
    with session_scope(runtime.engine, write=True) as session:
        if scheme_id is not None:  # a forged id is refused before anything else is read
            authorise_config(session, actor, "scheme", data.get_scheme(session, as_key(scheme_id)),
                             scheme_id, edit=True)
        values = parse_scheme(fields)
        if scheme_id is None:
            values["team_id"] = team_for(session, actor, fields.get("team_id"))
            new_id = data.insert_scheme(session, values, created_by=actor.user_id,
                                        position=data.next_position(session))
            insert_audit(session, actor, "scheme.create", object_type="scheme",
                         object_id=new_id, detail={"after": _public(values)})
        else:
            row = data.get_scheme(session, as_key(scheme_id))
            authorise_config(session, actor, "scheme", row, scheme_id, edit=True)
            before = {c: getattr(row, c) for c in data.SCHEME_FIELDS}
            data.update_scheme(session, row.id, values)
            new_id = int(row.id)
            insert_audit(session, actor, "scheme.update", object_type="scheme",
                         object_id=new_id, detail={"before": _public(before),
                                                   "after": _public(values)})
    refresh_after_change(runtime, actor, {f"scheme:{new_id}"})
    return new_id


def _public(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in data.SCHEME_FIELDS}


def delete_scheme(runtime: Runtime, actor: Actor, scheme_id: Any) -> None:
    """Delete a scheme; its membership history stays, closed today. Audited."""
    with session_scope(runtime.engine, write=True) as session:
        row = data.get_scheme(session, as_key(scheme_id))
        authorise_config(session, actor, "scheme", row, scheme_id, edit=True)
        before = {c: getattr(row, c) for c in data.SCHEME_FIELDS}
        data.delete_scheme(session, row.id)
        close_sources(session, [f"scheme:{row.id}"], filter_service.today(runtime))
        insert_audit(session, actor, "scheme.delete", object_type="scheme", object_id=row.id,
                     detail={"before": _public(before)})


def move_scheme(runtime: Runtime, actor: Actor, scheme_id: Any, direction: str) -> None:
    """Swap a scheme with its neighbour above (``up``) or below (``down``) among the schemes
    the actor may change. Audited."""
    if direction not in ("up", "down"):
        raise ValueError(direction)
    with session_scope(runtime.engine, write=True) as session:
        row = data.get_scheme(session, as_key(scheme_id))
        authorise_config(session, actor, "scheme", row, scheme_id, edit=True)
        frame = data.load_schemes(session, visible_teams(session, actor))
        mine = frame.loc[[may_edit(actor, None if pd.isna(t) else int(t))
                          for t in frame["team_id"]]].reset_index(drop=True)
        ids = mine["id"].astype(int).tolist()
        at = ids.index(int(row.id))
        other = at - 1 if direction == "up" else at + 1
        if not 0 <= other < len(ids):
            return
        order = frame["id"].astype(int).tolist()
        i, j = order.index(ids[at]), order.index(ids[other])
        order[i], order[j] = order[j], order[i]
        data.set_positions(session, {sid: pos for pos, sid in enumerate(order)})
        insert_audit(session, actor, "scheme.move", object_type="scheme", object_id=row.id,
                     detail={"direction": direction, "order": order})


__all__ = ["SchemeView", "SchemesPage", "band_numbers", "delete_scheme", "get_scheme",
           "get_schemes_page", "move_scheme", "save_scheme", "segment_members",
           "select_customers"]
