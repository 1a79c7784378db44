"""Classification schemes and segmentation rules: the stored configuration (never commits).

A scheme or rule with ``team_id`` belongs to that team (its manager may change it); without
one it belongs to the whole business (owners only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from dashboard.models import ClassificationScheme, Rep, SegmentRule, Team

SCHEME_FIELDS = ("title", "comment", "colour", "customer_type", "kind", "bands", "min_spend",
                 "min_orders", "timeframe_days", "active", "team_id")
RULE_FIELDS = ("name", "figure", "operator", "value", "value_text", "for_days", "action",
               "segment", "active", "team_id", "conditions", "actions", "followup_kind",
               "followup_days", "subject", "share_pct")
SCHEME_COLUMNS = ["id", *SCHEME_FIELDS, "position", "created_by", "created_at"]
RULE_COLUMNS = ["id", *RULE_FIELDS, "created_by", "created_at"]


def _visible(column: Any, team_ids: Iterable[int] | None) -> Any:
    """Business-wide rows and those of ``team_ids`` (``None``: every row)."""
    if team_ids is None:
        return None
    return or_(column.is_(None), column.in_(list(team_ids)))


def _scheme_rows(session: Session, team_ids: Iterable[int] | None,
                 active_only: bool) -> list[tuple[Any, ...]]:
    cs = ClassificationScheme
    stmt = select(*(getattr(cs, c) for c in SCHEME_COLUMNS)).order_by(cs.position, cs.id)
    where = _visible(cs.team_id, team_ids)
    if where is not None:
        stmt = stmt.where(where)
    if active_only:
        stmt = stmt.where(cs.active.is_(True))
    return [tuple(r) for r in session.execute(stmt)]


def load_schemes(session: Session, team_ids: Iterable[int] | None = None, *,
                 active_only: bool = False) -> pd.DataFrame:
    """Schemes in their order (position, then id): all of them, or the business-wide ones and
    those of ``team_ids``."""
    return pd.DataFrame.from_records(_scheme_rows(session, team_ids, active_only),
                                     columns=SCHEME_COLUMNS)


def scheme_records(session: Session, team_ids: Iterable[int] | None = None, *,
                   active_only: bool = False) -> list[dict[str, Any]]:
    """The rows of :func:`load_schemes` as dicts (``SCHEME_COLUMNS``; None where empty): a
    handful of rows that a caller reads one by one needs no frame."""
    return [dict(zip(SCHEME_COLUMNS, row, strict=True))
            for row in _scheme_rows(session, team_ids, active_only)]


def get_scheme(session: Session, scheme_id: int) -> ClassificationScheme | None:
    return session.get(ClassificationScheme, int(scheme_id))


def count_schemes(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(ClassificationScheme))
               .scalar_one())


def next_position(session: Session) -> int:
    value = session.execute(select(func.max(ClassificationScheme.position))).scalar()
    return 0 if value is None else int(value) + 1


def insert_scheme(session: Session, values: Mapping[str, Any], *, created_by: int | None,
                  position: int) -> int:
    row = ClassificationScheme(**{k: values[k] for k in SCHEME_FIELDS if k in values},
                               position=position, created_by=created_by)
    session.add(row)
    session.flush()
    return int(row.id)


def update_scheme(session: Session, scheme_id: int, values: Mapping[str, Any]) -> None:
    changes = {k: values[k] for k in SCHEME_FIELDS if k in values}
    if changes:
        session.execute(update(ClassificationScheme)
                        .where(ClassificationScheme.id == int(scheme_id)).values(**changes))


def set_positions(session: Session, positions: Mapping[int, int]) -> None:
    for scheme_id, position in positions.items():
        session.execute(update(ClassificationScheme)
                        .where(ClassificationScheme.id == int(scheme_id))
                        .values(position=int(position)))


def delete_scheme(session: Session, scheme_id: int) -> None:
    row = session.get(ClassificationScheme, int(scheme_id))
    if row is not None:
        session.delete(row)
        session.flush()


# --- segmentation rules ----------------------------------------------------------------------


def _rule_rows(session: Session, team_ids: Iterable[int] | None,
               active_only: bool) -> list[tuple[Any, ...]]:
    sr = SegmentRule
    stmt = select(*(getattr(sr, c) for c in RULE_COLUMNS)).order_by(sr.id)
    where = _visible(sr.team_id, team_ids)
    if where is not None:
        stmt = stmt.where(where)
    if active_only:
        stmt = stmt.where(sr.active.is_(True))
    return [tuple(r) for r in session.execute(stmt)]


def load_rules(session: Session, team_ids: Iterable[int] | None = None, *,
               active_only: bool = False) -> pd.DataFrame:
    """Rules by id: all of them, or the business-wide ones and those of ``team_ids``."""
    return pd.DataFrame.from_records(_rule_rows(session, team_ids, active_only),
                                     columns=RULE_COLUMNS)


def rule_records(session: Session, team_ids: Iterable[int] | None = None, *,
                 active_only: bool = False) -> list[dict[str, Any]]:
    """The rows of :func:`load_rules` as dicts (``RULE_COLUMNS``; None where empty)."""
    return [dict(zip(RULE_COLUMNS, row, strict=True))
            for row in _rule_rows(session, team_ids, active_only)]


def get_rule(session: Session, rule_id: int) -> SegmentRule | None:
    return session.get(SegmentRule, int(rule_id))


def count_rules(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(SegmentRule)).scalar_one())


def insert_rule(session: Session, values: Mapping[str, Any], *,
                created_by: int | None) -> int:
    row = SegmentRule(**{k: values[k] for k in RULE_FIELDS if k in values},
                      created_by=created_by)
    session.add(row)
    session.flush()
    return int(row.id)


def update_rule(session: Session, rule_id: int, values: Mapping[str, Any]) -> None:
    changes = {k: values[k] for k in RULE_FIELDS if k in values}
    if changes:
        session.execute(update(SegmentRule).where(SegmentRule.id == int(rule_id))
                        .values(**changes))


def delete_rule(session: Session, rule_id: int) -> None:
    """Delete a rule; its alerts stay, without their rule (``ON DELETE SET NULL``)."""
    row = session.get(SegmentRule, int(rule_id))
    if row is not None:
        session.delete(row)
        session.flush()


def load_team_names(session: Session) -> dict[int, str]:
    return {int(i): str(n) for i, n in session.execute(select(Team.id, Team.name)).all()}


__all__ = ["RULE_COLUMNS", "RULE_FIELDS", "SCHEME_COLUMNS", "SCHEME_FIELDS", "count_rules",
           "count_schemes", "delete_rule", "delete_scheme", "get_rep_team_id", "get_rule",
           "get_scheme",
           "insert_rule", "insert_scheme", "load_rules", "load_schemes", "load_team_names",
           "rule_records", "scheme_records",
           "next_position", "set_positions", "update_rule", "update_scheme"]


def get_rep_team_id(session: Session, rep_id: int) -> int | None:
    """The team of an account manager (None when they have none)."""
    value = session.execute(select(Rep.team_id).where(Rep.id == int(rep_id))).scalar()
    return None if value is None else int(value)
