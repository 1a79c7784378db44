"""The recompute pipeline on a real database (SQLite and PostgreSQL): hand-checked membership
changes and reasons, idempotency, month-end snapshots and their replay, rules "for N days" and
alerts to the right account manager, the import use case (rows, then the recompute)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from dashboard.db import session_scope
from dashboard.errors import ValidationError
from dashboard.ingest import run_import
from dashboard.models import (
    Alert,
    AuditLog,
    CustomerSnapshot,
    Membership,
    Order,
    SegmentRule,
)
from dashboard.services import imports
from dashboard.services.recompute import month_ends, run_recompute
from layouts.stored_texts import render

from .recompute_world import AS_OF, add_order, build

D = dt.date


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    return build(runtime)


def history(runtime, world, code: str, source: str = "status") -> list[tuple]:  # noqa: ANN001
    """(label, valid_from, valid_to, reason) of one customer's rows of one source."""
    with session_scope(runtime.engine) as s:
        rows = s.execute(select(Membership.label, Membership.valid_from, Membership.valid_to,
                                Membership.reason)
                         .where(Membership.customer_id == world.customers[code],
                                Membership.source == source)
                         .order_by(Membership.valid_from, Membership.id)).all()
    return [(*r[:3], english(r[3])) for r in rows]


def english(stored: str) -> str:
    """A stored reason or message as an English reader sees it."""
    return render(stored, "CNY", "en")


def count(runtime, model, *where) -> int:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        return int(s.execute(select(func.count()).select_from(model).where(*where)).scalar())


def add_rule(runtime, **fields) -> int:  # noqa: ANN001, ANN003
    with session_scope(runtime.engine, write=True) as s:
        rule = SegmentRule(**{"value": 0.0, "for_days": 0, "segment": "", "active": True,
                              **fields})
        s.add(rule)
        s.flush()
        return rule.id


def choices_made(monkeypatch) -> list[str]:  # noqa: ANN001
    """The dates the churn-model choice is made as of, in this process, from now on."""
    from dashboard.analytics import churn_choice

    made: list[str] = []
    backtest = churn_choice.backtest_choice

    def counted(days, as_of, horizon_days=90):  # noqa: ANN001, ANN202
        made.append(pd.Timestamp(as_of).date().isoformat())
        return backtest(days, as_of, horizon_days)

    monkeypatch.setattr(churn_choice, "backtest_choice", counted)
    return made


def test_month_ends() -> None:
    assert month_ends(D(2026, 11, 22), 3) == [D(2026, 8, 31), D(2026, 9, 30), D(2026, 10, 31)]
    assert month_ends(D(2024, 3, 31), 2) == [D(2024, 1, 31), D(2024, 2, 29)]
    assert month_ends(D(2026, 1, 5), 0) == []


def test_first_run_records_every_status_and_tier_with_its_reason(runtime, world) -> None:  # noqa: ANN001
    result = run_recompute(runtime, world.owner(), AS_OF, backfill_months=0)
    assert history(runtime, world, "A") == [("active", AS_OF, None, "risk score 0.2 ≤ 2")]
    assert history(runtime, world, "B") == [("churning", AS_OF, None, "risk score 2.5 > 2")]
    assert history(runtime, world, "C") == [("lost", AS_OF, None, "risk score 5 > 4")]
    assert history(runtime, world, "N") == [("never", AS_OF, None, "no order yet")]
    # dynamic ABC over 24 Oct..22 Nov: A 300 (20 Nov, 10 Nov, 31 Oct), B 200 (28 Oct),
    # Z 150 (17 Nov, 7 Nov, 28 Oct), C and N nothing. A is A (nothing before it), B is B
    # (300 of 650 = 46 % before it), Z is B too (500 of 650 = 77 % < 80 %), C and N are D
    tiers = {code: history(runtime, world, code, "abc")[0] for code in "ABCNZ"}
    assert {code: row[0] for code, row in tiers.items()} == {
        "A": "A", "B": "B", "Z": "B", "C": "D", "N": "D"}
    assert tiers["A"][3] == "revenue CN¥300 in the 30 days to Nov 22, 2026"
    assert tiers["C"][3] == "no revenue in the 30 days to Nov 22, 2026"
    assert result.opened == {"abc": 5, "status": 5} and result.closed == 0
    assert result.customers == 5 and result.snapshots == 5 and result.alerts == 0
    with session_scope(runtime.engine) as s:
        snaps = dict(s.execute(select(CustomerSnapshot.customer_id, CustomerSnapshot.status)
                               .where(CustomerSnapshot.as_of == AS_OF)).all())
        audit = s.execute(select(AuditLog.action, AuditLog.object_id)).all()
    assert snaps[world.customers["C"]] == "lost" and snaps[world.customers["N"]] == "never"
    assert [tuple(a) for a in audit] == [("recompute", "2026-11-22")]


