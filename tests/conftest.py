"""Shared fixtures.

Database tests take the ``engine`` (or ``runtime``) fixture and run once on SQLite and, when
``COCKPIT_TEST_DATABASE_URL`` points at a PostgreSQL server, once more on PostgreSQL. Each test
gets an empty, migrated database: a copy of a template SQLite file, or on PostgreSQL the test
process's own database emptied (every table truncated, a new instance id), which is much
faster than creating and dropping a database per test. ``fresh_database_url`` gives a brand-new
PostgreSQL database for the few tests that change the schema itself.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dashboard.config import load_settings
from dashboard.db import make_engine
from dashboard.migrate import upgrade
from dashboard.runtime import Runtime

PG_ADMIN_URL = os.environ.get("COCKPIT_TEST_DATABASE_URL", "")

# Property tests check rules, not speed: no per-example deadline (CI machines are shared).
settings.register_profile("cockpit", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("cockpit")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_ADMIN_URL else [])
RUN_ID = uuid.uuid4().hex[:8]


def _pg_url(database: str) -> str:
    url = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg", database=database)
    return url.render_as_string(hide_password=False)


def _pg_admin():  # noqa: ANN202
    return create_engine(_pg_url(make_url(PG_ADMIN_URL).database or "postgres"),
                         isolation_level="AUTOCOMMIT")


class _Templates:
    """Migrated template databases, made once per test process."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self._sqlite: Path | None = None
        self._pg: str | None = None
        self._pg_worker: str | None = None
        self.pg_databases: list[str] = []

    def sqlite_copy(self, dest: Path) -> str:
        if self._sqlite is None:
            self._sqlite = self.tmp / "template.sqlite3"
            engine = make_engine(f"sqlite:///{self._sqlite}")
            upgrade(engine)
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
        shutil.copy(self._sqlite, dest)
        return f"sqlite:///{dest}"

    def pg_reused(self) -> str:
        """This process's PostgreSQL database, emptied for the next test."""
        if self._pg_worker is None:
            self._pg_worker = self.pg_copy()
            return self._pg_worker
        try:
            _empty_pg(self._pg_worker)
        except Exception:  # noqa: BLE001 - a test left it unusable: start from a new one
            self._pg_worker = self.pg_copy()
        return self._pg_worker

    def pg_copy(self) -> str:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        admin = _pg_admin()
        if self._pg is None:
            self._pg = f"cockpit_tpl_{RUN_ID}_{worker}"
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self._pg}"'))
                conn.execute(text(f'CREATE DATABASE "{self._pg}"'))
            self.pg_databases.append(self._pg)
            engine = make_engine(_pg_url(self._pg))
            upgrade(engine)
            engine.dispose()
        name = f"cockpit_t_{RUN_ID}_{worker}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self._pg}"'))
        admin.dispose()
        self.pg_databases.append(name)
        return _pg_url(name)

    def drop_all(self) -> None:
        if not self.pg_databases:
            return
        admin = _pg_admin()
        with admin.connect() as conn:
            for name in reversed(self.pg_databases):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _empty_pg(url: str) -> None:
    """Truncate every table (triggers off, so the append-only audit log too), restart the
    ids, and give the database a new instance id so no snapshot or cache mistakes it for the
    previous test's data."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            tables = conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'")).scalars().all()
            names = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text("SET session_replication_role = replica"))
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            conn.execute(text("SET session_replication_role = origin"))
            conn.execute(text("INSERT INTO data_state (id, version, changed_at, instance_id) "
                              "VALUES (1, 0, now(), :iid)"), {"iid": uuid.uuid4().hex})
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def db_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Templates]:
    templates = _Templates(tmp_path_factory.mktemp("db-templates"))
    yield templates
    templates.drop_all()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, db_templates: _Templates,
                 tmp_path: Path) -> str:
    """URL of a fresh, migrated database on each backend."""
    if request.param == "sqlite":
        return db_templates.sqlite_copy(tmp_path / "cockpit.sqlite3")
    return db_templates.pg_reused()


@pytest.fixture(params=BACKENDS)
def fresh_database_url(request: pytest.FixtureRequest, db_templates: _Templates,
                       tmp_path: Path) -> str:
    """A brand-new migrated database (for tests that change the schema)."""
    if request.param == "sqlite":
        return db_templates.sqlite_copy(tmp_path / "cockpit.sqlite3")
    return db_templates.pg_copy()


@pytest.fixture
def engine(database_url: str):  # noqa: ANN201
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path):  # noqa: ANN201
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    return load_settings(
        environ={},
        DATABASE_URL=database_url,
        DATA_DIR=str(data_dir),
        SECRET_KEY="test-secret-key-" + "x" * 40,
        ENV="production",
    )


@pytest.fixture
def runtime(settings, engine) -> Runtime:  # noqa: ANN001
    return Runtime(settings=settings, engine=engine)
