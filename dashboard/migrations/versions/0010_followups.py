"""Follow-ups: a call, visit or e-mail on a customer for an account manager, due on a date.

Revision ID: 0010_followups
Revises: 0009_customer_users
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_followups"
down_revision = "0009_customer_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.Column("snoozes", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('call', 'visit', 'email')", name=op.f("ck_followups_kind")),
        sa.CheckConstraint("state IN ('open', 'done')", name=op.f("ck_followups_state")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE",
                                name=op.f("fk_followups_customer_id_customers")),
        sa.ForeignKeyConstraint(["rep_id"], ["reps.id"], name=op.f("fk_followups_rep_id_reps")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_followups_created_by_users")),
        sa.ForeignKeyConstraint(["done_by"], ["users.id"],
                                name=op.f("fk_followups_done_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followups")),
    )
    op.create_index("ix_followups_rep_state", "followups", ["rep_id", "state", "due_date"],
                    unique=False)
    op.create_index("ix_followups_customer", "followups", ["customer_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_followups_customer", table_name="followups")
    op.drop_index("ix_followups_rep_state", table_name="followups")
    op.drop_table("followups")
