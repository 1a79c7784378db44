"""The built-in scheduler (a lease and the runs of each job's slots), rules with several
conditions and actions, contact plans per band and segment, alerts for a person when the
customer has no account manager.

Revision ID: 0011_scheduler_rules
Revises: 0010_followups
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_scheduler_rules"
down_revision = "0010_followups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduler_lease",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=120), nullable=False),
        sa.Column("acquired_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_lease")),
    )
    op.create_table(
        "scheduled_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("slot", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=120), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_runs")),
        sa.UniqueConstraint("job", "slot", name="uq_scheduled_runs_job_slot"),
    )
    op.create_index("ix_scheduled_runs_job_started", "scheduled_runs", ["job", "started_at"],
                    unique=False)
    op.create_table(
        "contact_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("frequency_days", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("channel IN ('visit', 'phone', 'email')",
                           name=op.f("ck_contact_plans_channel")),
        sa.CheckConstraint("frequency_days > 0", name=op.f("ck_contact_plans_frequency")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_plans")),
        sa.UniqueConstraint("source", "label", name="uq_contact_plans_source_label"),
    )
    with op.batch_alter_table("segment_rules") as batch:
        batch.add_column(sa.Column("conditions", sa.JSON(), nullable=False,
                                   server_default="[]"))
        batch.add_column(sa.Column("actions", sa.JSON(), nullable=False,
                                   server_default="[]"))
    with op.batch_alter_table("segment_rules") as batch:
        batch.alter_column("conditions", server_default=None)
        batch.alter_column("actions", server_default=None)
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_alerts_user_id_users"), "users", ["user_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_constraint(op.f("fk_alerts_user_id_users"), type_="foreignkey")
        batch.drop_column("user_id")
    with op.batch_alter_table("segment_rules") as batch:
        batch.drop_column("actions")
        batch.drop_column("conditions")
    op.drop_table("contact_plans")
    op.drop_index("ix_scheduled_runs_job_started", table_name="scheduled_runs")
    op.drop_table("scheduled_runs")
    op.drop_table("scheduler_lease")
