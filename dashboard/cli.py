"""The ``cockpit`` command.

Each command imports what it needs inside its body, so that ``cockpit import`` does not pay for
Dash and plotly. Settings come from ``COCKPIT_*`` variables (see the README); the one runtime
of the process is the context's (``dashboard.cli_context``), handed to every service called.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dashboard.cli_context import Context, pass_ctx
from dashboard.cli_export import backtest as _backtest_command
from dashboard.cli_export import export as _export_commands
from dashboard.cli_report import report as _report_commands
from dashboard.cli_schedule import schedule as _schedule_command
from dashboard.cli_users import user as _user_commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Customer cockpit for distributors and wholesalers."""


@main.command()
@pass_ctx
def init(ctx: Context) -> None:
    """Create the database schema, or upgrade it to this version."""
    from dashboard.migrate import current_revision, head_revision, upgrade

    before = current_revision(ctx.engine)
    upgrade(ctx.engine)
    after = head_revision()
    where = ctx.engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"Schema is up to date ({after}) in {where}")
    else:
        click.echo(f"Schema upgraded {before or 'empty'} -> {after} in {where}")


@main.command()
@click.option("--customers", default=2_000, show_default=True, type=click.IntRange(min=10),
              help="Number of customers.")
@click.option("--orders", default=60_000, show_default=True, type=click.IntRange(min=0),
              help="About how many orders (walk-in sales and returns included).")
@click.option("--seed", default=1, show_default=True, type=int,
              help="Random seed: the same seed and day always give the same data.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Last day of the three-year history, YYYY-MM-DD (default: today).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has data.")
@click.option("--replace", is_flag=True,
              help="Empty the sales data first (users, teams and reps are kept).")
@click.option("--language", type=click.Choice(["en", "zh"]), default=None,
              help="Language of the demo's words: regions, categories, products, schemes, "
                   "teams, notes (default COCKPIT_DEFAULT_LANGUAGE). Figures are the same.")
@pass_ctx
def demo(ctx: Context, customers: int, orders: int, seed: int, today, if_empty: bool,  # noqa: ANN001
         replace: bool, language: str | None) -> None:
    """Generate a realistic demo distributor into the database (after `cockpit init`)."""
    from dashboard.demo.console import run_demo

    ctx.ensure_schema()
    language = language or ctx.settings.default_language
    summary = run_demo(ctx.engine, customers=customers, orders=orders, seed=seed,
                       today=today.date() if today else None, if_empty=if_empty,
                       replace=replace, language=language)
    if summary is None:
        return
    # --- Demo sign-ins ------------------------------------------------------------------
    from dashboard.secret_key import ensure_secret_key_file
    from dashboard.services.users import create_demo_users

    if ensure_secret_key_file(ctx.settings):
        click.echo("Wrote a new secret key to the data folder (secret_key, mode 600).")
    runtime = ctx.runtime
    _recompute(runtime, None, echo=click.echo)
    created = create_demo_users(runtime, language)
    if created:
        click.echo("Demo sign-ins (passwords are shown only now; change them with "
                   "`cockpit user passwd NAME`):")
        for username, role, password in created:
            click.echo(f"  {role:<8} {username:<10} {password}")


