"""``cockpit export customers|team|model|suggestions`` and ``cockpit backtest``."""

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
    """The command's runtime (``dashboard.cli_context``), the schema created or upgraded."""
    from dashboard.cli_context import Context

    return click.get_current_context().ensure_object(Context).ready_runtime()


def _date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _rules(runtime, horizon: int | None, abc: str | None, a_min: float | None,  # noqa: ANN001
           b_min: float | None, c_min: float | None):  # noqa: ANN202
    from dashboard.services.customer_table import figure_settings

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
    """Export figures: the customer and team tables as CSV, the fitted churn model as JSON."""


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
    from dashboard.filters import Filters
    from dashboard.scope import Actor
    from dashboard.services import exports

    runtime = _runtime()
    rules = _rules(runtime, horizon, abc, a_min, b_min, c_min)
    filters = Filters(as_of=_date(as_of), period=PERIOD_CHOICES[period])
    rows = exports.write_customer_export(runtime, Actor.system(), filters, out, rules)
    click.echo(f"Wrote {rows:,} customers as of {filters.as_of} ({filters.period}) to {out}")


@export.command("team")
@click.option("--as-of", "as_of", default=None, help="Date of the figures (default today).")
@click.option("--period", default="30", type=click.Choice(sorted(PERIOD_CHOICES)),
              show_default=True, help="Period in days, or a calendar month/quarter/year.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV file to write.")
def team(as_of: str | None, period: str, out: Path) -> None:
    """One row per account manager: customers by status and tier, revenue against the
    previous period, target attainment, money at risk, alerts, follow-ups, calls, visits
    and redemptions (CSV, UTF-8)."""
    from dashboard.filters import Filters
    from dashboard.scope import Actor
    from dashboard.services import exports

    runtime = _runtime()
    filters = Filters(as_of=_date(as_of), period=PERIOD_CHOICES[period])
    rows = exports.write_team_export(runtime, Actor.system(), filters, out)
    click.echo(f"Wrote {rows:,} account managers as of {filters.as_of} ({filters.period}) "
               f"to {out}")


@export.command("ledger")
@click.option("--as-of", "as_of", default=None, help="Last day of the period (default today).")
@click.option("--period", default="30", type=click.Choice(sorted(PERIOD_CHOICES)),
              show_default=True, help="The period whose moves are listed.")
@click.option("--kind", default="all", type=click.Choice(["all", "tier", "scheme", "rule"]),
              show_default=True, help="Only tier, scheme band or rule segment moves.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV file to write.")
def ledger(as_of: str | None, period: str, kind: str, out: Path) -> None:
    """The migration ledger: every tier, band and segment move of the period (CSV, UTF-8;
    the reasons as stored texts, a key with its values)."""
    from dashboard.reports.csv import write_csv
    from dashboard.scope import Actor
    from dashboard.services.ledger import LEDGER_COLUMNS, ledger_export

    view = ledger_export(_runtime(), Actor.system(), as_of=_date(as_of),
                         period=PERIOD_CHOICES[period], kind=kind)
    columns = [c for c in LEDGER_COLUMNS if c != "customer_id"]
    frame = view.rows[[*columns[:4], "source_kind", "source", "source_name", *columns[5:]]]
    write_csv(frame, out)
    click.echo(f"Wrote {view.total:,} moves from {view.start} to {view.end} to {out}")


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


@export.command("suggestions")
@click.option("--as-of", "as_of", default=None, help="Suggest as of this date (default today).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100),
              help="Most suggestions per customer.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV file to write.")
def suggestions(as_of: str | None, limit: int, out: Path) -> None:
    """Discovery and cross-sell suggestions: one row per customer and suggestion (CSV)."""
    from dashboard.services import suggestions as service

    runtime = _runtime()
    day = _date(as_of)
    rows = service.write_suggestion_export(runtime, day, limit, out)
    click.echo(f"Wrote {rows:,} suggestions as of {day} (at most {limit} per customer) to {out}")


@click.command("backtest")
@click.option("--as-of", "as_of", required=True, help="Score customers as of this date.")
@click.option("--horizon", default=None, type=click.IntRange(1, 3650),
              help="Days after the as-of date to judge on (default COCKPIT_HORIZON_DAYS).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--suggestions", "of_suggestions", is_flag=True,
              help="Judge the product suggestions instead (hit rate and precision at 10 over "
                   "the next 90 days, beside most-popular and item-to-item lists).")
def backtest(as_of: str, horizon: int | None, as_json: bool, of_suggestions: bool) -> None:
    """How well the churn figures (or the suggestions) of an earlier date predicted what
    customers did next."""
    from dashboard.services import exports

    runtime = _runtime()
    if of_suggestions:
        _suggestion_backtest(runtime, _date(as_of), horizon or 90, as_json)
        return
    rules = _rules(runtime, horizon, None, None, None, None)
    result = exports.backtest_report(runtime, _date(as_of), rules.horizon_days, rules)
    if as_json:
        click.echo(result.to_json())
        return
    for line in backtest_lines(result):
        click.echo(line)


