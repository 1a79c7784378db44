"""Speed of the suggestions: association rules, the ranking's signs, the choice of its weights
on the earlier window and the ranked suggestions for a whole customer base.

Builds a synthetic distributor in memory (no database): customers of three types in eight
regions, each buying from a few preferred categories of a 5,000-product catalogue, about 20
order lines a year each, reduced to one row per (customer, product) as
``dashboard.data.baskets.load_product_pairs`` returns them. Prints the wall-clock and CPU
seconds of each stage and of the whole beside the goal (≤ 10 s, ≤ 1 GB: a shared machine
inflates the wall clock, not the CPU time) and the peak resident memory. ``--backtest`` also
judges the lists on the synthetic history (as of the date, the next 90 days; weights chosen
on the 90 days before), beside the most-popular list and item-to-item filtering. Run:
``python benchmarks/suggestions_bench.py [--customers 50000] [--lines 1000000] [--backtest]``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.analytics import suggestion_backtest as bt  # noqa: E402
from dashboard.analytics import suggestion_ranking as ranking  # noqa: E402
from dashboard.analytics import suggestions as sg  # noqa: E402
from dashboard.analytics.kinds import CUSTOMER_TYPES  # noqa: E402

AS_OF = pd.Timestamp("2026-06-30")
PRODUCTS = 5_000
CATEGORIES = 40
GOAL_SECONDS = 10.0
GOAL_MB = 1024.0


def synthetic(customers: int, lines: int, seed: int = 1, days: int = 365,
              last: pd.Timestamp = AS_OF) -> tuple[pd.DataFrame, ...]:
    """(order lines, products, customers): ``lines`` lines (customer_id, product_id, day,
    amount, cost_share) over the ``days`` days to ``last``."""
    rng = np.random.default_rng(seed)
    category = rng.integers(0, CATEGORIES, PRODUCTS)
    products = pd.DataFrame({
        "product_id": np.arange(1, PRODUCTS + 1), "sku": [f"P{i:05d}" for i in
                                                          range(1, PRODUCTS + 1)],
        "name": [f"Product {i}" for i in range(1, PRODUCTS + 1)],
        "category": [f"Category {c}" for c in category],
        "tags": [f"brand:b{b},use:u{c % 7}" for b, c in
                 zip(rng.integers(0, 30, PRODUCTS), category, strict=True)]})
    people = pd.DataFrame({"customer_id": np.arange(1, customers + 1),
                           "customer_type": rng.choice(list(CUSTOMER_TYPES),
                                                       customers),
                           "region": rng.choice([f"R{i}" for i in range(8)], customers)})
    owner = rng.integers(1, customers + 1, lines)
    prefs = rng.integers(0, CATEGORIES, (customers + 1, 3))
    chosen_cat = prefs[owner, rng.integers(0, 3, lines)]
    by_cat = [np.flatnonzero(category == c) for c in range(CATEGORIES)]
    sizes = np.array([len(p) for p in by_cat])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    flat = np.concatenate(by_cat)
    within = (rng.random(lines) ** 3 * sizes[chosen_cat]).astype(np.int64)  # a few best sellers
    pick = flat[starts[chosen_cat] + within]
    day = int(last.value // 86_400_000_000_000) - rng.integers(0, days, lines)
    lines_frame = pd.DataFrame({"customer_id": owner, "product_id": pick + 1, "day": day,
                                "amount": rng.gamma(2.0, 50.0, lines),
                                "cost_share": rng.uniform(0.55, 0.85, PRODUCTS)[pick]})
    return lines_frame, products, people


def to_pairs(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per (customer, product), as the database returns them."""
    pairs = (lines.assign(cost=lines["amount"] * lines["cost_share"])
             .groupby(["customer_id", "product_id"], sort=False)
             .agg(last_day=("day", "max"), orders=("day", "size"), revenue=("amount", "sum"),
                  cost=("cost", "sum"))
             .reset_index())
    return pairs.assign(costed_revenue=pairs["revenue"])


def timed(label: str, func, *args):  # noqa: ANN001, ANN201
    start, cpu = time.perf_counter(), time.process_time()
    value = func(*args)
    print(f"{label:<40} {time.perf_counter() - start:7.2f} s wall  "
          f"{time.process_time() - cpu:6.2f} s CPU")
    return value


