"""Issue 16, slow dependencies: a page request whose database answers slowly stops asking it
after ``COCKPIT_CALLBACK_DEADLINE`` seconds and tells the user so, instead of holding the
request until the web server's timeout. Background jobs and the command line have no limit.

The slow database is the test database with every statement held for a while (an engine
event after the deadline's own check), so the figures are real and only the time is not."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import event, text

from dashboard.db import query_deadline, session_scope
from dashboard.errors import Unavailable, user_message
from tests.security.fixtures import side_message


@pytest.fixture
def slow_statements(runtime) -> Iterator[list[float]]:  # noqa: ANN001
    """Every statement on the runtime's engine waits 0.25 s before it runs (a database far
    away); yields the list of the times statements started."""
    started: list[float] = []

    def hold(*_args: object) -> None:
        started.append(time.monotonic())
        time.sleep(0.25)

    event.listen(runtime.engine, "before_cursor_execute", hold)
    try:
        yield started
    finally:
        event.remove(runtime.engine, "before_cursor_execute", hold)


def test_no_statement_starts_past_the_deadline(runtime, slow_statements) -> None:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        assert session.execute(text("SELECT 1")).scalar() == 1  # no deadline: no limit
    slow_statements.clear()
    began = time.monotonic()
    with query_deadline(0.6), session_scope(runtime.engine) as session:
        with pytest.raises(Unavailable) as refused:
            for n in range(20):  # 0.25 s each, all of it waiting for the database
                assert session.execute(text(f"SELECT {n}")).scalar() == n
    ended = time.monotonic() - began
    assert len(slow_statements) >= 3  # 0, 0.25 and 0.5 s after the start
    assert all(start - began <= 0.6 for start in slow_statements)
    assert 0.6 < ended < 0.6 + 0.25 + 0.1  # the next one was refused, not started
    assert refused.value.http_status == 503
    assert user_message(refused.value, "en") == (
        "The database is answering slowly. Please try again in a moment.")
    assert user_message(refused.value, "zh") == "数据库响应缓慢，请稍后再试。"
    with query_deadline(0), session_scope(runtime.engine) as session:  # 0: no limit
        for n in range(4):
            assert session.execute(text(f"SELECT {n}")).scalar() == n
    with session_scope(runtime.engine) as session:  # the limit ended with its block
        assert session.execute(text("SELECT 5")).scalar() == 5


def test_time_spent_computing_is_not_the_databases(runtime) -> None:  # noqa: ANN001
    """A request that computes figures for long but whose statements are quick is not cut:
    the budget ends only when a third of it went to the database."""
    with query_deadline(0.3), session_scope(runtime.engine) as session:
        assert session.execute(text("SELECT 1")).scalar() == 1
        time.sleep(0.4)  # computing, past the budget's end; the statement took milliseconds
        assert session.execute(text("SELECT 2")).scalar() == 2


def _cockpit_key(app) -> str:  # noqa: ANN001
    keys = [k for k, spec in app.callback_map.items()
            if "cockpit-" in k and "callback" in spec and not spec.get("background")
            and any(d["id"] == "_pages_location" or d["id"].startswith("cockpit")
                    for d in spec["inputs"])]
    assert keys
    return max(keys, key=len)  # the callback that fills the most cockpit outputs


def test_a_callback_on_a_slow_database_answers_with_a_message_in_time(
        runtime, world, signed_in, cockpit, slow_statements) -> None:  # noqa: ANN001
    runtime.settings = runtime.settings.replace(callback_deadline=1.0)
    owner = signed_in("owner")
    key = _cockpit_key(cockpit)
    slow_statements.clear()
    began = time.monotonic()
    response = owner.callback(key, {"_pages_location.pathname": "/"})
    took = time.monotonic() - began
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert side_message(response) == (
        "The database is answering slowly. Please try again in a moment.")
    # the budget counts from the request's first hook (the sign-in check included); then
    # the statement in flight when it passed, and the answer
    assert took < 1.0 + 0.25 + 0.5

    runtime.settings = runtime.settings.replace(callback_deadline=0.0)  # no limit: figures
    slow_statements.clear()
    began = time.monotonic()
    response = owner.callback(key, {"_pages_location.pathname": "/"})
    assert response.status_code == 200 and side_message(response) == ""
    # without a limit the same request waits for every one of its statements
    assert time.monotonic() - began > 1.0 + 0.25 + 0.5


def test_a_job_forked_during_a_request_has_no_time_budget(runtime) -> None:  # noqa: ANN001
    """Background jobs (an import, a send) are forked from the request that starts them:
    the request's budget must not cut them."""
    with query_deadline(0.05):
        pid = os.fork()
        if pid == 0:  # the job
            code = 1
            try:
                time.sleep(0.1)
                with session_scope(runtime.engine) as session:
                    code = 0 if session.execute(text("SELECT 1")).scalar() == 1 else 1
            finally:
                os._exit(code)
        _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
