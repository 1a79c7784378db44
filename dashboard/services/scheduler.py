"""The product's own scheduler: the nightly recompute, the outbox sender and the daily digest.

Each job has a schedule (daily at a time of day, or every N seconds) and runs once per
**slot** (the day of a daily job, the interval of a frequent one). A run is claimed by
inserting its (job, slot) row (``dashboard.data.schedule``): whoever claims a slot first runs
it, every other claimant is refused by the database, so a slot never runs twice whatever
runs the scheduler (the web workers, ``cockpit schedule --loop``, Celery beat) and however
many of them there are.

Which process runs the jobs: the holder of the database lease ``scheduler``. Every web
worker starts a :class:`Runner` thread (``COCKPIT_SCHEDULER=auto`` under gunicorn, or
``on``); each ``tick`` first takes or renews the lease (expiring after
:data:`LEASE_SECONDS`), so exactly one process across workers and hosts runs the jobs, and
another takes over within a lease time when that one stops. The lease is renewed while a
long job runs. With ``COCKPIT_REDIS_URL`` the runners stay off and Celery beat sends each
job at its time (:func:`install_beat`); the slot claim still guards against a second beat.

A daily job that was missed (the server was down at the time) runs at the next tick: its
slot is the day of the latest scheduled time at or before now.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.data import schedule as data
from dashboard.db import session_scope
from dashboard.errors import CockpitError, ValidationError
from dashboard.runtime import Runtime
from dashboard.scope import Actor

log = logging.getLogger(__name__)
LEASE = "scheduler"
LEASE_SECONDS = 120
POLL_SECONDS = 20
KEEP_FREQUENT_RUNS = dt.timedelta(days=3)
Work = Callable[[Runtime, dt.datetime], dict[str, Any]]


@dataclass(frozen=True)
class Job:
    """A scheduled job: daily ``at`` a local time of day, or ``every`` N seconds."""

    name: str
    title: str
    work: Work
    at: dt.time | None = None
    every: int = 0

    @property
    def enabled(self) -> bool:
        return self.at is not None or self.every > 0

    @property
    def when(self) -> str:
        if self.at is not None:
            return f"daily at {self.at.strftime('%H:%M')}"
        return f"every {self.every} s" if self.every > 0 else "off"

    def slot(self, now: dt.datetime) -> str:
        """The slot due at local time ``now``: the day of the latest scheduled time at or
        before ``now``, or the start of the current interval."""
        if self.at is not None:
            day = now.date() if now.time() >= self.at else now.date() - dt.timedelta(days=1)
            return day.isoformat()
        start = int(now.timestamp()) // self.every * self.every
        return dt.datetime.fromtimestamp(start).isoformat(timespec="seconds")

    def next_time(self, now: dt.datetime) -> dt.datetime | None:
        """When the next slot after the current one starts."""
        if self.at is not None:
            today = dt.datetime.combine(now.date(), self.at)
            return today if now < today else today + dt.timedelta(days=1)
        if self.every > 0:
            start = int(now.timestamp()) // self.every * self.every
            return dt.datetime.fromtimestamp(start + self.every)
        return None


def parse_time(text: str, setting: str) -> dt.time | None:
    """``HH:MM`` (empty: off); anything else is a clear error naming the setting."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, "%H:%M").time()
    except ValueError as exc:
        raise ValidationError(f"COCKPIT_{setting} must be a time of day as HH:MM (24-hour) "
                              f"or empty for off, not {text!r}") from exc


# --- the jobs ---------------------------------------------------------------------------------


def _recompute(runtime: Runtime, now: dt.datetime) -> dict[str, Any]:
    from dashboard.services.recompute import run_recompute

    result = run_recompute(runtime, Actor.system("scheduler"), now.date(), backfill_months=24)
    return result.summary()


def _send(runtime: Runtime, now: dt.datetime) -> dict[str, Any]:
    from dashboard.messaging.sender import Sender

    report = Sender(runtime).run_pass()
    return {"sent": report.sent, "failed": report.failed, "retried": report.retried,
            "unknown": report.unknown, "expired": report.expired}


def _digest(runtime: Runtime, now: dt.datetime) -> dict[str, Any]:
    from dashboard.services.digest import send_digests

    return send_digests(runtime, now)


