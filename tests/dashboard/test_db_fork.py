"""A forked child never uses the connections its parent had pooled."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from dashboard.db import make_engine


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_opens_its_own_connections(engine) -> None:  # noqa: ANN001
    url = engine.url.render_as_string(hide_password=False)
    parent = make_engine(url)
    with parent.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert parent.pool.checkedin() == 1  # one pooled connection, the parent's
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the inherited pool is empty, a query opens a new connection
        try:
            ok = parent.pool.checkedin() == 0
            with parent.connect() as conn:
                ok = ok and conn.execute(text("SELECT 1")).scalar() == 1
            os.write(write, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.waitpid(pid, 0)
    assert answer == b"1"
    with parent.connect() as conn:  # the parent's connection still works
        assert conn.execute(text("SELECT 1")).scalar() == 1
    parent.dispose()