def test_running_twice_changes_nothing_the_second_time(runtime, world) -> None:  # noqa: ANN001
    run_recompute(runtime, world.owner(), AS_OF, backfill_months=2)
    before = (count(runtime, Membership), count(runtime, CustomerSnapshot),
              count(runtime, AuditLog))
    again = run_recompute(runtime, world.owner(), AS_OF, backfill_months=2)
    assert not again.changed and again.backfilled == [] and again.replayed == []
    assert (count(runtime, Membership), count(runtime, CustomerSnapshot),
            count(runtime, AuditLog)) == before


def test_a_data_change_closes_the_old_row_and_opens_one_with_the_reason(runtime, world) -> None:  # noqa: ANN001
    run_recompute(runtime, world.owner(), AS_OF, backfill_months=0)
    later = AS_OF + dt.timedelta(days=3)
    add_order(runtime, world, "B", later, 200.0)
    result = run_recompute(runtime, world.owner(), later, backfill_months=0)
    assert history(runtime, world, "B") == [
        ("churning", AS_OF, later, "risk score 2.5 > 2"),
        ("active", later, None, "risk score 0 ≤ 2")]
    # C's risk score went from 5.0 to 5.3, still lost: its row stays as it was
    assert history(runtime, world, "C") == [("lost", AS_OF, None, "risk score 5 > 4")]
    assert result.opened["status"] == 1
    with pytest.raises(ValidationError, match="recorded up to 2026-11-25"):
        run_recompute(runtime, world.owner(), AS_OF, backfill_months=0)


def test_first_run_replays_month_ends_into_history_and_snapshots(runtime, world) -> None:  # noqa: ANN001
    result = run_recompute(runtime, world.owner(), AS_OF, backfill_months=3)
    aug, sep, oct_ = D(2026, 8, 31), D(2026, 9, 30), D(2026, 10, 31)
    assert result.backfilled == [aug, sep, oct_] and result.replayed == [aug, sep, oct_]
    assert [r[:3] for r in history(runtime, world, "A")] == [
        ("never", aug, oct_), ("active", oct_, None)]
    assert [r[:3] for r in history(runtime, world, "B")] == [
        ("never", aug, sep), ("active", sep, AS_OF), ("churning", AS_OF, None)]
    assert history(runtime, world, "C") == [
        ("active", aug, oct_, "risk score 0.7 ≤ 2"),
        ("churning", oct_, AS_OF, "risk score 2.8 > 2"),
        ("lost", AS_OF, None, "risk score 5 > 4")]
    with session_scope(runtime.engine) as s:
        dates = s.execute(select(CustomerSnapshot.as_of, func.count())
                          .group_by(CustomerSnapshot.as_of)
                          .order_by(CustomerSnapshot.as_of)).all()
        risk = s.execute(select(CustomerSnapshot.risk_score).where(
            CustomerSnapshot.customer_id == world.customers["C"],
            CustomerSnapshot.as_of == oct_)).scalar()
    assert [tuple(d) for d in dates] == [(aug, 5), (sep, 5), (oct_, 5), (AS_OF, 5)]
    assert risk == pytest.approx(2.8)


