"""Database models (SQLAlchemy 2, typed).

Natural keys are unique: customer ``code``, product ``sku``, order ``order_no``, invoice
``invoice_no``. Money is stored as NUMERIC(16, 2) and read back as float; the money of order
lines and what is summed from them (order amounts, the daily rollups) as NUMERIC(18, 4), the
precision of the files (unit prices with 3-4 decimals, sub-cent line amounts), so sums equal the
file's; quantities as NUMERIC(14, 3). Enumerations are stored as short strings with CHECK constraints so that SQLite
and PostgreSQL share one schema and one set of migrations.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from dashboard.analytics import kinds

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CUSTOMER_TYPES = tuple(kinds.CUSTOMER_TYPES)  # the registry's codes, in its order
ROLES = ("owner", "manager", "rep", "customer")
CHANNELS = ("sms", "email", "log")
SCHEME_KINDS = tuple(kinds.SCHEME_KINDS)
CONTACT_CHANNELS = ("visit", "phone", "email")
OUTBOX_STATES = ("pending", "sending", "sent", "failed", "unknown", "holdout", "unreachable",
                 "cancelled")

Money = Numeric(16, 2, asdecimal=False)
LineMoney = Numeric(18, 4, asdecimal=False)  # order lines and the sums made of them
Quantity = Numeric(14, 3, asdecimal=False)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# --- people -------------------------------------------------------------------------------


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class Rep(Base):
    """An account manager (经手人): the person a customer is assigned to."""

    __tablename__ = "reps"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    team: Mapped[Team | None] = relationship()


class User(Base):
    """Someone who signs in. Scope: owner all; manager the customers of ``team_id``'s reps;
    rep the customers of ``rep_id``; customer (a Trade or Distributor customer's own sign-in)
    only ``customer_id``. A manager without a team, a rep without a rep record or a customer
    user without a customer sees nothing."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id"))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    password_changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class UserSession(Base):
    """Server-side session: the cookie carries only ``id``; logout, disable and password
    change revoke the row, so an old cookie is worthless."""

    __tablename__ = "user_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class LoginAttempt(Base):
    """Every sign-in attempt; the throttle counts recent failures per account and address."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(80))
    ip: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(80))


# --- master data ----------------------------------------------------------------------------


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        CheckConstraint(_in("customer_type", CUSTOMER_TYPES), name="customer_type"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    customer_type: Mapped[str] = mapped_column(String(16),
                                               default=kinds.DEFAULT_CUSTOMER_TYPE)
    region: Mapped[str | None] = mapped_column(String(120), index=True)
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    created_date: Mapped[dt.date | None] = mapped_column(Date)
    opt_out_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    opt_out_email: Mapped[bool] = mapped_column(Boolean, default=False)
    rep: Mapped[Rep | None] = relationship()


class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    category: Mapped[str | None] = mapped_column(String(120), index=True)
    tags: Mapped[str | None] = mapped_column(Text)  # comma-separated
    unit_cost: Mapped[float | None] = mapped_column(Money)
    list_price: Mapped[float | None] = mapped_column(Money)


# --- transactions ---------------------------------------------------------------------------


class ImportBatch(Base):
    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_written: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)
    anonymous_rows: Mapped[int] = mapped_column(Integer, default=0)
    return_rows: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="running")


class Order(Base):
    """An order (or a return). ``amount`` is the sum of its lines; ``is_return`` is true when
    every line has a negative quantity: such an order lowers revenue but is not an order."""

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_customer_date", "customer_id", "order_date"),
        Index("ix_orders_date", "order_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    order_no: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    order_date: Mapped[dt.date] = mapped_column(Date)
    ordered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    coupon_code: Mapped[str | None] = mapped_column(String(64), index=True)
    amount: Mapped[float] = mapped_column(LineMoney, default=0)
    is_return: Mapped[bool] = mapped_column(Boolean, default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class OrderLine(Base):
    """One line. ``line_key`` identifies the line inside its order: the row's position among
    its order's rows in an imported file ("1", "2", ...; a product may be on several lines),
    or the file's line number when one is mapped, empty for an order-level row (which has no
    product)."""

    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_id", "line_key", name="uq_order_lines_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    line_key: Mapped[str] = mapped_column(String(64), default="")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[float] = mapped_column(Quantity)
    unit_price: Mapped[float] = mapped_column(LineMoney)
    unit_cost: Mapped[float | None] = mapped_column(LineMoney)
    amount: Mapped[float] = mapped_column(LineMoney)


class CustomerDay(Base):
    """Rollup: one row per customer per day with sales, maintained by every write to orders.

    ``orders`` counts orders with at least one non-return line; ``return_orders`` counts
    return-only orders; ``revenue`` includes returns; ``cost`` and ``costed_revenue`` cover
    only lines whose unit cost is known (for the gross margin)."""

    __tablename__ = "customer_days"
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    revenue: Mapped[float] = mapped_column(LineMoney, default=0)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    return_orders: Mapped[int] = mapped_column(Integer, default=0)
    return_amount: Mapped[float] = mapped_column(LineMoney, default=0)
    costed_revenue: Mapped[float] = mapped_column(LineMoney, default=0)
    cost: Mapped[float] = mapped_column(LineMoney, default=0)
    coupon_orders: Mapped[int] = mapped_column(Integer, default=0)


class AnonymousDay(Base):
    """Rollup of sales without a customer (cash and guest sales): total revenue only."""

    __tablename__ = "anonymous_days"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    revenue: Mapped[float] = mapped_column(LineMoney, default=0)
    orders: Mapped[int] = mapped_column(Integer, default=0)


class RollupChange(Base):
    """Change log of the rollup: every (customer, day) whose ``customer_days`` row was
    rewritten, so that the columnar snapshot can be brought up to date by reading only the
    changed rows. A row with both ``customer_id`` and ``day`` empty means "everything"."""

    __tablename__ = "rollup_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[dt.date | None] = mapped_column(Date)


class Invoice(Base):
    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_no: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    issue_date: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[float] = mapped_column(Money)


class Payment(Base):
    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    paid_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[float] = mapped_column(Money)


class Target(Base):
    """Monthly sales target of one customer; ``month`` is the first day of the month."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("customer_id", "month", name="uq_targets_customer_month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    month: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[float] = mapped_column(Money)


