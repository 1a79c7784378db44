"""``cockpit demo`` on the terminal: progress bars per stage and a summary at the end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from dashboard.demo.options import DemoOptions
from dashboard.demo.runner import NOT_EMPTY, DemoSummary, database_has_data, generate_demo
from dashboard.errors import CockpitError


@contextmanager
def tqdm_progress(stage: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    from tqdm import tqdm

    with tqdm(total=total, desc=f"{stage:<26}", unit="", unit_scale=(total or 0) >= 10_000,
              leave=True, mininterval=0.5, dynamic_ncols=True) as bar:
        yield bar.update


def summary_lines(summary: DemoSummary) -> list[str]:
    rows = sum(summary.counts.values())
    total = summary.seconds.get("total", 0.0)
    lines = [f"{name:<16} {count:>12,}" for name, count in summary.counts.items()]
    lines.append(f"{'rows written':<16} {rows:>12,} in {total:,.1f} s "
                 f"({rows / max(total, 1e-9):,.0f} rows/s)")
    lines += [f"  {stage:<28} {seconds:>8.1f} s" for stage, seconds in summary.seconds.items()
              if stage != "total"]
    if summary.emptied:
        lines.append("Emptied first: " + ", ".join(summary.emptied))
    return lines


def run_demo(engine: Engine, *, customers: int, orders: int, seed: int,
             today: dt.date | None, if_empty: bool, replace: bool, language: str = "en",
             echo: Callable[[str], None] = click.echo) -> DemoSummary | None:
    """Generate the demo with progress bars; ``None`` when ``if_empty`` found data. Problems
    become a one-line message (``click.ClickException``), never a traceback."""
    if if_empty and replace:
        raise click.UsageError("--if-empty and --replace exclude each other.")
    try:
        if not replace and database_has_data(engine):
            if if_empty:
                echo("The database already has data: the demo was not generated. Sign in "
                     "with the users printed on the first run (a forgotten password: "
                     "`cockpit user passwd owner`).")
                return None
            raise CockpitError(NOT_EMPTY)
        options = DemoOptions(customers=customers, orders=orders, seed=seed,
                              today=today or dt.date.today(), language=language)
        where = engine.url.render_as_string(hide_password=True)
        echo(f"Generating the demo distributor ({customers:,} customers, about {orders:,} "
             f"orders to {options.today.isoformat()}, seed {seed}) into {where}")
        summary = generate_demo(engine, options, replace=replace, progress=tqdm_progress)
    except (CockpitError, ValueError) as error:
        raise click.ClickException(str(getattr(error, "message", error))) from error
    except SQLAlchemyError as error:
        message = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise click.ClickException(f"The database refused the demo: {message}") from error
    for line in summary_lines(summary):
        echo(line)
    return summary
