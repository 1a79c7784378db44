"""Alembic environment: runs on the connection handed over by :mod:`dashboard.migrate`."""

from __future__ import annotations

from alembic import context

from dashboard.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from dashboard.config import load_settings
        from dashboard.db import make_engine

        engine = make_engine(load_settings().database_url)
        with engine.begin() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `cockpit init`")
run_migrations_online()
