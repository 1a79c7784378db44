"""A rule can open a follow-up for the customer's account manager: the rule keeps the
follow-up's kind and how many days after the firing it is due; a follow-up a rule opened
keeps the rule and the day it fired, at most one per customer, rule and firing day. Rules can segment account managers (seed 004's "Top rep": at least a share of
the account manager's customers meet the conditions), remembered in ``rep_memberships``.

Revision ID: 0012_rule_followups
Revises: 0011_scheduler_rules
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_rule_followups"
down_revision = "0011_scheduler_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("segment_rules") as batch:
        batch.add_column(sa.Column("followup_kind", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("followup_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("subject", sa.String(length=16), nullable=False,
                                   server_default="customer"))
        batch.add_column(sa.Column("share_pct", sa.Float(), nullable=True))
    with op.batch_alter_table("segment_rules") as batch:
        batch.alter_column("subject", server_default=None)
    with op.batch_alter_table("followups") as batch:
        batch.add_column(sa.Column("rule_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("fired_on", sa.Date(), nullable=True))
        batch.create_foreign_key(op.f("fk_followups_rule_id_segment_rules"), "segment_rules",
                                 ["rule_id"], ["id"], ondelete="SET NULL")
        batch.create_unique_constraint("uq_followups_rule_firing",
                                       ["rule_id", "customer_id", "fired_on"])
    op.create_table(
        "rep_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["reps.id"], ondelete="CASCADE",
                                name=op.f("fk_rep_memberships_rep_id_reps")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rep_memberships")),
    )
    op.create_index("ix_rep_memberships_source_open", "rep_memberships",
                    ["source", "valid_to"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_rep_memberships_source_open", table_name="rep_memberships")
    op.drop_table("rep_memberships")
    with op.batch_alter_table("followups") as batch:
        batch.drop_constraint("uq_followups_rule_firing", type_="unique")
        batch.drop_constraint(op.f("fk_followups_rule_id_segment_rules"), type_="foreignkey")
        batch.drop_column("fired_on")
        batch.drop_column("rule_id")
    with op.batch_alter_table("segment_rules") as batch:
        batch.drop_column("share_pct")
        batch.drop_column("subject")
        batch.drop_column("followup_days")
        batch.drop_column("followup_kind")
