"""Speed of the churn model: purchase summary, BG/NBD and Gamma-Gamma fits, predictions.

Builds a synthetic distributor in memory (no database) and prints seconds per stage and the
peak resident memory. Run: ``python benchmarks/churn_bench.py [--customers 200000]``.
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
from dashboard.analytics.churn_model import (  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--as-of", default="2025-12-31")
    args = parser.parse_args()
    days, _ = timed("synthetic history", synthetic_history, args.customers, args.as_of, 3.0, 1)
    print(f"customer-day rows {len(days):,}, orders {int(days['orders'].sum()):,}")
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
