"""Engine and transactions.

SQLite (the embedded default) runs in WAL mode with foreign keys on and a busy timeout; a
transaction opened for writing starts with ``BEGIN IMMEDIATE`` so that two writers queue on
the busy timeout instead of failing half-way. PostgreSQL goes through psycopg 3. Nothing here
runs at import time: :func:`make_engine` is called by the composition roots (``create_app``
and the CLI).
"""

from __future__ import annotations

import os
import time
import uuid
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select, update
from sqlalchemy.orm import Session, sessionmaker

from dashboard.errors import Unavailable
from dashboard.models import DataState, utcnow

SQLITE_BUSY_TIMEOUT_MS = 15000
_WRITE_OPTION = "cockpit_write"
# What one request has read of the data identity, per engine (None: outside a request).
_REQUEST_IDENTITY: ContextVar[dict[Engine, tuple[str, int]] | None] = ContextVar(
    "cockpit_request_identity", default=None)


class _Budget:
    """A request's time budget for the database: the moment it ends (``time.monotonic()``)
    and the seconds its statements have taken so far."""

    __slots__ = ("ends", "seconds", "spent")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.spent = 0.0

    def exhausted(self) -> bool:
        """Past its end, with at least :data:`DATABASE_SHARE` of it spent in statements: the
        database is what is slow (a request busy computing figures is not cut)."""
        return time.monotonic() > self.ends and self.spent >= DATABASE_SHARE * self.seconds


DATABASE_SHARE = 1 / 3
# The current request's budget (None: no limit).
_DEADLINE: ContextVar[_Budget | None] = ContextVar("cockpit_query_deadline", default=None)


_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()
_FORK_HOOK: list[bool] = []


def _forget_inherited_connections() -> None:
    """In a forked child (a background job, a gunicorn worker after ``--preload``), never use
    the parent's pooled connections: PostgreSQL would see two processes on one socket."""
    for engine in list(_ENGINES):
        engine.dispose(close=False)
    # nor the request's time budget: a background job forked during a request (an import,
    # a send) runs as long as it needs
    _DEADLINE.set(None)


def _track(engine: Engine) -> Engine:
    _ENGINES.add(engine)
    if not _FORK_HOOK and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_forget_inherited_connections)
        _FORK_HOOK.append(True)
    return engine


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create the engine for ``url`` (a SQLAlchemy URL, already normalised by settings).
    A forked child process starts with an empty pool (:func:`_forget_inherited_connections`);
    no statement starts past the current :func:`query_deadline`."""
    engine = _make_engine(url, echo=echo)
    event.listen(engine, "before_cursor_execute", _refuse_past_deadline)
    event.listen(engine, "after_cursor_execute", _count_statement_time)
    return _track(engine)


def start_deadline(seconds: float | None) -> Token[_Budget | None]:
    """From now on, a statement that would start more than ``seconds`` later, when the
    statements so far took at least a third of that time, raises
    :class:`~dashboard.errors.Unavailable` instead (None or 0: no limit), until
    :func:`end_deadline`. The web layer opens one for each page request, so that a database
    answering slowly gives the user a message in seconds, not a request held until the
    server's timeout; the transaction the statement belonged to is rolled back by
    :func:`session_scope`. Time spent computing is not the database's: a request that
    computes figures for long but asks the database quickly is never cut."""
    return _DEADLINE.set(_Budget(seconds) if seconds and seconds > 0 else None)


def end_deadline(token: Token[_Budget | None]) -> None:
    _DEADLINE.reset(token)


@contextmanager
def query_deadline(seconds: float | None) -> Iterator[None]:
    """:func:`start_deadline` for the duration of a block."""
    token = start_deadline(seconds)
    try:
        yield
    finally:
        end_deadline(token)


def _refuse_past_deadline(_conn, _cursor, _statement, _parameters, context,  # noqa: ANN001
                          _executemany) -> None:  # noqa: ANN001
    budget = _DEADLINE.get()
    if budget is None:
        return
    if budget.exhausted():
        raise Unavailable("the request's time for the database ran out")
    context._cockpit_started = time.monotonic()


def _count_statement_time(_conn, _cursor, _statement, _parameters, context,  # noqa: ANN001
                          _executemany) -> None:  # noqa: ANN001
    budget = _DEADLINE.get()
    started = getattr(context, "_cockpit_started", None)
    if budget is not None and started is not None:
        budget.spent += time.monotonic() - started


def _make_engine(url: str, *, echo: bool = False) -> Engine:
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
        if write:
            _forget_identity(engine)


def begin_request() -> None:
    """Start reading the data identity once (``create_app`` calls this for every request)."""
    _REQUEST_IDENTITY.set({})


def end_request() -> None:
    _REQUEST_IDENTITY.set(None)


def _forget_identity(engine: Engine) -> None:
    seen = _REQUEST_IDENTITY.get()
    if seen is not None:
        seen.pop(engine, None)


def current_identity(engine: Engine) -> tuple[str, int]:
    """:func:`data_identity` of ``engine``'s database, read once per request: every cached
    figure a request uses is keyed by the same version, and the later lookups cost no query.
    A write transaction inside the request reads it again (it may have bumped it)."""
    seen = _REQUEST_IDENTITY.get()
    if seen is not None and engine in seen:
        return seen[engine]
    with session_scope(engine) as session:
        identity = data_identity(session)
    if seen is not None:
        seen[engine] = identity
    return identity


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