# --- contact with customers -----------------------------------------------------------------


class Visit(Base):
    """A visit or a phone call, with its outcome."""

    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint(_in("kind", ("visit", "call")), name="kind"),
        Index("ix_visits_customer_at", "customer_id", "happened_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id"))
    kind: Mapped[str] = mapped_column(String(8), default="visit")
    happened_at: Mapped[dt.datetime] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_customer_at", "customer_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Coupon(Base):
    """A coupon template; each recipient of a campaign gets a unique code made from it."""

    __tablename__ = "coupons"
    __table_args__ = (CheckConstraint(_in("kind", ("value", "percent")), name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(8), default="value")
    value: Mapped[float] = mapped_column(Money)
    min_spend: Mapped[float] = mapped_column(Money, default=0)
    validity_days: Mapped[int] = mapped_column(Integer, default=30)
    code_pattern: Mapped[str] = mapped_column(String(40), default="CP-{random}")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (CheckConstraint(_in("channel", CHANNELS), name="channel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    coupon_id: Mapped[int | None] = mapped_column(ForeignKey("coupons.id"))
    channel: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(8), default="en")
    message_template: Mapped[str] = mapped_column(Text)
    selection: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    holdout_pct: Mapped[float] = mapped_column(Float, default=0.0)
    intent_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    queued_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Outbox(Base):
    """One message of a campaign to one customer on one channel (the coupon send).

    The unique key (campaign, customer, channel) makes a second queueing impossible; the
    provider idempotency key is derived from ``id``. A row whose outcome is not known after a
    crash goes to ``unknown`` and is never re-sent automatically."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("campaign_id", "customer_id", "channel", name="uq_outbox_recipient"),
        CheckConstraint(_in("status", OUTBOX_STATES), name="status"),
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_outbox_customer", "customer_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    channel: Mapped[str] = mapped_column(String(8))
    address: Mapped[str | None] = mapped_column(String(254))
    message: Mapped[str] = mapped_column(Text, default="")
    coupon_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    is_holdout: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_message_id: Mapped[str | None] = mapped_column(String(128))
    queued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    redeemed_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id", ondelete="SET NULL")
    )
    redeemed_at: Mapped[dt.date | None] = mapped_column(Date)


# --- classification ---------------------------------------------------------------------------


class ClassificationScheme(Base):
    """A sales classification (seed 000/001). ``bands`` is an ordered list of
    ``{"label": str, "upper": float}``; bands are cumulative upper bounds."""

    __tablename__ = "classification_schemes"
    __table_args__ = (CheckConstraint(_in("kind", SCHEME_KINDS), name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    comment: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[str] = mapped_column(String(16), default="#1f77b4")
    customer_type: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(24))
    bands: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    min_spend: Mapped[float | None] = mapped_column(Money)
    min_orders: Mapped[int | None] = mapped_column(Integer)
    timeframe_days: Mapped[int] = mapped_column(Integer, default=365)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SegmentRule(Base):
    """Dynamic segmentation (seed 004): when <figure> <operator> <value> [for N days] then
    assign ``segment`` or raise an alert to the account manager."""

    __tablename__ = "segment_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    figure: Mapped[str] = mapped_column(String(40))
    operator: Mapped[str] = mapped_column(String(4))
    value: Mapped[float] = mapped_column(Float)
    value_text: Mapped[str | None] = mapped_column(String(40))  # status / tier comparisons
    for_days: Mapped[int] = mapped_column(Integer, default=0)
    action: Mapped[str] = mapped_column(String(16), default="segment")
    segment: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # the conditions after the first, joined by AND: [{"figure", "operator", "value",
    # "value_text"}, ...]; and every action the rule takes (``action`` is the first of
    # segment / alert, kept for readers of one action)
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    actions: Mapped[list[str]] = mapped_column(JSON, default=list)
    # the follow-up action: its kind (call / visit / e-mail) and due N days after the firing
    followup_kind: Mapped[str | None] = mapped_column(String(8))
    followup_days: Mapped[int | None] = mapped_column(Integer)
    # what the rule segments: customers, or account managers ("at least ``share_pct`` % of
    # the account manager's customers meet the conditions", seed 004's "Top rep")
    subject: Mapped[str] = mapped_column(String(16), default="customer")
    share_pct: Mapped[float | None] = mapped_column(Float)


class ContactPlan(Base):
    """The contact channel and frequency of a scheme band or rule segment (SPEC "Contact
    plan"): ``source`` ``scheme:<id>`` / ``rule:<id>`` and the band's or segment's label; a
    customer in several takes the plan of the lowest ``position``."""

    __tablename__ = "contact_plans"
    __table_args__ = (
        UniqueConstraint("source", "label", name="uq_contact_plans_source_label"),
        CheckConstraint(_in("channel", CONTACT_CHANNELS), name="channel"),
        CheckConstraint("frequency_days > 0", name="frequency"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(8))
    frequency_days: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SchedulerLease(Base):
    """Who runs the scheduled jobs: one row per lease, held until ``expires_at`` and renewed
    by its holder; any process may take it over once it has expired."""

    __tablename__ = "scheduler_lease"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    acquired_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ScheduledRun(Base):
    """One run of a scheduled job for one slot (the day of a nightly job, the minute of a
    frequent one): the unique (job, slot) makes a second run of the same slot impossible."""

    __tablename__ = "scheduled_runs"
    __table_args__ = (
        UniqueConstraint("job", "slot", name="uq_scheduled_runs_job_slot"),
        Index("ix_scheduled_runs_job_started", "job", "started_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    slot: Mapped[str] = mapped_column(String(40))
    holder: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(16), default="running")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Membership(Base):
    """History of a customer's place in a classification: built-in ``status`` and ``abc``,
    ``scheme:<id>`` bands and ``rule:<id>`` segments. A row is open while ``valid_to`` is
    empty; a change closes the open row and opens a new one with its reason (a stored text:
    a key with its values, ``dashboard.analytics.reasons``, worded when shown)."""

    __tablename__ = "memberships"
    __table_args__ = (
        Index("ix_memberships_customer_source", "customer_id", "source", "valid_to"),
        Index("ix_memberships_source_open", "source", "valid_to"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(120))
    value: Mapped[float | None] = mapped_column(Float)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RepMembership(Base):
    """History of an account manager's place in the segment of a rule over account managers
    (``rule:<id>``, seed 004's "Top rep"): ``value`` is the share (%) of their customers that
    met the rule's conditions when the row opened. Open while ``valid_to`` is empty."""

    __tablename__ = "rep_memberships"
    __table_args__ = (Index("ix_rep_memberships_source_open", "source", "valid_to"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(120))
    value: Mapped[float | None] = mapped_column(Float)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CustomerSnapshot(Base):
    """Month-end figures per customer (status, tier, risk), for the portrait's history."""

    __tablename__ = "customer_snapshots"
    __table_args__ = (Index("ix_customer_snapshots_as_of", "as_of"),)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    as_of: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    abc_tier: Mapped[str] = mapped_column(String(1))
    risk_score: Mapped[float | None] = mapped_column(Float)
    churn_probability: Mapped[float | None] = mapped_column(Float)


class Alert(Base):
    """An alert a segmentation rule raised for a customer's account manager; ``value`` is the
    rule's figure when it was raised; ``message`` is a stored text (the rule's name and
    condition as a key with its values, ``dashboard.analytics.reasons``, worded when shown).
    Deleting the rule keeps its alerts."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_status_created", "status", "created_at"),
        Index("ix_alerts_rule_customer", "rule_id", "customer_id"),
        Index("ix_alerts_customer", "customer_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("segment_rules.id",
                                                           ondelete="SET NULL"))
    rep_id: Mapped[int | None] = mapped_column(ForeignKey("reps.id"))
    # the person it is for when the customer has no account manager: the team's manager,
    # else an owner
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    message: Mapped[str] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(8), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


FOLLOWUP_KINDS = ("call", "visit", "email")
FOLLOWUP_STATES = ("open", "done")


class Followup(Base):
    """A follow-up task on a customer for an account manager (SPEC "Actions"): a call, visit
    or e-mail due on a date, with a note. ``source`` records the selection it was assigned
    from (a list address, a scheme band, a rule segment or an alert). Done, snoozed (the due
    date moved) and reassigned (another account manager) are audited; ``done_on`` is the day
    it was done, so that an earlier as-of date still sees it open."""

    __tablename__ = "followups"
    __table_args__ = (
        Index("ix_followups_rep_state", "rep_id", "state", "due_date"),
        Index("ix_followups_customer", "customer_id"),
        CheckConstraint(_in("kind", FOLLOWUP_KINDS), name="kind"),
        CheckConstraint(_in("state", FOLLOWUP_STATES), name="state"),
        UniqueConstraint("rule_id", "customer_id", "fired_on", name="uq_followups_rule_firing"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id"))
    kind: Mapped[str] = mapped_column(String(8))
    due_date: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(8), default="open")
    source: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    done_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    snoozes: Mapped[int] = mapped_column(Integer, default=0)
    # a rule's follow-up: the rule and the day it fired (one per customer, rule and day)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("segment_rules.id",
                                                           ondelete="SET NULL"))
    fired_on: Mapped[dt.date | None] = mapped_column(Date)


DUPLICATE_DECISIONS = ("distinct", "merged")


class DuplicateDecision(Base):
    """What a person decided about a candidate pair of duplicate customers (ids ordered
    ``customer_a < customer_b``): ``distinct`` (not a duplicate: the pair is never proposed
    again) or ``merged`` into ``kept_id``, with ``moved`` listing every row the merge moved
    (table -> ids, and target amounts added) so that the merge can be undone; undoing deletes
    the row."""

    __tablename__ = "duplicate_decisions"
    __table_args__ = (
        UniqueConstraint("customer_a", "customer_b", name="uq_duplicate_decisions_pair"),
        CheckConstraint(_in("decision", DUPLICATE_DECISIONS), name="decision"),
        CheckConstraint("customer_a < customer_b", name="pair_order"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_a: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    customer_b: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"),
                                            index=True)
    decision: Mapped[str] = mapped_column(String(12))
    kept_id: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    moved: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str] = mapped_column(String(80), default="")
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# --- bookkeeping ------------------------------------------------------------------------------


class AuditLog(Base):
    """Append-only (triggers refuse UPDATE and DELETE): who did what, when, from where.
    ``action`` is a stable key (``scheme.create``), worded by the audit page."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(80), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    request_id: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str] = mapped_column(String(120), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    outcome: Mapped[str] = mapped_column(String(16), default="ok")


class DataState(Base):
    """One row: the data version, bumped by every write that can change a figure."""

    __tablename__ = "data_state"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    instance_id: Mapped[str] = mapped_column(String(32), default="")
