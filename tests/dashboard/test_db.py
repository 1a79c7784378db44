"""The data identity is read once per request; writes inside the request read it again."""

from __future__ import annotations

from sqlalchemy import event, update

from dashboard.db import (
    begin_request,
    bump_data_version,
    current_identity,
    data_identity,
    end_request,
    session_scope,
)
from dashboard.models import DataState


def _bump_elsewhere(engine) -> None:  # noqa: ANN001
    """Another worker's import: a commit this process's request scope does not see."""
    with engine.begin() as connection:
        connection.execute(update(DataState).where(DataState.id == 1)
                           .values(version=DataState.version + 1))


def test_identity_is_read_once_per_request(engine) -> None:  # noqa: ANN001
    with session_scope(engine, write=True) as session:
        bump_data_version(session)  # version 1
        instance = data_identity(session)[0]
    reads: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda *args: reads.append(args[2]) if "data_state" in args[2] else None)
    begin_request()
    try:
        assert current_identity(engine) == (instance, 1)
        _bump_elsewhere(engine)  # version 2, committed by someone else mid-request
        assert current_identity(engine) == (instance, 1)  # the whole request sees one version
        assert len([r for r in reads if r.lstrip().upper().startswith("SELECT")]) == 1
        with session_scope(engine, write=True) as session:
            assert bump_data_version(session) == 3
        assert current_identity(engine) == (instance, 3)  # its own write is seen at once
    finally:
        end_request()
    _bump_elsewhere(engine)  # version 4
    assert current_identity(engine) == (instance, 4)  # outside a request: read every time
    _bump_elsewhere(engine)
    assert current_identity(engine) == (instance, 5)