def test_later_runs_write_the_missing_month_end_and_replace_the_current_month(runtime,  # noqa: ANN001
                                                                           world) -> None:
    run_recompute(runtime, world.owner(), D(2026, 11, 20), backfill_months=1)
    run_recompute(runtime, world.owner(), AS_OF, backfill_months=1)  # same month: replaced
    run_recompute(runtime, world.owner(), D(2026, 12, 2), backfill_months=2)
    with session_scope(runtime.engine) as s:
        dates = s.execute(select(CustomerSnapshot.as_of).distinct()
                          .order_by(CustomerSnapshot.as_of)).scalars().all()
    assert dates == [D(2026, 10, 31), D(2026, 11, 30), D(2026, 12, 2)]


def test_scheme_bands_are_recorded_with_reasons(runtime, world) -> None:  # noqa: ANN001
    from dashboard.services.schemes import save_scheme

    scheme_id = save_scheme(runtime, world.owner(), None, {
        "title": "Risk", "kind": "risk_score", "timeframe_days": 365, "colour": "#c0392b",
        "bands": [{"label": "Loyal", "upper": 1}, {"label": "Slowing", "upper": 2},
                  {"label": "Going to sleep", "upper": 4}, {"label": "At risk",
                                                            "upper": 9999}]})
    source = f"scheme:{scheme_id}"
    # saving the scheme recorded its bands at once (as of today)
    assert history(runtime, world, "B", source) == [
        ("Going to sleep", AS_OF, None, "moved to band 'Going to sleep' (risk score 2.5)")]
    assert history(runtime, world, "N", source) == []  # never traded: in no band
    result = run_recompute(runtime, world.owner(), AS_OF, backfill_months=0)
    assert result.opened.get("scheme", 0) == 0  # nothing new for the scheme
    later = AS_OF + dt.timedelta(days=20)  # A: 22 days since its last order -> 2.2
    run_recompute(runtime, world.owner(), later, backfill_months=0)
    assert history(runtime, world, "A", source) == [
        ("Loyal", AS_OF, later, "moved to band 'Loyal' (risk score 0.2)"),
        ("Going to sleep", later, None, "moved to band 'Going to sleep' (risk score 2.2)")]


def test_rule_for_n_days_raises_one_alert_for_the_account_manager(runtime, world) -> None:  # noqa: ANN001
    rule = add_rule(runtime, name="Slipping", figure="risk_score", operator=">", value=2.0,
                    for_days=20, action="alert")
    run_recompute(runtime, world.owner(), AS_OF, backfill_months=3)
    # C: 2.8 on 31 Oct, 5.0 on 22 Nov: waiting since 31 Oct, 22 days >= 20 -> alert;
    # B: 2.5 only since 22 Nov -> waiting
    assert [r[:3] for r in history(runtime, world, "C", f"rule:{rule}")] == [
        ("(pending)", D(2026, 10, 31), AS_OF), ("(alert)", AS_OF, None)]
    assert history(runtime, world, "B", f"rule:{rule}") == [
        ("(pending)", AS_OF, None, "Risk score 2.5 > 2 since Nov 22, 2026; waiting for 20 "
                                   "days")]
    with session_scope(runtime.engine) as s:
        alerts = s.execute(select(Alert.customer_id, Alert.rep_id, Alert.rule_id,
                                  Alert.message, Alert.value, Alert.status)).all()
    assert [(*a[:3], english(a[3]), *a[4:]) for a in alerts] == [
        (world.customers["C"], world.reps["Li"], rule,
         "Slipping: Risk score 5 > 2 for 20 days or more", 5.0, "open")]
    # ten days on, B still waits; twenty days on, B's alert goes to Wang; C is not alerted
    # again while its condition keeps holding
    run_recompute(runtime, world.owner(), AS_OF + dt.timedelta(days=10), backfill_months=0)
    assert count(runtime, Alert) == 1
    run_recompute(runtime, world.owner(), AS_OF + dt.timedelta(days=20), backfill_months=0)
    with session_scope(runtime.engine) as s:
        alerts = s.execute(select(Alert.customer_id, Alert.rep_id).order_by(Alert.id)).all()
    assert [tuple(a) for a in alerts] == [(world.customers["C"], world.reps["Li"]),
                                          (world.customers["B"], world.reps["Wang"])]


