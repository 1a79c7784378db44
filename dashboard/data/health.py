"""The database round trip behind the health check."""

from __future__ import annotations

from sqlalchemy import literal, select
from sqlalchemy.orm import Session


def get_ping(session: Session) -> bool:
    return session.execute(select(literal(1))).scalar() == 1
