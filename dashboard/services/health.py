"""Is the cockpit able to serve? (the public health check: no details leave the server)."""

from __future__ import annotations

import logging

from dashboard.data.health import get_ping
from dashboard.db import session_scope
from dashboard.runtime import Runtime

log = logging.getLogger(__name__)


def check_database(runtime: Runtime) -> bool:
    try:
        with session_scope(runtime.engine) as session:
            return get_ping(session)
    except Exception:  # noqa: BLE001 - reported as "unavailable", logged here
        log.exception("health check: database unavailable")
        return False
