"""Does a logistic regression rank who stops buying better than BG/NBD?

Prints, per data set and as-of date, the backtest AUC (for "no purchase in the next 90 days")
of the shipped churn probability (BG/NBD), of plain recency, of the customer's own cycle
(days since the last order / mean gap), and of the logistic-regression challenger of
``dashboard/analytics/churn_logit.py`` (trained on the window ending at the as-of date).

Rule fixed before the run (docs/decisions.md): the challenger ships only if it beats BG/NBD by
at least 0.01 AUC on CDNOW and on the synthetic distributor at the development dates, and the
held-out dates confirm the same margin.

Run: ``python benchmarks/churn_backtest.py [--customers N]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.analytics.backtest import auc  # noqa: E402
from dashboard.analytics.churn_logit import logit_churn, stopped_after  # noqa: E402
from dashboard.analytics.churn_model import churn_predictions  # noqa: E402
from dashboard.analytics.churn_synthetic import synthetic_history  # noqa: E402
from tests.data.cdnow.load import cdnow_days  # noqa: E402

HORIZON = 90
MARGIN = 0.01


def compare(name: str, days, as_of: str, role: str) -> dict:
    start = time.perf_counter()
    known = days.loc[days["day"] <= as_of]
    table = churn_predictions(known, as_of, HORIZON).table
    stopped = stopped_after(days, table["customer_id"].to_numpy(), as_of, HORIZON)
    since = table["days_since_last_order"]
    cycle = (since / table["usual_gap_days"]).fillna(since / table["usual_gap_days"].median())
    challenger = logit_churn(days, as_of, HORIZON).set_index("customer_id")
    logit_scores = challenger["churn_probability"].reindex(table["customer_id"]).to_numpy()
    row = {"data": name, "role": role, "as_of": as_of, "scored": len(table),
           "stopped": int(stopped.sum()),
           "auc_bgnbd": auc(table["churn_probability"].to_numpy(), stopped),
           "auc_recency": auc(since.to_numpy(), stopped), "auc_cycle": auc(cycle, stopped),
           "auc_logit": auc(logit_scores, stopped), "seconds": time.perf_counter() - start}
    row["logit_gain"] = row["auc_logit"] - row["auc_bgnbd"]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20000)
    args = parser.parse_args()
    cd_days = cdnow_days()
    runs = [("CDNOW", cd_days, "1997-09-30", "development"),
            ("CDNOW", cd_days, "1998-03-31", "held-out")]
    for seed in (11, 12):
        days, _ = synthetic_history(args.customers, end="2025-12-31", seed=seed)
        name = f"synthetic seed {seed}"
        runs += [(name, days, "2025-03-31", "development" if seed == 11 else "held-out"),
                 (name, days, "2025-09-30", "held-out")]
    rows = [compare(*run) for run in runs]
    print(f"{'data':<20} {'role':<12} {'as of':<11} {'scored':>7} {'stopped':>7} "
          f"{'BG/NBD':>7} {'recency':>7} {'cycle':>7} {'logit':>7} {'gain':>7} {'s':>5}")
    for r in rows:
        print(f"{r['data']:<20} {r['role']:<12} {r['as_of']:<11} {r['scored']:>7} "
              f"{r['stopped']:>7} {r['auc_bgnbd']:>7.4f} {r['auc_recency']:>7.4f} "
              f"{r['auc_cycle']:>7.4f} {r['auc_logit']:>7.4f} {r['logit_gain']:>+7.4f} "
              f"{r['seconds']:>5.1f}")
    wins = [r["logit_gain"] >= MARGIN for r in rows]
    verdict = "ships" if all(wins) else "does not ship: BG/NBD stays"
    print(f"challenger beats BG/NBD by >= {MARGIN} AUC in {sum(wins)} of {len(wins)} "
          f"backtests: it {verdict}")
    print("mean gain", float(np.mean([r["logit_gain"] for r in rows])))


if __name__ == "__main__":
    main()