def speed(customers: int, lines: int) -> None:
    """The product's work for a whole base: earlier-window weight choice and the ranking."""
    # two years of lines at the asked yearly rate: the year to AS_OF and the one before,
    # so that the weights are chosen on the 90 days before AS_OF as the product does
    whole, products, people = timed("synthetic order lines", synthetic, customers,
                                    2 * lines, 1, 730)
    day = int(AS_OF.value // 86_400_000_000_000)
    early = AS_OF - pd.Timedelta(days=ranking.TUNING_DAYS)
    year = to_pairs(whole.loc[whole["day"] > day - 365])
    before = to_pairs(whole.loc[(whole["day"] <= day - ranking.TUNING_DAYS)
                                & (whole["day"] > day - ranking.TUNING_DAYS - 365)])
    print(f"{len(year):,} customer-product pairs from {(whole['day'] > day - 365).sum():,} "
          f"order lines in the year")
    rules = sg.SuggestionRules()
    start, cpu = time.perf_counter(), time.process_time()
    choice = timed("weights (earlier window, 45 grid points)", ranking.choose_weights, before,
                   year, products, people, early, rules)
    b = timed("baskets (sparse matrices)", sg.baskets, year, products,
              people["customer_id"].to_numpy(), AS_OF)
    mined = timed("association rules", sg.association_rules, b, rules)
    signs = timed("signs (similarity, peers, rules)", ranking.signs, b, people, mined)
    ranked = timed("ranked suggestions", ranking.rank, b, signs, choice.weights, rules.limit)
    timed("discovery of categories", sg.discovery_categories, b, people)
    total, used = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    w = choice.weights
    print(f"{len(mined):,} rules; {len(ranked):,} suggestions for "
          f"{ranked['customer_id'].nunique():,} customers; weights similar {w.similar:.2f}, "
          f"peers {w.peers:.2f}, rules {w.rules:.2f}, margin {w.margin:.1f}")
    print(f"{'':<40} {'measured':>12} {'goal':>10}")
    print(f"{'wall clock':<40} {total:10.2f} s {GOAL_SECONDS:8.1f} s  "
          f"{'met' if total <= GOAL_SECONDS else 'NOT met'}")
    print(f"{'CPU time':<40} {used:10.2f} s {GOAL_SECONDS:8.1f} s  "
          f"{'met' if used <= GOAL_SECONDS else 'NOT met'}")
    print(f"{'peak memory':<40} {peak:9,.0f} MB {GOAL_MB:7,.0f} MB  "
          f"{'met' if peak <= GOAL_MB else 'NOT met'}")
    print("(on a shared machine the wall clock waits for the cores; the CPU time does not)")


def backtest(customers: int, lines: int) -> None:
    """Hit rate and precision at 10 on the synthetic history: suggested as of AS_OF, judged
    on the next 90 days; the weights chosen on the 90 days before AS_OF."""
    end = AS_OF + pd.Timedelta(days=90)
    whole, products, people = synthetic(customers, int(lines * 545 / 365), 2, 545, end)
    day = int(AS_OF.value // 86_400_000_000_000)
    early = day - ranking.TUNING_DAYS
    rules = sg.SuggestionRules()

    def window(first: int, last: int) -> pd.DataFrame:
        return to_pairs(whole.loc[(whole["day"] > first) & (whole["day"] <= last)])

    choice = ranking.choose_weights(window(early - 365, early), window(day - 365, day),
                                    products, people, AS_OF - pd.Timedelta(days=90), rules)
    result = bt.backtest_suggestions(window(day - 365, day), window(day, day + 90), products,
                                     people, AS_OF, 90, rules, choice=choice)
    w = choice.weights
    print(f"backtest as of {AS_OF.date()}, next 90 days: {result.customers:,} customers, "
          f"{result.buyers:,} bought something new; weights similar {w.similar:.2f}, "
          f"peers {w.peers:.2f}, rules {w.rules:.2f}, margin {w.margin:.1f} (chosen as of "
          f"{choice.as_of.date()}, judged up to {AS_OF.date()})")
    for row in result.results.to_dict("records"):
        print(f"  {row['method']:<12} hit rate {row['hit_rate'] * 100:5.1f} %  precision@10 "
              f"{row['precision_at_k'] * 100:5.2f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--lines", type=int, default=1_000_000, help="order lines a year")
    parser.add_argument("--backtest", action="store_true",
                        help="also judge the lists on the synthetic history")
    args = parser.parse_args()
    speed(args.customers, args.lines)
    if args.backtest:
        backtest(args.customers, args.lines)


if __name__ == "__main__":
    main()
