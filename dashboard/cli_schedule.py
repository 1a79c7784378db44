"""``cockpit schedule``: what the built-in scheduler runs when, and when it last ran; with
``--run-due`` one pass as the scheduler would make it now, with ``--loop`` this command is the
runner (for a set-up without the web server's workers)."""

from __future__ import annotations

import datetime as dt
import time

import click

from dashboard.cli_context import Context, pass_ctx


def _when(value: object) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, (dict, list)) and pd.isna(value)):
        return "-"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _show(ctx: Context) -> None:
    from dashboard.services.scheduler import get_schedule

    view = get_schedule(ctx.ready_runtime())
    click.echo(f"Runs in: {view.runner}")
    holder = (f"{view.lease_holder} until {_when(view.lease_expires)} UTC"
              if view.lease_holder else "nobody")
    click.echo(f"Lease held by: {holder}")
    click.echo(f"{'job':<10} {'when':<18} {'next run':<20} {'last run (UTC)':<20} "
               f"{'outcome':<8} slot / detail")
    for row in view.jobs.to_dict("records"):  # a few jobs
        detail = row["last_detail"] or {}
        note = detail.get("error") if isinstance(detail, dict) else None
        click.echo(f"{row['job']:<10} {row['when']:<18} {_when(row['next_run']):<20} "
                   f"{_when(row['last_started']):<20} {_when(row['last_outcome']):<8} "
                   f"{_when(row['last_slot'])}" + (f"  {note}" if note else ""))


@click.command()
@click.option("--run-due", is_flag=True,
              help="Run the jobs that are due now (if no other process holds the lease).")
@click.option("--loop", is_flag=True,
              help="Keep running the jobs when due (Ctrl+C stops): the runner of a set-up "
                   "without `cockpit run`.")
@click.option("--poll", default=20.0, show_default=True, type=click.FloatRange(min=1),
              help="Seconds between passes with --loop.")
@pass_ctx
def schedule(ctx: Context, run_due: bool, loop: bool, poll: float) -> None:
    """Show what the scheduler runs when and when it last ran (or run it)."""
    from dashboard.errors import CockpitError
    from dashboard.services.scheduler import Scheduler

    try:
        if not (run_due or loop):
            _show(ctx)
            return
        scheduler = Scheduler(ctx.ready_runtime())
        while True:
            done = scheduler.tick()
            for run in done:
                click.echo(f"{run.job} ({run.slot}): {run.outcome} {run.detail}")
            if not loop:
                if not done:
                    click.echo("Nothing due (or another process holds the lease).")
                return
            time.sleep(poll)
    except CockpitError as error:
        raise click.ClickException(error.message) from error
    except KeyboardInterrupt:
        scheduler.release()