def test_segment_rule_moves_customers_in_and_out(runtime, world) -> None:  # noqa: ANN001
    rule = add_rule(runtime, name="Churning", figure="status", operator="=",
                    value_text="churning", action="segment", segment="Call this week")
    run_recompute(runtime, world.owner(), AS_OF, backfill_months=0)
    assert history(runtime, world, "B", f"rule:{rule}") == [
        ("Call this week", AS_OF, None, "Status Churning = Churning")]
    later = AS_OF + dt.timedelta(days=1)
    add_order(runtime, world, "B", later, 10.0)
    run_recompute(runtime, world.owner(), later, backfill_months=0)
    assert history(runtime, world, "B", f"rule:{rule}") == [
        ("Call this week", AS_OF, later, "Status Churning = Churning")]


def test_a_deleted_rule_closes_its_rows_and_keeps_its_alerts(runtime, world) -> None:  # noqa: ANN001
    from dashboard.services.rules import delete_rule

    rule = add_rule(runtime, name="Lost", figure="status", operator="=", value_text="lost",
                    action="alert")
    run_recompute(runtime, world.owner(), AS_OF, backfill_months=0)
    delete_rule(runtime, world.owner(), rule)
    assert history(runtime, world, "C", f"rule:{rule}")[0][2] == AS_OF
    with session_scope(runtime.engine) as s:
        alerts = s.execute(select(Alert.rule_id, Alert.message)).all()
    assert [(a[0], english(a[1])) for a in alerts] == [(None, "Lost: Status Lost = Lost")]


def test_an_import_ends_with_a_recompute(runtime, world) -> None:  # noqa: ANN001
    run_recompute(runtime, world.owner(), AS_OF, backfill_months=0)
    assert history(runtime, world, "C")[-1][:3] == ("lost", AS_OF, None)
    data = b"customer,order_date,amount,order_id\nC,2026-11-22,99.5,IMP-1\n"
    outcome = imports.import_file(runtime, "orders", data, filename="new.csv",
                                  actor=world.owner())
    assert outcome.report.status == "imported"
    assert outcome.recompute is not None and outcome.recompute.as_of == AS_OF
    # C's rows move: status lost -> active, and its 99.5 of the 749.5 revenue in the 30 days
    # comes after 650 (86.7 % >= 80 %): tier D -> C
    assert outcome.recompute.opened == {"status": 1, "abc": 1}
    assert outcome.recompute.closed == 2
    assert history(runtime, world, "C")[-1][:3] == ("active", AS_OF, None)
    assert history(runtime, world, "C")[0][:3] == ("lost", AS_OF, AS_OF)
    assert [r[:3] for r in history(runtime, world, "C", "abc")] == [
        ("D", AS_OF, AS_OF), ("C", AS_OF, None)]


def test_the_importer_alone_writes_and_does_not_recompute(runtime, world) -> None:  # noqa: ANN001
    data = b"customer,order_date,amount,order_id\nC,2026-11-22,99.5,IMP-1\n"
    report = run_import(runtime.engine, "orders", data, filename="new.csv")
    assert report.status == "imported"
    assert count(runtime, Membership) == 0
    assert count(runtime, CustomerSnapshot) == 0


def test_kinds_no_figure_depends_on_are_not_recomputed(runtime, world) -> None:  # noqa: ANN001
    data = b"product,product_name\nP9,Washer\n"
    outcome = imports.import_file(runtime, "products", data, filename="products.csv")
    assert outcome.report.status == "imported" and outcome.report.created["products"] == 1
    assert outcome.recompute is None
    assert count(runtime, Membership) == 0