@main.command()
@click.option("--host", default=None, help="Address to listen on (default COCKPIT_HOST).")
@click.option("--port", default=None, type=int, help="Port (default COCKPIT_PORT).")
@click.option("--workers", default=2, show_default=True, help="gunicorn worker processes.")
@pass_ctx
def run(ctx: Context, host: str | None, port: int | None, workers: int) -> None:
    """Serve the cockpit with gunicorn."""
    import os

    from dashboard.secret_key import ensure_secret_key_file

    ctx.ensure_schema()
    if ensure_secret_key_file(ctx.settings):
        click.echo("Wrote a new secret key to the data folder (secret_key, mode 600).")
    host = host or ctx.settings.host
    port = port or ctx.settings.port
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    click.echo(f"Customer cockpit: open http://{shown}:{port}/ in your browser (Ctrl+C stops).")
    # gunicorn of this interpreter's environment, found even when its bin folder is not on PATH
    args = [sys.executable, "-m", "gunicorn", "app:server", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--timeout", "120", "--access-logfile", "-", "--chdir", str(_project_root())]
    os.execv(args[0], args)


@main.command()
@click.option("--once", is_flag=True, help="Run one pass and exit (default: keep running).")
@click.option("--campaign", "campaign_id", type=int, default=None,
              help="Send only this campaign's messages.")
@click.option("--interval", default=5.0, show_default=True,
              help="Seconds to wait between passes when there is nothing to send.")
@pass_ctx
def send(ctx: Context, once: bool, campaign_id: int | None, interval: float) -> None:
    """Deliver queued campaign messages (SMS, e-mail, log), each exactly once."""
    from dashboard.messaging.worker import run_sender

    run_sender(ctx.ready_runtime(), once=once, campaign_id=campaign_id, interval=interval,
               echo=click.echo)


@main.command()
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Record memberships as of this day, YYYY-MM-DD (default: today).")
@click.option("--backfill-months", default=24, show_default=True, type=click.IntRange(0, 120),
              help="Month-end snapshots to write when missing (a first run also replays "
                   "them into the membership history).")
@pass_ctx
def recompute(ctx: Context, as_of, backfill_months: int) -> None:  # noqa: ANN001
    """Record statuses, tiers, scheme bands, rule segments, alerts and month-end snapshots."""
    _recompute(ctx.ready_runtime(), as_of.date() if as_of else None, backfill_months,
               echo=click.echo)


def _recompute(runtime, as_of, backfill_months: int = 24, *, echo) -> None:  # noqa: ANN001
    from dashboard.errors import CockpitError
    from dashboard.scope import Actor
    from dashboard.services.recompute import run_recompute

    echo("Recomputing memberships, rules, alerts and month-end snapshots ...")
    try:
        result = run_recompute(runtime, Actor.system("cli"), as_of,
                               backfill_months=backfill_months, echo=echo)
    except CockpitError as error:
        raise click.ClickException(error.message) from error
    opened = ", ".join(f"{k} {v:,}" for k, v in sorted(result.opened.items())) or "none"
    echo(f"As of {result.as_of.isoformat()}: {result.customers:,} customers; rows opened: "
         f"{opened}; closed {result.closed:,}; snapshot rows {result.snapshots:,}; alerts "
         f"{result.alerts:,}; {result.seconds['total']:.1f} s")


@main.command("import")
@click.argument("kind", type=click.Choice(["orders", "customers", "products", "targets"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--map", "mappings", multiple=True, metavar="FIELD=COLUMN",
              help="Take FIELD from the file's COLUMN (repeat for each field).")
@click.option("--skip-bad", is_flag=True, help="Write the good rows and report the bad ones "
              "(default: any bad row and nothing is written).")
@click.option("--encoding", default=None, help="Text encoding of a CSV file (default: "
              "detected; e.g. gb18030, utf-16, cp1252).")
@click.option("--sheet", default=None, help="Worksheet of an .xlsx file (default: the first).")
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@pass_ctx
def import_(ctx: Context, kind: str, path: Path, mappings: tuple[str, ...], skip_bad: bool,
            encoding: str | None, sheet: str | None, dry_run: bool) -> None:
    """Import orders, customers, products or targets from a CSV, XLSX or Parquet file."""
    from dashboard.cli_import import run_import_command

    sys.exit(run_import_command(ctx.ready_runtime(), kind, path, mappings=mappings,
                                skip_bad=skip_bad, encoding=encoding, sheet=sheet,
                                dry_run=dry_run))


main.add_command(_user_commands)
main.add_command(_export_commands)
main.add_command(_backtest_command)
main.add_command(_report_commands)
main.add_command(_schedule_command)


def _project_root() -> str:
    from dashboard.config import ROOT

    return str(ROOT)


def run_cli() -> None:
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    run_cli()
