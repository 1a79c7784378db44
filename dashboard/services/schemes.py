"""Sales classification schemes (SPEC.md "Sales classifications", seeds 000/001).

Who sees and changes what: every user sees the business-wide schemes and those of their own
team (a rep: the team of their account manager); an owner sees and changes all of them; a
manager changes their team's schemes only; a rep changes none. A scheme id from the browser
is only a request: one the user may not see or change is refused like a missing one, and
audited (RELIABILITY-TESTS B.15).

Band counts come from :func:`scheme_assignment` (every active scheme classified over the whole
customer base as of a date, cached per data version and scheme definitions) narrowed to the
customers the user may see under the page filters; :func:`band_numbers` and
:func:`select_customers` give the customer list exactly the customers behind each count.
A team's scheme records memberships for that team's customers only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from dashboard.analytics.classification import Scheme, band_counts, classify_many
from dashboard.analytics.selection import Selector, selection_mask
from dashboard.cache import cache_key
from dashboard.data import sales
from dashboard.data import schemes as data
from dashboard.data.audit import insert_audit
from dashboard.data.memberships import close_sources
from dashboard.data.snapshot import current_days
from dashboard.db import data_identity, session_scope
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import figures
from dashboard.services import filters as filter_service
from dashboard.services.audit import deny
from dashboard.services.figures import Filters
from dashboard.services.scheme_forms import parse_scheme, scheme_of

log = logging.getLogger(__name__)
EDITORS = ("owner", "manager")


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


def clean_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row with pandas' missing values as None."""
    return {k: (None if not isinstance(v, (list, dict)) and pd.isna(v) else v)
            for k, v in record.items()}


def visible_teams(session: Session, actor: Actor) -> list[int] | None:
    """Teams whose schemes and rules ``actor`` sees besides the business-wide ones (None: all)."""
    if actor.role == "owner":
        return None
    if actor.role == "manager" and actor.team_id is not None:
        return [int(actor.team_id)]
    if actor.role == "rep" and actor.rep_id is not None:
        team = data.get_rep_team_id(session, actor.rep_id)
        return [] if team is None else [team]
    return []


def may_edit(actor: Actor, team_id: int | None) -> bool:
    if actor.role == "owner":
        return True
    return actor.role == "manager" and team_id is not None and team_id == actor.team_id


def authorise_config(session: Session, actor: Actor, kind: str, row: Any, key: Any, *,
                     edit: bool) -> None:
    """Refuse (audited) a scheme or rule that is missing, not visible or not changeable."""
    teams = visible_teams(session, actor)
    visible = row is not None and (teams is None or row.team_id is None
                                   or row.team_id in teams)
    if visible and (not edit or may_edit(actor, row.team_id)):
        return
    reason = ("no such " + kind if row is None else
              f"team {row.team_id} outside scope {actor.scope_key}" if not visible else
              f"role {actor.role} may not change it")
    raise deny(session, actor, object_type=kind, object_id=str(key)[:120], reason=reason,
               code="denied")


