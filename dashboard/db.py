"""Engine and transactions.

SQLite (the embedded default) runs in WAL mode with foreign keys on and a busy timeout; a
transaction opened for writing starts with ``BEGIN IMMEDIATE`` so that two writers queue on
the busy timeout instead of failing half-way. PostgreSQL goes through psycopg 3. Nothing here
runs at import time: :func:`make_engine` is called by the composition roots (``create_app``
and the CLI).
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select, update
from sqlalchemy.orm import Session, sessionmaker

from dashboard.models import DataState, utcnow

SQLITE_BUSY_TIMEOUT_MS = 15000
_WRITE_OPTION = "cockpit_write"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create the engine for ``url`` (a SQLAlchemy URL, already normalised by settings)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        # Let SQLAlchemy (below) emit BEGIN itself, so that writes can use BEGIN IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        write = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def writer(engine: Engine) -> Engine:
    """The same engine, flagged so that its transactions take the write lock up front."""
    return engine.execution_options(**{_WRITE_OPTION: True})


_FACTORIES: weakref.WeakKeyDictionary[Engine, dict[bool, sessionmaker[Session]]] = (
    weakref.WeakKeyDictionary()
)


def _factory(engine: Engine, write: bool) -> sessionmaker[Session]:
    """One session factory per engine and mode (building one costs about a millisecond)."""
    per_engine = _FACTORIES.setdefault(engine, {})
    factory = per_engine.get(write)
    if factory is None:
        factory = sessionmaker(bind=writer(engine) if write else engine, expire_on_commit=False)
        per_engine[write] = factory
    return factory


@contextmanager
def session_scope(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    session = _factory(engine, write)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def bump_data_version(session: Session) -> int:
    """Mark that figures may have changed; every write that touches sales data calls this
    inside its own transaction. Returns the new version."""
    result = session.execute(
        update(DataState)
        .where(DataState.id == 1)
        .values(version=DataState.version + 1, changed_at=utcnow())
        .returning(DataState.version)
    ).scalar_one_or_none()
    if result is None:
        session.add(DataState(id=1, version=1, changed_at=utcnow(), instance_id=uuid.uuid4().hex))
        session.flush()
        return 1
    return int(result)


def data_version(session: Session) -> int:
    value = session.execute(select(DataState.version).where(DataState.id == 1)).scalar()
    return int(value or 0)


def data_identity(session: Session) -> tuple[str, int]:
    """(this database's instance id, data version): together they name the data exactly,
    also across a database that was replaced by another."""
    row = session.execute(
        select(DataState.instance_id, DataState.version).where(DataState.id == 1)
    ).first()
    return ("", 0) if row is None else (str(row[0]), int(row[1]))
