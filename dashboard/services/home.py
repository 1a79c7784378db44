"""Counts for the plain start page."""

from __future__ import annotations

from dashboard.data import summary as data
from dashboard.db import session_scope
from dashboard.runtime import Runtime


def get_summary(runtime: Runtime) -> dict[str, int]:
    with session_scope(runtime.engine) as session:
        return data.load_counts(session)