def as_key(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def active_schemes(session: Session) -> tuple[dict[int, Scheme], dict[int, int | None]]:
    """Every active scheme as the engine's :class:`Scheme`, and each one's team."""
    frame = data.load_schemes(session, active_only=True)
    schemes, teams = {}, {}
    for record in frame.to_dict("records"):  # a handful of schemes, not customers
        record = clean_record(record)
        try:
            schemes[int(record["id"])] = scheme_of(record)
        except ValueError:
            log.warning("scheme %s is invalid and was skipped", record["id"])
            continue
        teams[int(record["id"])] = None if record["team_id"] is None else int(record["team_id"])
    return schemes, teams


def _definitions_key(schemes: Mapping[int, Scheme]) -> str:
    text = json.dumps({str(k): repr(v) for k, v in sorted(schemes.items())}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def scheme_assignment(runtime: Runtime, as_of: dt.date,
                      schemes: Mapping[int, Scheme] | None = None) -> pd.DataFrame:
    """Every active scheme's assignment of every customer as of ``as_of`` (``classify_many``:
    ``scheme``, ``customer_id``, ``band`` from 0, ``label``, ``value``), cached."""
    if schemes is None:
        with session_scope(runtime.engine) as session:
            schemes, _teams = active_schemes(session)
    rules = figures.figure_settings(runtime)
    with session_scope(runtime.engine) as session:
        identity = data_identity(session)
    key = cache_key("scheme-assignment", *identity, as_of.isoformat(), rules.cache_key(),
                    _definitions_key(schemes))

    def compute() -> pd.DataFrame:
        days = current_days(runtime.engine, runtime.snapshot_dir)
        with session_scope(runtime.engine) as session:
            customers = sales.load_customers(session)
        return classify_many(days, customers, as_of, schemes, rules)

    return runtime.cache.get_or_compute(key, compute)


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


def select_customers(runtime: Runtime, actor: Actor, table: pd.DataFrame, selector: Selector,
                     as_of: dt.date) -> pd.DataFrame:
    """The rows of ``table`` (already scoped and filtered) that ``selector`` keeps, scheme
    bands included: what the customer list shows for a link of this page."""
    bands = None if selector.scheme is None else band_numbers(runtime, actor,
                                                              selector.scheme, as_of)
    mask = selection_mask(table, selector, bands)
    return table if mask.all() else table.loc[mask].reset_index(drop=True)


def get_schemes_page(runtime: Runtime, actor: Actor, query: Any) -> SchemesPage:
    """The Schemes page for ``actor`` under the filters ``query`` asks for."""
    choices = filter_service.get_filter_choices(runtime, actor)
    filters = filter_service.resolve_filters(runtime, actor, query, choices)
    table = figures.scoped_table(runtime, actor, filters)
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
    creatable = ({} if actor.role not in EDITORS else team_names if actor.role == "owner"
                 else {int(actor.team_id): team_names.get(int(actor.team_id), "")}
                 if actor.team_id is not None else {})
    return SchemesPage(filters=filters, today=choices.today,
                       default_period=choices.default_period, customers=len(table),
                       schemes=views, teams=creatable,
                       can_create=actor.role == "owner" or (actor.role == "manager"
                                                            and actor.team_id is not None))


def get_scheme(runtime: Runtime, actor: Actor, scheme_id: Any) -> dict[str, Any]:
    """One scheme's stored values for the edit form (refused when not changeable)."""
    with session_scope(runtime.engine) as session:
        row = data.get_scheme(session, as_key(scheme_id))
        authorise_config(session, actor, "scheme", row, scheme_id, edit=True)
        return {c: getattr(row, c) for c in data.SCHEME_COLUMNS}


def team_for(session: Session, actor: Actor, requested: Any, kind: str = "scheme") -> int | None:
    """The team a new scheme or rule (``kind``) belongs to: the owner's choice (None: the
    whole business), a manager's own team; anyone else is refused (audited)."""
    if actor.role == "owner":
        team = None if requested in (None, "", "all") else as_key(requested)
        if team is not None and team not in data.load_team_names(session):
            raise deny(session, actor, object_type="team", object_id=str(requested)[:40],
                       reason="no such team", code="team_unknown")
        return team
    if actor.role == "manager" and actor.team_id is not None:
        return int(actor.team_id)
    raise deny(session, actor, object_type=kind, object_id="new",
               reason=f"role {actor.role} may not create {kind}s")


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
    refresh_memberships(runtime, actor, {f"scheme:{new_id}"})
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


def refresh_memberships(runtime: Runtime, actor: Actor, sources: set[str]) -> None:
    """Bring the memberships of changed schemes or rules up to date (a failure only delays
    them to the next recompute)."""
    from dashboard.services.recompute import refresh_sources

    try:
        refresh_sources(runtime, actor, sources)
    except Exception:  # noqa: BLE001 - the change itself is saved
        log.exception("memberships of %s not refreshed", sorted(sources))


__all__ = ["SchemeView", "SchemesPage", "active_schemes", "authorise_config", "band_numbers",
           "delete_scheme", "get_scheme", "get_schemes_page", "may_edit", "move_scheme",
           "save_scheme", "scheme_assignment", "select_customers", "team_for", "visible_teams"]
