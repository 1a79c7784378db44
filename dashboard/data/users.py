"""Users, server-side sessions and sign-in attempts (SQL only; never commits)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import case, func, insert, select, text, update
from sqlalchemy.orm import Session

from dashboard.models import Customer, LoginAttempt, Rep, Team, User, UserSession

# Columns a write may set; everything else is refused before SQL is built.
USER_COLUMNS = frozenset({"username", "display_name", "password_hash", "role", "team_id",
                          "rep_id", "customer_id", "is_active", "language", "password_changed_at",
                          "last_login_at"})


@dataclass(frozen=True)
class SessionUser:
    """A live session and its user, as read on every request."""

    session_key: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    user_id: int
    username: str
    display_name: str
    role: str
    team_id: int | None
    rep_id: int | None
    language: str | None
    is_active: bool
    customer_id: int | None = None


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    display_name: str
    password_hash: str
    role: str
    team_id: int | None
    rep_id: int | None
    is_active: bool
    language: str | None
    customer_id: int | None = None


def _record(row: Any) -> UserRecord:
    return UserRecord(id=row.id, username=row.username, display_name=row.display_name or "",
                      password_hash=row.password_hash, role=row.role, team_id=row.team_id,
                      rep_id=row.rep_id, is_active=bool(row.is_active), language=row.language,
                      customer_id=row.customer_id)


_USER_FIELDS = (User.id, User.username, User.display_name, User.password_hash, User.role,
                User.team_id, User.rep_id, User.is_active, User.language, User.customer_id)


def get_user_by_username(session: Session, username: str) -> UserRecord | None:
    row = session.execute(
        select(*_USER_FIELDS).where(func.lower(User.username) == username.strip().lower())
    ).first()
    return _record(row) if row else None


def get_user(session: Session, user_id: int) -> UserRecord | None:
    row = session.execute(select(*_USER_FIELDS).where(User.id == user_id)).first()
    return _record(row) if row else None


def insert_user(session: Session, **values: Any) -> int:
    bad = set(values) - USER_COLUMNS
    if bad:
        raise ValueError(f"not user columns: {sorted(bad)}")
    return int(session.execute(insert(User).values(**values).returning(User.id)).scalar_one())


def update_user(session: Session, user_id: int, **values: Any) -> None:
    bad = set(values) - USER_COLUMNS
    if bad:
        raise ValueError(f"not user columns: {sorted(bad)}")
    if values:
        session.execute(update(User).where(User.id == user_id).values(**values))


def count_active_owners(session: Session) -> int:
    return int(session.execute(
        select(func.count()).select_from(User).where(User.role == "owner", User.is_active)
    ).scalar_one())


def load_users(session: Session) -> pd.DataFrame:
    """Every user with the names of their team and account manager."""
    live = (select(UserSession.user_id, func.count().label("sessions"))
            .where(UserSession.revoked_at.is_(None)).group_by(UserSession.user_id).subquery())
    stmt = (
        select(User.id, User.username, User.display_name, User.role, User.team_id,
               Team.name.label("team"), User.rep_id, Rep.name.label("rep"), User.is_active,
               User.language, User.created_at, User.last_login_at,
               func.coalesce(live.c.sessions, 0).label("sessions"), User.customer_id,
               Customer.code.label("customer"))
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(Rep, Rep.id == User.rep_id)
        .outerjoin(Customer, Customer.id == User.customer_id)
        .outerjoin(live, live.c.user_id == User.id)
        .order_by(User.username)
    )
    return pd.DataFrame(session.execute(stmt).mappings().all(),
                        columns=["id", "username", "display_name", "role", "team_id", "team",
                                 "rep_id", "rep", "is_active", "language", "created_at",
                                 "last_login_at", "sessions", "customer_id", "customer"])


def load_teams(session: Session) -> pd.DataFrame:
    rows = session.execute(select(Team.id, Team.name).order_by(Team.name)).mappings().all()
    return pd.DataFrame(rows, columns=["id", "name"])


def load_reps(session: Session) -> pd.DataFrame:
    stmt = (select(Rep.id, Rep.name, Rep.team_id, Team.name.label("team"))
            .outerjoin(Team, Team.id == Rep.team_id).order_by(Rep.name))
    return pd.DataFrame(session.execute(stmt).mappings().all(),
                        columns=["id", "name", "team_id", "team"])


def get_team_id(session: Session, key: str | int) -> int | None:
    """Team by id (an int or a string of digits) or by name."""
    return _lookup_id(session, Team, key)


def get_rep_id(session: Session, key: str | int) -> int | None:
    """Account manager by id (an int or a string of digits) or by name."""
    return _lookup_id(session, Rep, key)


def _lookup_id(session: Session, model: type[Team] | type[Rep], key: str | int) -> int | None:
    if isinstance(key, int) or (isinstance(key, str) and key.strip().isdigit()):
        found = session.execute(select(model.id).where(model.id == int(key))).scalar()
        if found is not None:
            return int(found)
    if isinstance(key, str):
        found = session.execute(select(model.id).where(model.name == key.strip())).scalar()
        return int(found) if found is not None else None
    return None


def get_customer_for_sign_in(session: Session, code: str) -> tuple[int, str] | None:
    """``(id, customer type)`` of the customer with ``code`` (exactly, after trimming)."""
    row = session.execute(select(Customer.id, Customer.customer_type)
                          .where(Customer.code == str(code).strip())).first()
    return (int(row[0]), str(row[1])) if row else None


# --- sessions ---------------------------------------------------------------------------


def insert_session(session: Session, *, key: str, user_id: int, now: dt.datetime, ip: str,
                   user_agent: str) -> None:
    session.execute(insert(UserSession).values(
        id=key, user_id=user_id, created_at=now, last_seen_at=now, ip=ip[:64],
        user_agent=user_agent[:255]))


def get_session_user(session: Session, key: str) -> SessionUser | None:
    """The unrevoked session ``key`` and its user (active or not)."""
    row = session.execute(
        select(UserSession.id, UserSession.created_at, UserSession.last_seen_at, User.id,
               User.username, User.display_name, User.role, User.team_id, User.rep_id,
               User.language, User.is_active, User.customer_id)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.id == key, UserSession.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    return SessionUser(session_key=row[0], created_at=row[1], last_seen_at=row[2],
                       user_id=row[3], username=row[4], display_name=row[5] or "",
                       role=row[6], team_id=row[7], rep_id=row[8], language=row[9],
                       is_active=bool(row[10]), customer_id=row[11])


def touch_session(session: Session, key: str, now: dt.datetime) -> None:
    session.execute(update(UserSession).where(UserSession.id == key).values(last_seen_at=now))


def revoke_session(session: Session, key: str, now: dt.datetime) -> int:
    result = session.execute(update(UserSession)
                             .where(UserSession.id == key, UserSession.revoked_at.is_(None))
                             .values(revoked_at=now))
    return int(result.rowcount or 0)


def revoke_user_sessions(session: Session, user_id: int, now: dt.datetime) -> int:
    """End every live session of ``user_id``; returns how many were ended."""
    result = session.execute(update(UserSession)
                             .where(UserSession.user_id == user_id,
                                    UserSession.revoked_at.is_(None))
                             .values(revoked_at=now))
    return int(result.rowcount or 0)


# --- sign-in attempts ---------------------------------------------------------------------


def lock_sign_in_address(session: Session, ip: str) -> None:
    """Queue the sign-in attempts from ``ip`` until this transaction ends, so that counting
    the recent failures and recording a new attempt is atomic under any concurrency:
    PostgreSQL takes a transaction-scoped advisory lock keyed on the address; SQLite already
    serialises writing transactions (``BEGIN IMMEDIATE``)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"sign-in:{ip}".encode("utf-8", "replace")).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def insert_login_attempt(session: Session, *, at: dt.datetime, username: str, ip: str,
                         success: bool, reason: str) -> int:
    """Record one attempt; its id (an attempt being checked is updated once decided)."""
    return int(session.execute(
        insert(LoginAttempt).values(at=at, username=username[:80], ip=ip[:64],
                                    success=success, reason=reason[:80])
        .returning(LoginAttempt.id)).scalar_one())


