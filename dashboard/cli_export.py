"""``cockpit export customers|model`` and ``cockpit backtest``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

import click

PERIOD_CHOICES = {"30": "30d", "90": "90d", "365": "365d", "30d": "30d", "90d": "90d",
                  "365d": "365d", "month": "month", "quarter": "quarter", "year": "year"}


def _runtime():  # noqa: ANN202
    from dashboard.migrate import is_up_to_date, upgrade
    from dashboard.runtime import build_runtime

    runtime = build_runtime()
    if not is_up_to_date(runtime.engine):
        upgrade(runtime.engine)
    return runtime


def _date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _rules(runtime, horizon: int | None, abc: str | None, a_min: float | None,  # noqa: ANN001
           b_min: float | None, c_min: float | None):  # noqa: ANN202
    from dashboard.services.figures import figure_settings

    rules = figure_settings(runtime)
    changes = {k: v for k, v in {"horizon_days": horizon, "abc_method": abc, "abc_a_min": a_min,
                                 "abc_b_min": b_min, "abc_c_min": c_min}.items()
               if v is not None}
    try:
        return dataclasses.replace(rules, **changes)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


@click.group("export")
def export() -> None:
    """Export figures: the customer table as CSV, the fitted churn model as JSON."""


@export.command("customers")
@click.option("--as-of", "as_of", default=None, help="Date of the figures (default today).")
@click.option("--period", default="30", type=click.Choice(sorted(PERIOD_CHOICES)),
              show_default=True, help="Period in days, or a calendar month/quarter/year.")
@click.option("--horizon", default=None, type=click.IntRange(1, 3650),
              help="Churn horizon in days (default COCKPIT_HORIZON_DAYS).")
@click.option("--abc", default=None, type=click.Choice(["dynamic", "fixed"]),
              help="ABC method (default COCKPIT_ABC_METHOD, dynamic).")
@click.option("--a-min", type=float, default=None, help="Fixed ABC: minimum revenue of A.")
@click.option("--b-min", type=float, default=None, help="Fixed ABC: minimum revenue of B.")
@click.option("--c-min", type=float, default=None, help="Fixed ABC: minimum revenue of C.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV file to write.")
def customers(as_of: str | None, period: str, horizon: int | None, abc: str | None,
              a_min: float | None, b_min: float | None, c_min: float | None, out: Path) -> None:
    """One row per customer with every figure (CSV, UTF-8)."""
    from dashboard.scope import Actor
    from dashboard.services import exports
    from dashboard.services.figures import Filters

    runtime = _runtime()
    rules = _rules(runtime, horizon, abc, a_min, b_min, c_min)
    filters = Filters(as_of=_date(as_of), period=PERIOD_CHOICES[period])
    rows = exports.write_customer_export(runtime, Actor.system(), filters, out, rules)
    click.echo(f"Wrote {rows:,} customers as of {filters.as_of} ({filters.period}) to {out}")


@export.command("model")
@click.option("--as-of", "as_of", default=None, help="Fit on the history up to this date.")
@click.option("--horizon", default=None, type=click.IntRange(1, 3650),
              help="Churn horizon in days (default COCKPIT_HORIZON_DAYS).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def model(as_of: str | None, horizon: int | None, out: Path) -> None:
    """The fitted BG/NBD and Gamma-Gamma parameters (time in weeks) as JSON."""
    from dashboard.services import exports

    runtime = _runtime()
    rules = _rules(runtime, horizon, None, None, None, None)
    fit = exports.model_export(runtime, _date(as_of), rules.horizon_days)
    out.write_text(json.dumps(fit.to_dict(), indent=2, sort_keys=True) + "\n")
    if fit.bgnbd is None:
        click.echo("Too little history to fit the model: " + "; ".join(fit.notes), err=True)
        sys.exit(1)
    b = fit.bgnbd
    click.echo(f"Fitted {fit.customers:,} customers as of {fit.as_of}: r={b.r:.4f} "
               f"alpha={b.alpha:.4f} a={b.a:.4f} b={b.b:.4f} (log-likelihood "
               f"{b.log_likelihood:.1f}); wrote {out}")


@click.command("backtest")
@click.option("--as-of", "as_of", required=True, help="Score customers as of this date.")
@click.option("--horizon", default=None, type=click.IntRange(1, 3650),
              help="Days after the as-of date to judge on (default COCKPIT_HORIZON_DAYS).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def backtest(as_of: str, horizon: int | None, as_json: bool) -> None:
    """How well the churn figures of an earlier date predicted who stopped buying."""
    from dashboard.services import exports

    runtime = _runtime()
    rules = _rules(runtime, horizon, None, None, None, None)
    result = exports.backtest_report(runtime, _date(as_of), rules.horizon_days, rules)
    if as_json:
        click.echo(result.to_json())
        return
    for line in backtest_lines(result):
        click.echo(line)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} %"


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def backtest_lines(result) -> list[str]:  # noqa: ANN001
    c, lost = result.churning, result.lost
    return [
        f"Scored as of {result.as_of}, judged on {result.horizon_days} days to "
        f"{result.outcome_end} (data through {result.data_through or 'n/a'})",
        f"Customers scored {result.customers_scored:,}; stopped buying {result.stopped:,}",
        f"AUC churn probability {_num(result.auc_model)}; AUC plain recency "
        f"{_num(result.auc_recency)}",
        f"Churning: flagged {c.flagged:,}, of whom stopped {c.flagged_stopped:,} "
        f"(precision {_num(c.precision)}, recall {_num(c.recall)})",
        f"Lost: flagged {lost.flagged:,}, of whom stopped {lost.flagged_stopped:,} "
        f"(precision {_num(lost.precision)}, recall {_num(lost.recall)})",
        f"Of the customers flagged churning, {_pct(result.churning_stopped_pct)} have not "
        f"ordered since; plain recency would have caught {_pct(result.recency_stopped_pct)}; "
        f"the churn probability {_pct(result.model_stopped_pct)}",
    ]
