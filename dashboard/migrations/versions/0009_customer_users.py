"""A customer's own sign-in: the role ``customer`` and the customer record it is bound to.

``users.customer_id`` (nullable, ``ON DELETE SET NULL``: a customer user whose record goes
sees nothing) and the role check widened to ``customer``.

PostgreSQL: plain ``ALTER TABLE``. SQLite: the column is added with ``ALTER TABLE ... ADD
COLUMN`` (a nullable column with a foreign key may be added in place), and the role check is
widened and the column's foreign key declared by editing the stored table definition, SQLite's documented procedure for changes
that leave the stored rows as they are (as ``0005_line_money_precision`` does): copying
``users`` inside the migration's transaction, where foreign keys cannot be switched off,
would cascade-delete every session. Downgrading on SQLite copies the table (with foreign
keys deferred), which ends every session: downgrading signs everybody out.

Revision ID: 0009_customer_users
Revises: 0006_duplicates
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_customer_users"
down_revision = "0006_duplicates"
branch_labels = None
depends_on = None

STAFF = "role IN ('owner', 'manager', 'rep')"
WITH_CUSTOMERS = "role IN ('owner', 'manager', 'rep', 'customer')"
INDEX = "ix_users_customer_id"
REP_FK = "CONSTRAINT fk_users_rep_id_reps FOREIGN KEY(rep_id) REFERENCES reps (id)"
CUSTOMER_FK = (", \n\tCONSTRAINT fk_users_customer_id_customers FOREIGN KEY(customer_id) "
               "REFERENCES customers (id) ON DELETE SET NULL")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("ALTER TABLE users ADD COLUMN customer_id INTEGER")
        _edit_sqlite_users(bind, [(STAFF, WITH_CUSTOMERS), (REP_FK, REP_FK + CUSTOMER_FK)])
    else:
        op.add_column("users", sa.Column("customer_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_users_customer_id_customers"), "users", "customers",
                              ["customer_id"], ["id"], ondelete="SET NULL")
        op.drop_constraint(op.f("ck_users_role"), "users", type_="check")
        op.create_check_constraint(op.f("ck_users_role"), "users", WITH_CUSTOMERS)
    op.create_index(op.f(INDEX), "users", ["customer_id"], unique=False)


def downgrade() -> None:
    bind = op.get_bind()
    bind.exec_driver_sql("DELETE FROM user_sessions WHERE user_id IN "
                         "(SELECT id FROM users WHERE role = 'customer')")
    bind.exec_driver_sql("DELETE FROM users WHERE role = 'customer'")
    op.drop_index(op.f(INDEX), table_name="users")
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        _edit_sqlite_users(bind, [(WITH_CUSTOMERS, STAFF), (CUSTOMER_FK, "")])
        with op.batch_alter_table("users", recreate="always") as batch_op:
            batch_op.drop_column("customer_id")
        return
    op.drop_constraint(op.f("ck_users_role"), "users", type_="check")
    op.create_check_constraint(op.f("ck_users_role"), "users", STAFF)
    op.drop_constraint(op.f("fk_users_customer_id_customers"), "users", type_="foreignkey")
    op.drop_column("users", "customer_id")


def _edit_sqlite_users(bind, changes: list[tuple[str, str]]) -> None:  # noqa: ANN001
    """Apply the text replacements ``(old, new)`` to the stored definition of ``users`` (the
    role check and the customer's foreign key: constraints only, the rows stay as they are)."""
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                               "name = 'users'").scalar_one()
    for old, new in changes:
        if old not in sql:
            raise RuntimeError(f"users: {old!r} not in the stored definition; not changed")
        sql = sql.replace(old, new, 1)
    version = int(bind.exec_driver_sql("PRAGMA schema_version").scalar_one())
    try:
        bind.exec_driver_sql("PRAGMA writable_schema = ON")
        bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND "
                             "name = 'users'", (sql,))
        # PRAGMA takes no parameters; the value is an integer read above
        bind.exec_driver_sql("PRAGMA schema_version = " + str(version + 1))
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
