"""Schema, migrations and database settings on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from dashboard.db import bump_data_version, data_version, make_engine, session_scope
from dashboard.migrate import downgrade, head_revision, is_up_to_date, upgrade
from dashboard.models import AuditLog, Base, Customer, Order, Outbox, Product


def test_migrations_match_models(engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert is_up_to_date(engine)


def test_downgrade_and_upgrade_again(fresh_database_url) -> None:
    engine = make_engine(fresh_database_url)
    downgrade(engine, "base")
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is None
    upgrade(engine)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
    engine.dispose()


def test_natural_keys_are_unique(engine) -> None:
    with session_scope(engine, write=True) as s:
        s.add(Customer(code="C1", name="One"))
        s.add(Product(sku="P1", name="Widget"))
        s.add(Order(order_no="O1", order_date=dt.date(2026, 1, 1)))
    for model, kwargs in [
        (Customer, {"code": "C1", "name": "Again"}),
        (Product, {"sku": "P1"}),
        (Order, {"order_no": "O1", "order_date": dt.date(2026, 1, 2)}),
    ]:
        with pytest.raises(IntegrityError), session_scope(engine, write=True) as s:
            s.add(model(**kwargs))


def test_customer_type_is_checked(engine) -> None:
    with pytest.raises(IntegrityError), session_scope(engine, write=True) as s:
        s.add(Customer(code="C2", name="Bad", customer_type="Wholesale"))


def test_outbox_recipient_is_unique(engine) -> None:
    """A second (campaign, customer, channel) row is refused by the database itself."""
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO customers (code, name, customer_type, opt_out_sms, "
                          "opt_out_email) VALUES ('C9', 'x', 'Retail', false, false)"))
        conn.execute(text("INSERT INTO campaigns (name, channel, language, message_template, "
                          "selection, holdout_pct, intent_key, status, created_at) VALUES "
                          "('c', 'sms', 'en', 'hi', '{}', 0, 'k1', 'draft', CURRENT_TIMESTAMP)"))
    row = {"campaign_id": 1, "customer_id": 1, "channel": "sms"}
    with session_scope(engine, write=True) as s:
        cid = s.execute(select(Customer.id)).scalar_one()
        row["customer_id"] = cid
        s.add(Outbox(**row, status="pending"))
    with pytest.raises(IntegrityError), session_scope(engine, write=True) as s:
        s.add(Outbox(**row, status="pending"))


def test_audit_log_is_append_only(engine) -> None:
    with session_scope(engine, write=True) as s:
        s.add(AuditLog(action="test", username="u"))
    for statement in ("UPDATE audit_log SET action = 'changed'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with session_scope(engine) as s:
        assert s.execute(select(AuditLog.action)).scalars().all() == ["test"]


def test_data_version_bumps(engine) -> None:
    with session_scope(engine) as s:
        assert data_version(s) == 0
    with session_scope(engine, write=True) as s:
        assert bump_data_version(s) == 1
        assert bump_data_version(s) == 2
    with session_scope(engine) as s:
        assert data_version(s) == 2


def test_sqlite_connection_settings(engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_enforced(engine) -> None:
    with pytest.raises(IntegrityError), session_scope(engine, write=True) as s:
        s.add(Order(order_no="O9", order_date=dt.date(2026, 1, 1), customer_id=12345))
