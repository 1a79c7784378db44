"""Generate the demo distributor into the database, in one transaction.

Either the whole demo is there afterwards or nothing changed: generation and writing run inside
one write transaction (on SQLite ``BEGIN IMMEDIATE``), so an interrupted run leaves an empty
database that ``cockpit demo --if-empty`` fills on the next start. Orders are generated and
written in chunks of whole days, so memory stays bounded at millions of orders.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from dashboard.data.audit import insert_audit
from dashboard.data.bulk import (
    analyze,
    checkpoint,
    drop_deferrable,
    load_session,
    max_ids,
    reset_id_sequences,
    restore_deferred,
)
from dashboard.data.dataset import clear_sales_data, ensure_teams_and_reps, has_sales_data
from dashboard.data.rollups import mark_rollups_rebuilt
from dashboard.db import bump_data_version, session_scope
from dashboard.demo import people
from dashboard.demo.catalogue import N_PRODUCTS, build_catalogue
from dashboard.demo.contacts import build_comments, build_visits
from dashboard.demo.coupons import TEMPLATES, build_coupons
from dashboard.demo.customers import build_customers, build_traits
from dashboard.demo.duplicates import plant_duplicates
from dashboard.demo.options import DemoOptions
from dashboard.demo.orders import write_order_chunks
from dashboard.demo.schemes import ensure_demo_configuration
from dashboard.demo.state import DemoState, DemoSummary, Progress, no_progress
from dashboard.demo.targets import MonthlyRevenue, build_targets
from dashboard.demo.timeline import build_timeline
from dashboard.errors import ValidationError
from dashboard.models import (
    AnonymousDay,
    Comment,
    Coupon,
    Customer,
    CustomerDay,
    Invoice,
    Order,
    OrderLine,
    Payment,
    Product,
    Target,
    Visit,
)
from dashboard.scope import Actor

LOADED = (Customer, Product, Order, OrderLine, CustomerDay, AnonymousDay, Invoice, Payment,
          Visit, Comment, Target, Coupon)
NUMBERED = (Customer, Product, Order, OrderLine, Invoice, Payment, Visit, Comment, Target,
            Coupon)
NOT_EMPTY = ("The database already has customers, products or orders; the demo is only "
             "written into an empty database. Use --replace to empty it first (users, teams "
             "and reps are kept) or --if-empty to leave it as it is.")


def database_has_data(engine: Engine) -> bool:
    with session_scope(engine) as session:
        return has_sales_data(session)


def _prepare(session: Session, replace: bool, summary: DemoSummary) -> None:
    if has_sales_data(session):
        if not replace:
            raise ValidationError(NOT_EMPTY, code="demo_not_empty")
        summary.emptied = clear_sales_data(session)


def _master_data(state: DemoState) -> None:
    options = state.options
    with state.stage("people and products", 3) as advance:
        reps = ensure_teams_and_reps(state.session, people.rep_rows(options.language))
        state.summary.reps = reps
        advance(1)
        state.catalogue = build_catalogue(options.rng("catalogue"),
                                          state.ids(Product, N_PRODUCTS))
        state.write(Product, state.catalogue.products)
        state.write(Coupon, build_coupons(np.datetime64(options.today),
                                          state.ids(Coupon, len(TEMPLATES))))
        advance(2)
    with state.stage("customers", options.customers) as advance:
        state.traits = build_traits(options.rng("traits"), options.customers, state.today,
                                    state.catalogue.category_weight)
        state.customers = build_customers(options.rng("customers"), state.traits, state.start,
                                          people.rep_grid(reps),
                                          state.ids(Customer, options.customers))
        state.customers, state.summary.duplicates = plant_duplicates(
            options.rng("duplicates"), state.customers)
        state.write(Customer, state.customers)
        advance(options.customers)


def _timeline(state: DemoState) -> None:
    options = state.options
    with state.stage("order calendar", 1) as advance:
        state.timeline = build_timeline(lambda key: options.rng("timeline", key), state.traits,
                                        state.cumulative, options.start, options.orders)
        state.monthly = MonthlyRevenue(options.customers, options.start, state.today)
        advance(1)


def _contacts_and_targets(state: DemoState) -> None:
    options = state.options
    with state.stage("visits, comments, targets", 3) as advance:
        rng = options.rng("contacts")
        visits = build_visits(rng, state.traits, state.customers, state.today, state.start, 0)
        state.write(Visit, visits.assign(id=visits["id"] + state.ids(Visit, len(visits))))
        advance(1)
        comments = build_comments(rng, state.traits, state.customers, state.today, state.start,
                                  0)
        state.write(Comment, comments.assign(id=comments["id"] + state.ids(Comment,
                                                                            len(comments))))
        advance(1)
        targets = build_targets(options.rng("targets"), state.traits,
                                state.customers["id"].to_numpy(), state.monthly, 0)
        state.write(Target, targets.assign(id=targets["id"] + state.ids(Target, len(targets))))
        advance(1)


def _finish(state: DemoState, dropped: list[Any]) -> None:
    session = state.session
    with state.stage("indexes and statistics", 3) as advance:
        restore_deferred(session, dropped)
        advance(1)
        reset_id_sequences(session, NUMBERED)
        ensure_demo_configuration(session, state.options.language)
        mark_rollups_rebuilt(session)
        bump_data_version(session)
        options = state.options
        insert_audit(session, Actor.system(), "demo.generate", object_type="database",
                     detail={"customers": options.customers, "orders": options.orders,
                             "seed": options.seed, "language": options.language,
                             "today": options.today.isoformat(),
                             "emptied": state.summary.emptied, "rows": state.summary.counts})
        advance(1)
        analyze(session, LOADED)
        advance(1)


def generate_demo(engine: Engine, options: DemoOptions, *, replace: bool = False,
                  progress: Progress | None = None) -> DemoSummary:
    """Write the demo distributor into the database behind ``engine``; refuses a database
    that already has sales data unless ``replace`` (then empties it first, keeping users,
    teams, reps and configuration)."""
    summary = DemoSummary()
    began = time.perf_counter()
    with load_session(engine) as session:
        _prepare(session, replace, summary)
        state = DemoState(options, session, summary, progress or no_progress,
                          {k: v + 1 for k, v in max_ids(session, NUMBERED).items()})
        dropped = drop_deferrable(session, LOADED) if options.defer_indexes else []
        _master_data(state)
        _timeline(state)
        write_order_chunks(state)
        _contacts_and_targets(state)
        _finish(state, dropped)
        closing = time.perf_counter()
    summary.seconds["checks and commit"] = time.perf_counter() - closing
    closing = time.perf_counter()
    checkpoint(engine)
    summary.seconds["checkpoint"] = time.perf_counter() - closing
    summary.seconds["total"] = time.perf_counter() - began
    return summary