def test_a_failed_recompute_leaves_the_import_written(runtime, world, monkeypatch,  # noqa: ANN001
                                                      caplog) -> None:
    def broken(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "run_recompute", broken)
    data = b"customer,order_date,amount,order_id\nC,2026-11-22,99.5,IMP-1\n"
    outcome = imports.import_file(runtime, "orders", data, filename="new.csv")
    assert outcome.report.status == "imported" and outcome.recompute is None
    assert "recompute after the orders import failed" in caplog.text
    assert count(runtime, Membership) == 0
    with session_scope(runtime.engine) as s:
        assert s.execute(select(func.count()).select_from(Order)
                         .where(Order.order_no == "IMP-1")).scalar() == 1


def test_a_large_first_write_builds_the_indexes_once(runtime, world, monkeypatch) -> None:  # noqa: ANN001
    from sqlalchemy import inspect

    from dashboard.data import memberships as stored

    monkeypatch.setattr(stored, "DEFER_INDEXES_FROM", 1)
    run_recompute(runtime, world.owner(), AS_OF, backfill_months=3)
    assert [r[:3] for r in history(runtime, world, "B")] == [
        ("never", D(2026, 8, 31), D(2026, 9, 30)), ("active", D(2026, 9, 30), AS_OF),
        ("churning", AS_OF, None)]
    names = {i["name"] for i in inspect(runtime.engine).get_indexes("memberships")}
    assert {"ix_memberships_customer_source", "ix_memberships_source_open"} <= names


def test_the_churn_choice_is_made_once_per_year_end_and_reused(runtime, world,  # noqa: ANN001
                                                               monkeypatch) -> None:
    """Saving two schemes (two timeframes: two tables) records their bands as of today with
    one choice, made as of today. Then a run with twelve month-ends (Nov 2025 to Oct 2026):
    Nov 30, 2025 uses the choice made as of Dec 31, 2024 (the last year end on or before it),
    Dec 31, 2025 to Oct 31, 2026 the one as of Dec 31, 2025, the current figures today's,
    read from the cache. A second run over the same data makes none."""
    from dashboard.services.schemes import save_scheme

    made = choices_made(monkeypatch)
    for title, days in (("Risk", 365), ("Risk lately", 90)):
        save_scheme(runtime, world.owner(), None, {
            "title": title, "kind": "risk_score", "timeframe_days": days, "colour": "#c0392b",
            "bands": [{"label": "Low", "upper": 2}, {"label": "High", "upper": 9999}]})
    assert made == ["2026-11-22"]
    made.clear()
    result = run_recompute(runtime, world.owner(), AS_OF, backfill_months=12)
    assert result.backfilled == month_ends(AS_OF, 12) and len(result.backfilled) == 12
    assert made == ["2024-12-31", "2025-12-31"]
    made.clear()
    run_recompute(runtime, world.owner(), AS_OF, backfill_months=12)
    assert made == []


def test_a_first_run_replays_month_ends_with_one_choice_a_year(runtime, world,  # noqa: ANN001
                                                              monkeypatch) -> None:
    """Aug 31, Sep 30 and Oct 31, 2026 (snapshots and replay) all use the choice made as of
    Dec 31, 2025; the current figures choose as of Nov 22, 2026."""
    made = choices_made(monkeypatch)
    result = run_recompute(runtime, world.owner(), AS_OF, backfill_months=3)
    assert result.replayed == [D(2026, 8, 31), D(2026, 9, 30), D(2026, 10, 31)]
    assert made == ["2025-12-31", "2026-11-22"]