def update_login_attempt(session: Session, attempt_id: int, *, success: bool,
                         reason: str) -> None:
    session.execute(update(LoginAttempt).where(LoginAttempt.id == attempt_id)
                    .values(success=success, reason=reason[:80]))


def get_recent_failures(session: Session, *, username: str, ip: str, since: dt.datetime,
                        reasons: tuple[str, ...]) -> tuple[int, int]:
    """Failures with one of ``reasons`` since ``since`` from the address ``ip``: (for the
    user name from that address, for the address across all user names)."""
    row = session.execute(
        select(func.sum(case((LoginAttempt.username == username, 1), else_=0)),
               func.count())
        .where(LoginAttempt.at > since, LoginAttempt.success.is_(False),
               LoginAttempt.reason.in_(reasons), LoginAttempt.ip == ip)
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def get_earliest_failure(session: Session, *, username: str, ip: str, since: dt.datetime,
                         reasons: tuple[str, ...], limits: tuple[int, int]) -> dt.datetime | None:
    """When the throttle opens again: the time of the failure that must leave the window
    for the counts to fall below ``limits`` (user name from the address, the address)."""
    times = []
    for user_only, limit in zip((True, False), limits, strict=True):
        query = (select(LoginAttempt.at)
                 .where(LoginAttempt.ip == ip, LoginAttempt.at > since,
                        LoginAttempt.success.is_(False), LoginAttempt.reason.in_(reasons)))
        if user_only:
            query = query.where(LoginAttempt.username == username)
        found = session.execute(
            query.order_by(LoginAttempt.at.desc()).offset(limit - 1).limit(1)).scalar()
        if found is not None:
            times.append(found)
    return max(times) if times else None
