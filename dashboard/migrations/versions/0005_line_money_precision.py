"""Order money at the files' precision: NUMERIC(18, 4) instead of NUMERIC(16, 2).

Unit prices with 3-4 decimals and sub-cent line amounts (16.448) were rounded to the cent line by
line, so a customer's revenue was the sum of rounded lines, not the file's sum (up to a few cents
off per customer). Order lines (unit_price, unit_cost, amount), the order amount and the daily
rollups made of them (customer_days revenue, return_amount, costed_revenue, cost;
anonymous_days revenue) now keep 4 decimals. Invoices, payments, coupons, targets and product
prices stay at the cent.

The stored values are kept as they are (they were rounded to the cent on import; importing the
file again brings its precision in, and then only the lines whose values really differ change).

PostgreSQL: one ``ALTER TABLE ... ALTER COLUMN ... TYPE NUMERIC(18, 4)`` per table (all its
columns at once, so each table is rewritten once). SQLite does not enforce declared types (a
NUMERIC(16, 2) column has NUMERIC affinity and already holds any float), so only the declared type
changes: the table definitions in ``sqlite_schema`` are edited in place, SQLite's documented
procedure for changes that leave the stored format as it is (the affinity stays NUMERIC), instead
of copying every table, which on a database of millions of lines takes minutes (and copying
``orders`` inside the migration's transaction, where foreign keys cannot be switched off, would
cascade-delete its lines). Should the database refuse schema edits (a defensive-mode build), the
declared types stay as they were: SQLite stores and returns the 4 decimals all the same.

Downgrading rounds the values to the cent again on PostgreSQL; SQLite keeps them as they are.

Revision ID: 0005_line_money_precision
Revises: 0004_structured_texts
"""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from alembic import op

revision = "0005_line_money_precision"
down_revision = "0004_structured_texts"
branch_labels = None
depends_on = None

COLUMNS = {
    "orders": ("amount",),
    "order_lines": ("unit_price", "unit_cost", "amount"),
    "customer_days": ("revenue", "return_amount", "costed_revenue", "cost"),
    "anonymous_days": ("revenue",),
}
CENTS = (16, 2)
LINE = (18, 4)


def upgrade() -> None:
    _change(CENTS, LINE)


def downgrade() -> None:
    _change(LINE, CENTS)


def _change(old: tuple[int, int], new: tuple[int, int]) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table, columns in COLUMNS.items():
            changes = ", ".join(f"ALTER COLUMN {c} TYPE NUMERIC({new[0]}, {new[1]})"
                                for c in columns)
            op.execute(f"ALTER TABLE {table} {changes}")  # names from COLUMNS above
        return
    _edit_sqlite_schema(bind, old, new)


def _declared(bind, table: str) -> dict[str, str]:  # noqa: ANN001
    rows = bind.exec_driver_sql("SELECT name, type FROM pragma_table_info(?)", (table,)).all()
    return {row[0]: str(row[1]).upper().replace(" ", "") for row in rows}


def _edit_sqlite_schema(bind, old: tuple[int, int], new: tuple[int, int]) -> bool:  # noqa: ANN001
    """Rewrite the declared types in the stored CREATE TABLE statements (SQLite's "making other
    kinds of table schema changes", simple procedure). False, and nothing changed, when the
    stored definitions are not the expected ones or the database refuses the edit."""
    texts = {}
    for table, columns in COLUMNS.items():
        sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                                   "name = ?", (table,)).scalar_one()
        for column in columns:
            pattern = (rf'(^|[\s(,])("?{column}"?\s+)NUMERIC\(\s*{old[0]}\s*,\s*{old[1]}\s*\)')
            sql, count = re.subn(pattern, rf"\1\2NUMERIC({new[0]}, {new[1]})", sql, count=1,
                                 flags=re.IGNORECASE)
            if count != 1:
                return False
        texts[table] = sql
    version = int(bind.exec_driver_sql("PRAGMA schema_version").scalar_one())
    try:
        bind.exec_driver_sql("PRAGMA writable_schema = ON")
        # one statement: every table or none
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = (SELECT value FROM json_each(?) AS t "
            "WHERE t.key = sqlite_master.name) "
            "WHERE type = 'table' AND name IN (SELECT key FROM json_each(?))",
            (json.dumps(texts), json.dumps(texts)))
        # PRAGMA takes no parameters; the value is an integer read above
        bind.exec_driver_sql("PRAGMA schema_version = " + str(version + 1))
    except sa.exc.DBAPIError:
        return False
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    wanted = f"NUMERIC({new[0]},{new[1]})"
    return all(_declared(bind, table)[column] == wanted
               for table, columns in COLUMNS.items() for column in columns)