def _recorded(runtime) -> tuple[list[tuple], list[tuple]]:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        rows = s.execute(select(Membership.customer_id, Membership.source, Membership.label,
                                Membership.value, Membership.reason, Membership.valid_from,
                                Membership.valid_to)
                         .order_by(Membership.customer_id, Membership.source,
                                   Membership.valid_from, Membership.label)).all()
        snaps = s.execute(select(CustomerSnapshot.customer_id, CustomerSnapshot.as_of,
                                 CustomerSnapshot.status, CustomerSnapshot.abc_tier,
                                 CustomerSnapshot.risk_score,
                                 CustomerSnapshot.churn_probability)
                          .order_by(CustomerSnapshot.customer_id,
                                    CustomerSnapshot.as_of)).all()
    return [tuple(r) for r in rows], [tuple(r) for r in snaps]


def test_month_ends_computed_in_worker_processes_equal_one_process(runtime, world,  # noqa: ANN001
                                                                   monkeypatch) -> None:
    """A large history's month-ends are computed in forked workers and stepped through in
    date order here: the memberships, reasons and snapshots equal those of one process. The
    workers run first (nothing cached: they fit the models and read the choices made here
    once each); the one-process run then replays the same month-ends from scratch."""
    from dashboard.services import recompute

    made = choices_made(monkeypatch)
    monkeypatch.setattr(recompute, "_month_end_workers", lambda _rows, _ends: 2)
    monkeypatch.setattr(recompute, "AHEAD", 2)
    forked = run_recompute(runtime, world.owner(), AS_OF, backfill_months=14)
    assert forked.month_end_workers == 2
    assert forked.replayed == forked.backfilled == month_ends(AS_OF, 14)
    assert made == ["2024-12-31", "2025-12-31", "2026-11-22"]  # each once, in this process
    in_workers = _recorded(runtime)
    assert len(in_workers[0]) > 5 and len(in_workers[1]) == 5 * 15

    with session_scope(runtime.engine, write=True) as s:
        for model in (Alert, CustomerSnapshot, Membership):
            s.execute(model.__table__.delete())
    monkeypatch.setattr(recompute, "_month_end_workers", lambda _rows, _ends: 0)
    alone = run_recompute(runtime, world.owner(), AS_OF, backfill_months=14)
    assert alone.month_end_workers == 0 and alone.replayed == forked.replayed
    assert alone.opened == forked.opened and alone.closed == forked.closed
    assert _recorded(runtime) == in_workers


def test_small_histories_and_threaded_processes_use_one_process(monkeypatch) -> None:  # noqa: ANN001
    import threading

    from dashboard.services import recompute

    monkeypatch.setattr(recompute.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert recompute._month_end_workers(recompute.PARALLEL_MIN_DAYS - 1, 24) == 0
    assert recompute._month_end_workers(recompute.PARALLEL_MIN_DAYS, 3) == 0
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert recompute._month_end_workers(recompute.PARALLEL_MIN_DAYS, 24) == 2
    monkeypatch.setattr(recompute.os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert recompute._month_end_workers(recompute.PARALLEL_MIN_DAYS, 24) == 0
    monkeypatch.setattr(recompute.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(threading, "active_count", lambda: 3)
    assert recompute._month_end_workers(recompute.PARALLEL_MIN_DAYS, 24) == 0


def test_month_end_workers_that_cannot_start_leave_the_work_to_this_process(  # noqa: ANN001
        runtime, world, monkeypatch) -> None:
    from concurrent.futures import ProcessPoolExecutor

    from dashboard.services import recompute

    def refused(_self, *_args, **_kwargs):  # noqa: ANN001, ANN202
        raise OSError("no processes here")

    monkeypatch.setattr(recompute, "_month_end_workers", lambda _rows, _ends: 2)
    monkeypatch.setattr(ProcessPoolExecutor, "submit", refused)
    result = run_recompute(runtime, world.owner(), AS_OF, backfill_months=3)
    assert result.replayed == [D(2026, 8, 31), D(2026, 9, 30), D(2026, 10, 31)]
    assert [r[:3] for r in history(runtime, world, "B")] == [
        ("never", D(2026, 8, 31), D(2026, 9, 30)), ("active", D(2026, 9, 30), AS_OF),
        ("churning", AS_OF, None)]