def jobs(runtime: Runtime) -> list[Job]:
    """The jobs with their schedules from the settings (every job, enabled or not)."""
    settings = runtime.settings
    return [
        Job("recompute", "Recompute memberships, rules, alerts and month-end snapshots",
            _recompute, at=parse_time(settings.recompute_at, "RECOMPUTE_AT")),
        Job("send", "Send queued campaign messages", _send,
            every=max(0, int(settings.send_every_seconds))),
        Job("digest", "E-mail each account manager their open alerts", _digest,
            at=parse_time(settings.digest_at, "DIGEST_AT")),
    ]


def job_named(runtime: Runtime, name: str) -> Job:
    for job in jobs(runtime):
        if job.name == name:
            return job
    raise ValidationError(f"unknown scheduled job {name!r}")


# --- running ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunOutcome:
    job: str
    slot: str
    outcome: str  # ok / failed
    detail: dict[str, Any]


def holder_name() -> str:
    """This process: host, process id and a random part (a restarted process is another)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def run_job(runtime: Runtime, job: Job, now: dt.datetime, holder: str,
            slot: str | None = None) -> RunOutcome | None:
    """Run ``job`` for its slot at ``now`` unless that slot was claimed already (None)."""
    slot = slot or job.slot(now)
    with session_scope(runtime.engine, write=True) as session:
        run_id = data.claim_run(session, job.name, slot, holder, runtime.clock())
    if run_id is None:
        return None
    try:
        detail, outcome = job.work(runtime, now), "ok"
    except CockpitError as error:
        detail, outcome = {"error": error.message}, "failed"
    except Exception as error:  # noqa: BLE001 - recorded; the next slot runs again
        log.exception("scheduled job %s (%s) failed", job.name, slot)
        detail, outcome = {"error": f"{type(error).__name__}: {error}"[:500]}, "failed"
    with session_scope(runtime.engine, write=True) as session:
        data.finish_run(session, run_id, outcome, _jsonable(detail), runtime.clock())
        if job.every:
            data.prune_runs(session, job.name, runtime.clock() - KEEP_FREQUENT_RUNS)
    return RunOutcome(job.name, slot, outcome, detail)


def _jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    return {str(k): (v if isinstance(v, (int, float, str, bool, list, dict, type(None)))
                     else str(v)) for k, v in detail.items()}


class Scheduler:
    """Ticks: take or renew the lease, then run every job whose current slot has not run."""

    def __init__(self, runtime: Runtime, *, holder: str | None = None,
                 lease_seconds: int = LEASE_SECONDS,
                 now: Callable[[], dt.datetime] = dt.datetime.now) -> None:
        self.runtime = runtime
        self.holder = holder or holder_name()
        self.lease_seconds = lease_seconds
        self.now = now

    def take_lease(self) -> bool:
        clock = self.runtime.clock()
        with session_scope(self.runtime.engine, write=True) as session:
            return data.take_lease(session, LEASE, self.holder, clock,
                                   clock + dt.timedelta(seconds=self.lease_seconds))

    def release(self) -> None:
        with session_scope(self.runtime.engine, write=True) as session:
            data.release_lease(session, LEASE, self.holder)

    def tick(self) -> list[RunOutcome]:
        """One pass; the runs it made (none when another process holds the lease)."""
        if not self.take_lease():
            return []
        done = []
        for job in jobs(self.runtime):
            if not job.enabled:
                continue
            with self._renewing():
                outcome = run_job(self.runtime, job, self.now(), self.holder)
            if outcome is not None:
                done.append(outcome)
        return done

    @contextlib.contextmanager
    def _renewing(self) -> Iterator[None]:
        """Renew the lease every third of its time while a job runs."""
        stop = threading.Event()

        def renew() -> None:
            while not stop.wait(self.lease_seconds / 3):
                with contextlib.suppress(Exception):
                    self.take_lease()

        thread = threading.Thread(target=renew, name="cockpit-lease", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=5)


class Runner:
    """A daemon thread ticking a :class:`Scheduler` every :data:`POLL_SECONDS`."""

    def __init__(self, runtime: Runtime, *, poll: float = POLL_SECONDS) -> None:
        self.scheduler = Scheduler(runtime)
        self.poll = poll
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="cockpit-scheduler",
                                       daemon=True)

    def _loop(self) -> None:
        self.stop.wait(self.poll)  # let the server start serving first
        while not self.stop.is_set():
            try:
                self.scheduler.tick()
            except Exception:  # noqa: BLE001 - a database hiccup: try again next time
                log.exception("scheduler tick failed")
            self.stop.wait(self.poll)
        with contextlib.suppress(Exception):
            self.scheduler.release()

    def start(self) -> Runner:
        self.thread.start()
        return self

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)


def runner_wanted(runtime: Runtime) -> bool:
    """Whether this process should start a runner: ``on``; ``auto`` under gunicorn without
    Redis (with Redis, Celery beat runs the jobs); never ``off``."""
    mode = str(getattr(runtime.settings, "scheduler", "auto") or "auto").strip().lower()
    if mode not in ("auto", "on", "off"):
        raise ValidationError(f"COCKPIT_SCHEDULER is auto, on or off, not {mode!r}")
    if mode == "auto":
        under_gunicorn = os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/")
        return under_gunicorn and not runtime.settings.redis_url
    return mode == "on"


def start_runner(runtime: Runtime) -> Runner | None:
    """Start this process's runner when wanted (``create_app``)."""
    return Runner(runtime).start() if runner_wanted(runtime) else None


