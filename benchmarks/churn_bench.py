"""Speed of the churn model: purchase summary, BG/NBD and Gamma-Gamma fits, predictions.

Builds a synthetic distributor in memory (no database) and prints seconds per stage and the
peak resident memory. Run: ``python benchmarks/churn_bench.py [--customers 200000]``.

``--choice`` measures what choosing between the candidates adds to a cold recompute (goal:
at most 3 s at 1M orders / 50k customers): the customer table now fits BG/NBD and the
supervised model, backtests both and applies the chosen one as of the as-of date and as of
the previous period's end, where it fitted and applied BG/NBD once before.
Run: ``python benchmarks/churn_bench.py --choice --customers 50000``.

``--recompute`` measures a cold recompute's figures the way ``cockpit recompute`` computes
them on a new database: the customer table (churn columns included) as of each of the last 24
month-ends and as of the date, each applied to its previous period too, with nothing cached.
Three runs: without the choice (BG/NBD fitted and applied, as before the choice existed), with
the choice as the product makes it now (one choice per year end for the month-ends, cached
per data version like the service, and one for the date itself), and with a choice made for
every date (as before it was cached). Beside them a fixed reference workload (sorting 5M
numbers three times) measured in the same run, so that figures from a loaded machine can be
compared. Wall and CPU seconds each.
Run: ``python benchmarks/churn_bench.py --recompute --customers 50000 --years 3.6``
(about 1M orders).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.analytics.churn_bgnbd import fit_bgnbd  # noqa: E402
from dashboard.analytics.churn_choice import chosen_predictions  # noqa: E402
from dashboard.analytics.churn_model import (  # noqa: E402
    churn_predictions,
    fit_churn_model,
    predict,
    purchase_summary,
)
from dashboard.analytics.churn_spend import fit_gamma_gamma  # noqa: E402
from dashboard.analytics.churn_synthetic import synthetic_history  # noqa: E402


def timed(label: str, func, *args):  # noqa: ANN001, ANN201
    start = time.perf_counter()
    value = func(*args)
    print(f"{label:<38} {time.perf_counter() - start:7.2f} s")
    return value


CHOICE_GOAL_SECONDS = 3.0


def choice_cost(days, as_of: str) -> None:  # noqa: ANN001
    """Seconds the choice adds to a cold recompute, beside the goal: the table's churn
    columns before (BG/NBD fitted and applied as of the date) and now (both candidates
    fitted, backtested and chosen as of the date, then applied as of the date and as of the
    previous period's end)."""
    import pandas as pd

    prev_end = (pd.Timestamp(as_of) - pd.Timedelta(days=30)).date().isoformat()
    chosen_predictions(days.head(1000), as_of, 90)  # imports (scikit-learn) paid once per process
    _ref, ref_wall, ref_cpu = clocked(reference_workload)
    print(f"{'reference workload (fixed)':<38} {ref_wall:7.2f} s {ref_cpu:7.2f} s CPU")
    before, old, old_cpu = clocked(churn_predictions, days, as_of, 90)
    print(f"{'before: BG/NBD fitted and applied':<38} {old:7.2f} s {old_cpu:7.2f} s CPU")

    def both():  # noqa: ANN202
        now = chosen_predictions(days, as_of, 90)
        chosen_predictions(days, prev_end, 90, now.fit, apply=True)
        return now

    now, new, new_cpu = clocked(both)
    print(f"{'now: both fitted, chosen, applied x2':<38} {new:7.2f} s {new_cpu:7.2f} s CPU")
    print(f"choice: {now.fit.choice['chosen']} ({now.fit.choice['reason']}); "
          f"BG/NBD {before.fit.bgnbd}")
    print(f"added to a cold recompute: {new - old:.2f} s wall, {new_cpu - old_cpu:.2f} s CPU "
          f"(goal <= {CHOICE_GOAL_SECONDS:.0f} s)")


def clocked(func, *args):  # noqa: ANN001, ANN201
    """``(value, wall seconds, CPU seconds)`` of ``func(*args)``."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = func(*args)
    return value, time.perf_counter() - wall, time.process_time() - cpu


def reference_workload() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    for _ in range(3):
        np.sort(rng.random(5_000_000))


def recompute_cost(days, customers, as_of: str, months: int) -> None:  # noqa: ANN001
    """A cold recompute's figures with and without the choice (see the module's text)."""
    import numpy as np
    import pandas as pd

    from dashboard.analytics import churn_choice
    from dashboard.analytics.periods import period_bounds
    from dashboard.analytics.settings import FigureSettings
    from dashboard.analytics.table import customer_table
    from dashboard.services.recompute import month_ends

    rules, period = FigureSettings(), "30d"
    horizon = rules.horizon_days
    live = pd.Timestamp(as_of).date()
    dates = [*month_ends(live, months), live]
    made: list[str] = []
    backtest = churn_choice.backtest_choice

    def counted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        made.append(str(pd.Timestamp(args[1]).date()))
        return backtest(*args, **kwargs)

    churn_choice.backtest_choice = counted

    def without_choice() -> None:
        for day in dates:
            bounds = period_bounds(day, period)
            now = churn_predictions(days, bounds.end, horizon)
            prev = predict(purchase_summary(days, bounds.prev_end), now.fit)
            extra = {"revenue_if_stayed": np.nan, "money_at_risk": np.nan}
            customer_table(days, customers, day, period, rules,
                           (now.table.assign(**extra), prev.assign(**extra)))

    def with_choice(every_date: bool) -> None:
        cache: dict = {}  # the figure cache of one data version
        for day in dates:
            bounds = period_bounds(day, period)
            on = day if (every_date or day == live) else (
                churn_choice.choice_date(bounds.end).date())
            if on not in cache:
                cache[on] = churn_choice.make_choice(days, on, horizon)
            now = chosen_predictions(days, bounds.end, horizon, choice=cache[on])
            prev = chosen_predictions(days, bounds.prev_end, horizon, now.fit, apply=True)
            customer_table(days, customers, day, period, rules, (now.table, prev.table))

    chosen_predictions(days.head(1000), as_of, 90)  # imports (scikit-learn) paid once
    print(f"cold recompute figures: {len(dates)} dates ({months} month-ends and {as_of})")
    rows = []
    for label, run in (("reference workload (fixed)", reference_workload),
                       ("without the choice (BG/NBD only)", without_choice),
                       ("with the choice (per year end, cached)", lambda: with_choice(False)),
                       ("with a choice for every date", lambda: with_choice(True)),
                       ("reference workload (fixed), again", reference_workload)):
        made.clear()
        _value, wall, cpu = clocked(run)
        rows.append((label, wall, cpu))
        chose = f"  choices made {len(made)}" if made else ""
        print(f"  {label:<40} {wall:7.1f} s wall {cpu:7.1f} s CPU{chose}")
    churn_choice.backtest_choice = backtest
    base, now, each = rows[1], rows[2], rows[3]
    print(f"added by the choice (cached): {now[1] - base[1]:.1f} s wall, "
          f"{now[2] - base[2]:.1f} s CPU (goal <= {CHOICE_GOAL_SECONDS:.0f} s)")
    print(f"added by a choice for every date: {each[1] - base[1]:.1f} s wall, "
          f"{each[2] - base[2]:.1f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--as-of", default="2025-12-31")
    parser.add_argument("--years", type=float, default=3.0, help="years of history")
    parser.add_argument("--choice", action="store_true",
                        help="measure what choosing between the candidates adds")
    parser.add_argument("--recompute", action="store_true",
                        help="a cold recompute's figures with and without the choice")
    parser.add_argument("--months", type=int, default=24, help="month-ends (--recompute)")
    args = parser.parse_args()
    days, people = timed("synthetic history", synthetic_history, args.customers, args.as_of,
                         args.years, 1)
    print(f"customer-day rows {len(days):,}, orders {int(days['orders'].sum()):,}")
    if args.choice:
        choice_cost(days, args.as_of)
        return
    if args.recompute:
        recompute_cost(days, people, args.as_of, args.months)
        return
    summary = timed("purchase summary (sorted rollup)", purchase_summary, days, args.as_of)
    shuffled = days.sample(frac=1.0, random_state=1)
    timed("purchase summary (unsorted rollup)", purchase_summary, shuffled, args.as_of)
    print(f"customers {len(summary):,}, repeat {int((summary['frequency'] > 0).sum()):,}")
    timed("BG/NBD fit", fit_bgnbd, summary["frequency"], summary["recency_weeks"],
          summary["age_weeks"])
    repeat = summary.loc[(summary["frequency"] > 0) & (summary["monetary"] > 0)]
    timed("Gamma-Gamma fit", fit_gamma_gamma, repeat["frequency"], repeat["monetary"])
    fit = timed("both fits (fit_churn_model)", fit_churn_model, summary, args.as_of)
    timed("predictions and reasons", predict, summary, fit)
    print(f"BG/NBD {fit.bgnbd}")
    print(f"Gamma-Gamma {fit.gamma_gamma}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MB")


if __name__ == "__main__":
    main()
