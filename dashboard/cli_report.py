"""``cockpit report customer CODE``, ``cockpit report customers --status S`` and ``cockpit
report team``: printable PDF reports (``dashboard.services.reports``), run as the system user (every customer)."""

from __future__ import annotations

from pathlib import Path

import click

from dashboard.cli_export import PERIOD_CHOICES, _date, _runtime

LANGUAGES = ("en", "zh")


def _query(as_of: str | None, period: str):  # noqa: ANN202
    from dashboard.filters import Filters

    return Filters(as_of=_date(as_of), period=PERIOD_CHOICES[period])


def _write(report, out: Path) -> None:  # noqa: ANN001
    out.write_bytes(report.content)
    click.echo(f"Wrote {report.customers:,} customer(s) to {out} "
               f"({len(report.content) / 1024:,.0f} KiB, {report.seconds:.1f} s)")


@click.group("report")
def report() -> None:
    """Printable PDF reports of customers and of the team."""


_as_of = click.option("--as-of", "as_of", default=None,
                      help="Date of the figures, YYYY-MM-DD (default today).")
_period = click.option("--period", default="30", type=click.Choice(sorted(PERIOD_CHOICES)),
                       show_default=True, help="Period in days, or a calendar month/quarter/year.")
_language = click.option("--language", default="en", type=click.Choice(LANGUAGES),
                         show_default=True, help="Language of the report.")
_out = click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
                    help="File to write: a PDF, or a zip with --zip.")


@report.command("team")
@_as_of
@_period
@_language
@_out
def team(as_of: str | None, period: str, language: str, out: Path) -> None:
    """The team table (one row per account manager) as a PDF."""
    from dashboard.scope import Actor
    from dashboard.services import reports

    found = reports.team_report(_runtime(), Actor.system("cli"), _query(as_of, period),
                                language)
    out.write_bytes(found.content)
    click.echo(f"Wrote the team report ({found.customers:,} customers) to {out} "
               f"({len(found.content) / 1024:,.0f} KiB, {found.seconds:.1f} s)")


@report.command("customer")
@click.argument("code")
@_as_of
@_period
@_language
@_out
def customer(code: str, as_of: str | None, period: str, language: str, out: Path) -> None:
    """The report of one customer (by code)."""
    from dashboard.errors import CockpitError
    from dashboard.scope import Actor
    from dashboard.services import reports

    try:
        found = reports.customer_report(_runtime(), Actor.system("cli"), code,
                                        _query(as_of, period), language)
    except CockpitError as error:
        raise click.ClickException(f"{code}: {error.message}") from error
    _write(found, out)


@report.command("customers")
@click.option("--status", default=None, type=click.Choice(["active", "churning", "lost",
                                                           "never"]),
              help="Only customers with this status (default: every status).")
@click.option("--code", "codes", multiple=True, help="Only this customer (repeat for more).")
@click.option("--limit", default=None, type=click.IntRange(1, 500),
              help="At most this many customers, the highest risk score first (max 500).")
@click.option("--zip", "as_zip", is_flag=True,
              help="Write a zip of one PDF per customer instead of one PDF.")
@_as_of
@_period
@_language
@_out
def customers(status: str | None, codes: tuple[str, ...], limit: int | None, as_zip: bool,
              as_of: str | None, period: str, language: str, out: Path) -> None:
    """One PDF with a section per customer of a selection (or, with --zip, a zip of one PDF
    per customer)."""
    from dashboard.errors import CockpitError
    from dashboard.scope import Actor
    from dashboard.services import reports

    if status is None and not codes and limit is None:
        raise click.UsageError("choose customers with --status, --code or --limit")
    try:
        found = reports.customers_report(_runtime(), Actor.system("cli"),
                                         _query(as_of, period), status=status, codes=codes,
                                         limit=limit, language=language, as_zip=as_zip)
    except CockpitError as error:
        raise click.ClickException(error.message) from error
    _write(found, out)


__all__ = ["report"]
