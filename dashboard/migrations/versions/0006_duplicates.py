"""Decisions about duplicate customers: "not a duplicate" (remembered, never proposed again)
and merges (with the moved rows, so that a merge can be undone).

Revision ID: 0006_duplicates
Revises: 0005_line_money_precision
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_duplicates"
down_revision = "0005_line_money_precision"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duplicate_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_a", sa.Integer(), nullable=False),
        sa.Column("customer_b", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("decision IN ('distinct', 'merged')",
                           name=op.f("ck_duplicate_decisions_decision")),
        sa.CheckConstraint("customer_a < customer_b",
                           name=op.f("ck_duplicate_decisions_pair_order")),
        sa.ForeignKeyConstraint(["customer_a"], ["customers.id"], ondelete="CASCADE",
                                name=op.f("fk_duplicate_decisions_customer_a_customers")),
        sa.ForeignKeyConstraint(["customer_b"], ["customers.id"], ondelete="CASCADE",
                                name=op.f("fk_duplicate_decisions_customer_b_customers")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_duplicate_decisions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_decisions")),
        sa.UniqueConstraint("customer_a", "customer_b",
                            name="uq_duplicate_decisions_pair"),
    )
    op.create_index(op.f("ix_duplicate_decisions_customer_b"), "duplicate_decisions",
                    ["customer_b"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_duplicate_decisions_customer_b"), table_name="duplicate_decisions")
    op.drop_table("duplicate_decisions")