def _suggestion_backtest(runtime, as_of: dt.date, horizon: int,  # noqa: ANN001
                         as_json: bool) -> None:
    from dashboard.services.suggestions import get_suggestion_backtest

    result = get_suggestion_backtest(runtime, as_of, horizon)
    rows = result.results.to_dict("records")
    choice = result.choice
    weights = None if choice is None else {
        "similar": choice.weights.similar, "peers": choice.weights.peers,
        "rules": choice.weights.rules, "margin": choice.weights.margin,
        "chosen_as_of": None if not choice.customers else str(choice.as_of.date()),
        "judged_until": None if not choice.customers else str(choice.judged_until.date()),
        "customers": choice.customers}
    if as_json:
        click.echo(json.dumps({"as_of": str(result.as_of.date()), "horizon_days": horizon,
                               "k": result.k, "customers": result.customers,
                               "buyers": result.buyers, "methods": rows, "weights": weights},
                              indent=2))
        return
    click.echo(f"Suggested as of {result.as_of.date()}, judged on the next {horizon} days: "
               f"{result.customers:,} customers with a purchase in the year before, "
               f"{result.buyers:,} of whom bought a product new to them")
    for row in rows:
        click.echo(f"  {row['method']:<12} hit rate {row['hit_rate'] * 100:5.1f} %  "
                   f"precision@{result.k} {row['precision_at_k'] * 100:5.2f} %  "
                   f"({row['customers_hit']:,} customers, {row['hits']:,} products)")
    lift = result.lift_over_popular()
    if lift is not None:
        click.echo(f"Hit rate {lift:.2f}x the most-popular list's")
    if weights is not None:
        where = (f"chosen on suggestions as of {weights['chosen_as_of']} judged up to "
                 f"{weights['judged_until']} ({weights['customers']:,} customers)"
                 if weights["customers"] else "defaults: too little history to choose")
        click.echo(f"Weights of our list: similar purchases {weights['similar']:.2f}, similar "
                   f"customers {weights['peers']:.2f}, rules {weights['rules']:.2f}, margin "
                   f"{weights['margin']:.1f} ({where})")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} %"


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


MODEL_NAMES = {"bgnbd": "BG/NBD", "supervised": "supervised (earlier windows)", None: "none"}
CHOICE_WORDS = {
    "supervised_better": "the supervised model ranks better beyond noise (paired bootstrap "
                         "interval of the AUC gain above 0)",
    "within_noise": "the AUC difference is within noise: the simpler BG/NBD is kept",
    "bgnbd_better": "BG/NBD ranks better",
    "bgnbd_degenerate": "the BG/NBD fit lands on its boundary (nobody would ever drop out): "
                        "not used",
    "bgnbd_unavailable": "BG/NBD could not be fitted",
    "supervised_unavailable": "the supervised model could not be trained",
    "no_backtest": "the history is too short to backtest the candidates: BG/NBD is used",
    "nothing_fits": "no model can be fitted on this history: the risk-score rule sets the "
                    "statuses",
}


def choice_lines(choice: dict) -> list[str]:  # noqa: ANN001
    """The candidates, the choice and why (``churn_choice.ModelChoice`` as a dict)."""
    if not choice:
        return []
    lines = [f"Model chosen: {MODEL_NAMES.get(choice.get('chosen'), choice.get('chosen'))} "
             f"- {CHOICE_WORDS.get(choice.get('reason'), choice.get('reason'))}"]
    if choice.get("scored_as_of"):
        lines.append(f"  choice backtest: scored as of {choice['scored_as_of']}, judged on "
                     f"{choice['outcome_days']} days; AUC plain recency "
                     f"{_num(choice.get('auc_recency'))}")
    for name in ("bgnbd", "supervised"):
        cand = choice.get(name)
        if cand:
            note = f" ({cand['note']})" if cand.get("note") else ""
            lines.append(f"  {MODEL_NAMES[name]}: AUC {_num(cand.get('auc'))}{note}")
    if choice.get("gain") is not None:
        lines.append(f"  AUC gain of the supervised model {choice['gain']:+.4f}, 90 % interval "
                     f"{choice['gain_low']:+.4f} to {choice['gain_high']:+.4f}")
    return lines


def backtest_lines(result) -> list[str]:  # noqa: ANN001
    c, lost = result.churning, result.lost
    lines = [
        f"Scored as of {result.as_of}, judged on {result.horizon_days} days to "
        f"{result.outcome_end} (data through {result.data_through or 'n/a'})",
    ]
    if result.outcome_short:
        lines.append("WARNING: the data end before the outcome window does: the outcome "
                     "window is shorter than the horizon, so 'stopped' is overstated")
    lines += [
        f"Customers scored {result.customers_scored:,}; stopped buying {result.stopped:,}",
        f"AUC churn probability ({MODEL_NAMES.get(result.model, result.model)}) "
        f"{_num(result.auc_model)}; BG/NBD {_num(result.auc_bgnbd)}; supervised "
        f"{_num(result.auc_supervised)}; plain recency {_num(result.auc_recency)}",
        f"Calibration: predicted share stopping {_pct(_share(result.predicted_share))}, "
        f"observed {_pct(_share(result.observed_share))}",
        *[f"  predicted {low:.0%}+: {n:,} customers, mean predicted {p:.1%}, stopped {o:.1%}"
          for low, n, p, o in result.calibration],
        f"Churning: flagged {c.flagged:,}, of whom stopped {c.flagged_stopped:,} "
        f"(precision {_num(c.precision)}, recall {_num(c.recall)})",
        f"Lost: flagged {lost.flagged:,}, of whom stopped {lost.flagged_stopped:,} "
        f"(precision {_num(lost.precision)}, recall {_num(lost.recall)})",
        f"Churning + Lost: {_pct(result.flagged_stopped_pct)} stopped; the same number with "
        f"the longest time since their last order: {_pct(result.recency_flagged_pct)}",
        f"Of the customers flagged churning, {_pct(result.churning_stopped_pct)} have not "
        f"ordered since; plain recency would have caught {_pct(result.recency_stopped_pct)}; "
        f"the churn probability {_pct(result.model_stopped_pct)}",
    ]
    return lines + choice_lines(result.choice)


def _share(value: float | None) -> float | None:
    return None if value is None else 100.0 * value
