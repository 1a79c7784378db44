"""The built-in scheduler on a real database (SQLite and PostgreSQL): slots, the lease, exactly
one run with four processes competing, "for N days" moving with the calendar with no import,
no duplicate firing, Celery beat and ``cockpit schedule``."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from dashboard.data import schedule as data
from dashboard.db import make_engine, session_scope
from dashboard.errors import ValidationError
from dashboard.models import Alert, AuditLog, Membership, ScheduledRun, SegmentRule
from dashboard.runtime import Runtime
from dashboard.services import scheduler as service
from dashboard.services.scheduler import Job, Scheduler, install_beat, jobs, parse_time

from .recompute_world import AS_OF, build

D = dt.date
T = dt.datetime


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    return build(runtime)


def _nothing(_runtime, _now):  # noqa: ANN001, ANN202
    return {}


def test_a_daily_slot_is_the_day_of_the_latest_time_at_or_before_now() -> None:
    job = Job("x", "x", _nothing, at=dt.time(2, 0))
    assert job.slot(T(2026, 11, 22, 1, 59)) == "2026-11-21"  # before 02:00: yesterday's
    assert job.slot(T(2026, 11, 22, 2, 0)) == "2026-11-22"
    assert job.slot(T(2026, 11, 22, 23, 59)) == "2026-11-22"
    assert job.next_time(T(2026, 11, 22, 1, 0)) == T(2026, 11, 22, 2, 0)
    assert job.next_time(T(2026, 11, 22, 2, 0)) == T(2026, 11, 23, 2, 0)
    assert job.when == "daily at 02:00"


def test_a_frequent_slot_is_the_start_of_its_interval() -> None:
    job = Job("x", "x", _nothing, every=60)
    assert job.slot(T(2026, 11, 22, 10, 0, 59)) == "2026-11-22T10:00:00"
    assert job.slot(T(2026, 11, 22, 10, 1, 0)) == "2026-11-22T10:01:00"
    assert job.next_time(T(2026, 11, 22, 10, 0, 30)) == T(2026, 11, 22, 10, 1)
    off = Job("y", "y", _nothing)
    assert not off.enabled and off.when == "off" and off.next_time(T(2026, 1, 1)) is None


def test_times_of_day_are_checked_with_the_setting_named() -> None:
    assert parse_time("02:30", "RECOMPUTE_AT") == dt.time(2, 30)
    assert parse_time(" ", "DIGEST_AT") is None
    with pytest.raises(ValidationError, match="COCKPIT_RECOMPUTE_AT must be a time of day"):
        parse_time("2am", "RECOMPUTE_AT")


def test_the_jobs_follow_the_settings(runtime) -> None:  # noqa: ANN001
    runtime.settings = runtime.settings.replace(recompute_at="03:15", send_every_seconds=0,
                                                digest_at="07:00")
    assert [(j.name, j.when) for j in jobs(runtime)] == [
        ("recompute", "daily at 03:15"), ("send", "off"), ("digest", "daily at 07:00")]


def test_the_lease_is_held_by_one_until_it_expires(runtime) -> None:  # noqa: ANN001
    start = T(2026, 11, 22, 10, 0)
    with session_scope(runtime.engine, write=True) as s:
        assert data.take_lease(s, "scheduler", "a", start, start + dt.timedelta(seconds=60))
    with session_scope(runtime.engine, write=True) as s:
        assert not data.take_lease(s, "scheduler", "b", start + dt.timedelta(seconds=59),
                                   start + dt.timedelta(seconds=119))
        assert data.take_lease(s, "scheduler", "a", start + dt.timedelta(seconds=30),
                               start + dt.timedelta(seconds=90))  # renewed by its holder
    with session_scope(runtime.engine, write=True) as s:
        assert not data.take_lease(s, "scheduler", "b", start + dt.timedelta(seconds=89),
                                   start + dt.timedelta(seconds=149))
        assert data.take_lease(s, "scheduler", "b", start + dt.timedelta(seconds=91),
                               start + dt.timedelta(seconds=151))  # expired: taken over
        assert data.get_lease(s, "scheduler") == ("b", start + dt.timedelta(seconds=151))
    with session_scope(runtime.engine, write=True) as s:
        data.release_lease(s, "scheduler", "a")  # not the holder: nothing happens
        assert data.get_lease(s, "scheduler")[0] == "b"
        data.release_lease(s, "scheduler", "b")
        assert data.get_lease(s, "scheduler") is None


def _compete(url: str, settings, index: int, barrier, queue) -> None:  # noqa: ANN001
    """One of the competing processes: its own engine, one tick at the same moment."""
    engine = make_engine(url)
    runtime = Runtime(settings=settings, engine=engine)
    runtime.today = lambda: AS_OF
    scheduler = Scheduler(runtime, holder=f"worker-{index}",
                          now=lambda: T(2026, 11, 22, 3, 0))
    barrier.wait(timeout=60)
    try:
        runs = scheduler.tick()
        queue.put((index, [(r.job, r.slot, r.outcome) for r in runs]))
    except Exception as error:  # noqa: BLE001 - reported to the test
        queue.put((index, f"error: {error!r}"))
    finally:
        engine.dispose()


def test_exactly_one_of_four_worker_processes_runs_the_jobs(runtime, world) -> None:  # noqa: ANN001
    url = runtime.engine.url.render_as_string(hide_password=False)
    runtime.engine.dispose()
    context = multiprocessing.get_context("fork")
    barrier, queue = context.Barrier(4), context.Queue()
    processes = [context.Process(target=_compete, args=(url, runtime.settings, i, barrier,
                                                         queue)) for i in range(4)]
    for process in processes:
        process.start()
    answers = dict(queue.get(timeout=240) for _ in processes)
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert all(not isinstance(a, str) for a in answers.values()), answers
    ran = {i: a for i, a in answers.items() if a}
    assert len(ran) == 1, answers  # one process took the lease and ran everything
    (runs,) = ran.values()
    assert runs == [("recompute", "2026-11-22", "ok"), ("send", "2026-11-22T03:00:00", "ok")]
    with session_scope(runtime.engine) as s:
        rows = s.execute(select(ScheduledRun.job, ScheduledRun.slot, ScheduledRun.outcome)
                         .order_by(ScheduledRun.id)).all()
        recomputes = s.execute(select(func.count()).select_from(AuditLog)
                               .where(AuditLog.action == "recompute")).scalar()
    assert [tuple(r) for r in rows] == runs
    assert recomputes == 1


def _claim(url: str, settings, index: int, barrier, queue) -> None:  # noqa: ANN001
    """One of the competing processes claiming the same slot without any lease."""
    engine = make_engine(url)
    runtime = Runtime(settings=settings, engine=engine)
    barrier.wait(timeout=60)
    try:
        job = Job("count", "count", lambda _r, _n: {"by": index}, at=dt.time(2, 0))
        outcome = service.run_job(runtime, job, T(2026, 11, 22, 3, 0), f"p{index}")
        queue.put((index, None if outcome is None else outcome.slot))
    finally:
        engine.dispose()


def test_a_slot_fires_once_even_when_four_processes_claim_it_without_a_lease(runtime) -> None:  # noqa: ANN001
    url = runtime.engine.url.render_as_string(hide_password=False)
    runtime.engine.dispose()
    context = multiprocessing.get_context("fork")
    barrier, queue = context.Barrier(4), context.Queue()
    processes = [context.Process(target=_claim, args=(url, runtime.settings, i, barrier, queue))
                 for i in range(4)]
    for process in processes:
        process.start()
    answers = dict(queue.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(timeout=60)
    assert sorted(answers.values(), key=str) == ["2026-11-22", None, None, None]
    with session_scope(runtime.engine) as s:
        assert s.execute(select(func.count()).select_from(ScheduledRun)).scalar() == 1


def _add_rule(runtime, **fields) -> int:  # noqa: ANN001, ANN003
    with session_scope(runtime.engine, write=True) as s:
        rule = SegmentRule(**{"value": 0.0, "for_days": 0, "segment": "", "active": True,
                              **fields})
        s.add(rule)
        s.flush()
        return rule.id


def test_for_n_days_moves_with_the_calendar_by_the_nightly_run_alone(runtime, world) -> None:  # noqa: ANN001
    """No import and no command: the nightly runs take B from waiting to alerted on the
    twentieth day, and a second pass on the same night changes nothing."""
    rule = _add_rule(runtime, name="Slipping", figure="risk_score", operator=">", value=2.0,
                     for_days=20, action="alert")
    clock = {"now": T(2026, 11, 22, 2, 30)}
    scheduler = Scheduler(runtime, holder="web-1", now=lambda: clock["now"])

    def labels(code: str) -> list[tuple]:
        with session_scope(runtime.engine) as s:
            return [tuple(r) for r in s.execute(
                select(Membership.label, Membership.valid_from, Membership.valid_to)
                .where(Membership.customer_id == world.customers[code],
                       Membership.source == f"rule:{rule}").order_by(Membership.id)).all()]

    def alerted() -> list[int]:
        with session_scope(runtime.engine) as s:
            return list(s.execute(select(Alert.customer_id).order_by(Alert.id)).scalars())

    assert [r.job for r in scheduler.tick()] == ["recompute", "send"]
    assert labels("B") == [("(pending)", AS_OF, None)]
    assert alerted() == [world.customers["C"]]
    clock["now"] = T(2026, 11, 22, 23, 0)  # the same night's slot: nothing runs again
    assert [r.job for r in scheduler.tick()] == ["send"]
    for day in range(1, 21):  # every night for twenty nights
        clock["now"] = T(2026, 11, 22, 2, 5) + dt.timedelta(days=day)
        runs = scheduler.tick()
        assert [(r.job, r.outcome) for r in runs][0] == ("recompute", "ok")
        if day < 20:
            assert labels("B") == [("(pending)", AS_OF, None)]
    later = AS_OF + dt.timedelta(days=20)
    assert labels("B") == [("(pending)", AS_OF, later), ("(alert)", later, None)]
    assert alerted() == [world.customers["C"], world.customers["B"]]
    with session_scope(runtime.engine) as s:
        slots = list(s.execute(select(ScheduledRun.slot).where(ScheduledRun.job == "recompute")
                               .order_by(ScheduledRun.id)).scalars())
    assert slots == [(AS_OF + dt.timedelta(days=d)).isoformat() for d in range(21)]


def test_a_failed_run_is_recorded_and_the_next_slot_runs_again(runtime) -> None:  # noqa: ANN001
    calls = []

    def work(_runtime, now):  # noqa: ANN001, ANN202
        calls.append(now)
        if len(calls) == 1:
            raise RuntimeError("disk full")
        return {"done": True}

    job = Job("flaky", "flaky", work, at=dt.time(2, 0))
    first = service.run_job(runtime, job, T(2026, 11, 22, 2, 1), "p")
    assert (first.outcome, first.detail) == ("failed", {"error": "RuntimeError: disk full"})
    assert service.run_job(runtime, job, T(2026, 11, 22, 9, 0), "p") is None  # same slot
    assert service.run_job(runtime, job, T(2026, 11, 23, 2, 1), "p").outcome == "ok"
    with session_scope(runtime.engine) as s:
        rows = data.load_runs(s, "flaky")
    assert rows[["slot", "outcome"]].values.tolist() == [["2026-11-23", "ok"],
                                                        ["2026-11-22", "failed"]]
    assert rows["finished_at"].notna().all()


def test_another_process_holding_the_lease_keeps_this_one_idle(runtime) -> None:  # noqa: ANN001
    first = Scheduler(runtime, holder="a", now=lambda: T(2026, 11, 22, 3, 0))
    second = Scheduler(runtime, holder="b", now=lambda: T(2026, 11, 22, 3, 0))
    runtime.settings = runtime.settings.replace(recompute_at="", send_every_seconds=60)
    assert [r.job for r in first.tick()] == ["send"]
    assert second.tick() == []
    first.release()
    assert second.take_lease()


def test_the_runner_starts_only_where_it_should(runtime, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    assert not service.runner_wanted(runtime)  # auto, not under gunicorn (tests, the CLI)
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    assert service.runner_wanted(runtime)
    runtime.settings = runtime.settings.replace(redis_url="redis://localhost:6379/0")
    assert not service.runner_wanted(runtime)  # Celery beat runs the jobs
    runtime.settings = runtime.settings.replace(scheduler="off", redis_url="")
    assert not service.runner_wanted(runtime)
    runtime.settings = runtime.settings.replace(scheduler="sometimes")
    with pytest.raises(ValidationError, match="COCKPIT_SCHEDULER is auto, on or off"):
        service.runner_wanted(runtime)


def test_celery_beat_sends_each_job_and_a_second_beat_changes_nothing(runtime, world) -> None:  # noqa: ANN001
    celery = pytest.importorskip("celery")
    from celery.schedules import crontab

    app = celery.Celery("test-beat")
    schedule = install_beat(app, runtime)
    assert set(schedule) == {"cockpit-recompute", "cockpit-send"}  # no digest time set
    assert schedule["cockpit-recompute"]["schedule"] == crontab(hour=2, minute=0)
    assert schedule["cockpit-send"]["schedule"] == 60.0
    assert app.conf.beat_schedule == schedule
    task = app.tasks[service.TASK_NAME]
    runtime.settings = runtime.settings.replace(recompute_at="00:00")
    first = task.run("recompute")
    assert first == {"slot": dt.date.today().isoformat(), "outcome": "ok"}
    assert task.run("recompute") is None  # the same slot again: refused


def test_cockpit_schedule_shows_what_runs_when_and_the_last_run(runtime, world,  # noqa: ANN001
                                                               monkeypatch) -> None:
    from dashboard import cli_context
    from dashboard.cli import main

    Scheduler(runtime, holder="host:1:abc", now=lambda: T(2026, 11, 22, 3, 0)).tick()
    monkeypatch.setattr(cli_context.Context, "ready_runtime", lambda self: runtime)
    result = CliRunner().invoke(main, ["schedule"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Runs in: web workers (database lease)"
    assert lines[1].startswith("Lease held by: host:1:abc until ")
    recompute = next(line for line in lines if line.startswith("recompute"))
    assert "daily at 02:00" in recompute and " ok " in recompute
    assert recompute.endswith("2026-11-22")
    digest = next(line for line in lines if line.startswith("digest"))
    assert digest.split()[1:3] == ["off", "-"]


def test_the_daily_digest_mails_each_account_manager_their_open_alerts(runtime, world,  # noqa: ANN001
                                                                       monkeypatch) -> None:
    from dashboard.messaging.smtp import SmtpChannel
    from dashboard.models import Rep
    from dashboard.services.recompute import run_recompute

    _add_rule(runtime, name="Not lately", figure="days_since_last_order", operator=">=",
              value=2.0, action="alert")  # A (2 days), B (25), C (50), Z (5)
    run_recompute(runtime, world.owner(), AS_OF, backfill_months=0)
    with session_scope(runtime.engine, write=True) as s:
        s.get(Rep, world.reps["Wang"]).email = "wang@example.com"
        s.get(Rep, world.reps["Li"]).email = "li@example.com"  # Zhao has none: no digest
    sent = []
    monkeypatch.setattr(SmtpChannel, "send", lambda self, message: sent.append(message) or "id")
    runtime.settings = runtime.settings.replace(recompute_at="", send_every_seconds=0,
                                                digest_at="07:00", default_language="zh")
    runs = Scheduler(runtime, holder="h", now=lambda: T(2026, 11, 23, 7, 30)).tick()
    assert [(r.job, r.outcome, r.detail) for r in runs] == [
        ("digest", "ok", {"managers": 2, "sent": 2, "failed": []})]
    assert [(m.address, m.subject) for m in sent] == [
        ("wang@example.com", "客户驾驶舱：2 条未处理预警"),
        ("li@example.com", "客户驾驶舱：1 条未处理预警")]
    assert sent[0].body.startswith("Wang，您好：\n\n您的客户有 2 条未处理预警，其中 2 条为昨天以来新增")
    assert sent[0].key == f"cockpit-digest-2026-11-23-{world.reps['Wang']}"
    assert Scheduler(runtime, holder="h", now=lambda: T(2026, 11, 23, 9, 0)).tick() == []