# --- Celery beat ------------------------------------------------------------------------------

TASK_NAME = "cockpit.scheduled_job"


def install_beat(celery_app: Any, runtime: Runtime) -> dict[str, Any]:
    """Register the scheduled jobs on ``celery_app``: a task that runs one job (slot-claimed,
    so a second beat changes nothing) and a beat entry per enabled job. Returns the beat
    schedule (``celery -A app:celery_app beat`` reads it)."""
    from celery.schedules import crontab

    @celery_app.task(name=TASK_NAME)
    def scheduled_job(name: str) -> dict[str, Any] | None:
        outcome = run_job(runtime, job_named(runtime, name), dt.datetime.now(),
                          f"celery:{holder_name()}")
        return None if outcome is None else {"slot": outcome.slot, "outcome": outcome.outcome}

    schedule = {}
    for job in jobs(runtime):
        if job.at is not None:
            when: Any = crontab(hour=job.at.hour, minute=job.at.minute)
        elif job.every > 0:
            when = float(job.every)
        else:
            continue
        schedule[f"cockpit-{job.name}"] = {"task": TASK_NAME, "schedule": when,
                                           "args": (job.name,)}
    celery_app.conf.beat_schedule = schedule
    return schedule


# --- what runs when (``cockpit schedule``) ----------------------------------------------------


@dataclass(frozen=True)
class ScheduleView:
    jobs: pd.DataFrame  # job, title, when, next_run, last_slot, last_started, last_finished,
    #                     last_outcome, last_detail
    lease_holder: str | None
    lease_expires: dt.datetime | None
    runner: str  # who runs the jobs here: the web workers, Celery beat or nobody


def get_schedule(runtime: Runtime, now: dt.datetime | None = None) -> ScheduleView:
    now = now or dt.datetime.now()
    with session_scope(runtime.engine) as session:
        last = data.load_last_runs(session).set_index("job")
        lease = data.get_lease(session, LEASE)
    rows = []
    for job in jobs(runtime):
        run = last.loc[job.name] if job.name in last.index else None
        rows.append({
            "job": job.name, "title": job.title, "when": job.when,
            "next_run": job.next_time(now) if job.enabled else None,
            "last_slot": None if run is None else run["slot"],
            "last_started": None if run is None else run["started_at"],
            "last_finished": None if run is None else run["finished_at"],
            "last_outcome": None if run is None else run["outcome"],
            "last_detail": None if run is None else run["detail"]})
    mode = str(getattr(runtime.settings, "scheduler", "auto") or "auto").lower()
    runner = ("off" if mode == "off" else "celery beat" if runtime.settings.redis_url
              and mode == "auto" else "web workers (database lease)")
    return ScheduleView(pd.DataFrame(rows), None if lease is None else lease[0],
                        None if lease is None else lease[1], runner)


__all__ = ["Job", "LEASE", "RunOutcome", "Runner", "ScheduleView", "Scheduler", "get_schedule",
           "holder_name", "install_beat", "job_named", "jobs", "parse_time", "run_job",
           "runner_wanted", "start_runner"]
