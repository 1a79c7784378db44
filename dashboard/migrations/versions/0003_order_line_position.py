"""Order lines keyed by their position in the order; customers dated by their first order.

Every row of a line-level file is now a line of its own (a product may appear on several rows of
one order), so a line's ``line_key`` is its position among its order's rows in the file
("1", "2", ...) or a mapped ``line_no``, no longer the product SKU. Existing lines keyed by
their SKU get the position they have in their order (by id, the order the import wrote them
in), so importing the same file again after the upgrade still changes nothing. Orders whose
keys are mapped line numbers, and order-level lines (an empty key), are left as they are.

A customer created by an order import is dated by its first order (SPEC "Time": nothing dated
after an as-of date shows in a view of that date); customers without a created date that have
orders get the date of their first order.

The schema does not change (same column, same unique key). Downgrading keeps the data: position
keys and created dates are valid for the earlier code too.

Revision ID: 0003_order_line_position
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003_order_line_position"
down_revision = "0002"
branch_labels = None
depends_on = None

# the lines of orders all of whose lines are keyed by their product's SKU (the keys the
# importer used to write when no line number was mapped), numbered in the order of their ids
_POSITIONS = """
CREATE TEMPORARY TABLE cockpit_line_positions AS
SELECT id, row_number() OVER (PARTITION BY order_id ORDER BY id) AS n
FROM order_lines WHERE order_id IN (
    SELECT l.order_id FROM order_lines l LEFT JOIN products p ON p.id = l.product_id
    GROUP BY l.order_id
    HAVING SUM(CASE WHEN p.sku IS NOT NULL AND l.line_key = p.sku THEN 0 ELSE 1 END) = 0)
"""


def upgrade() -> None:
    op.execute(_POSITIONS)
    # two steps, so that no line takes a key another line of its order still has
    op.execute(
        "UPDATE order_lines SET line_key = 'pos:' || CAST(id AS VARCHAR(20)) "
        "WHERE id IN (SELECT id FROM cockpit_line_positions)"
    )
    op.execute(
        "UPDATE order_lines SET line_key = CAST(cockpit_line_positions.n AS VARCHAR(20)) "
        "FROM cockpit_line_positions WHERE cockpit_line_positions.id = order_lines.id"
    )
    op.execute("DROP TABLE cockpit_line_positions")
    op.execute(
        "UPDATE customers SET created_date = (SELECT MIN(o.order_date) FROM orders o "
        "WHERE o.customer_id = customers.id) "
        "WHERE created_date IS NULL AND EXISTS (SELECT 1 FROM orders o "
        "WHERE o.customer_id = customers.id)"
    )
    # figures read through the caches are recomputed from the migrated data (a database
    # without orders keeps its version)
    op.execute("UPDATE data_state SET version = version + 1 "
               "WHERE id = 1 AND EXISTS (SELECT 1 FROM orders)")


def downgrade() -> None:
    """Nothing to undo: the schema is unchanged and the migrated keys and dates are valid
    for the earlier code."""
