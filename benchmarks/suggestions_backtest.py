"""The suggestions backtest on the Superstore order lines (``/work/shared/datasets``-style
``superstore.csv``, see its README): suggestions as of a date against what the customers
bought in the next 90 days, beside the most-popular list and item-to-item cosine CF. Our
list's weights are chosen as the product chooses them: on suggestions made 90 days before the
date, judged up to the date (never on the judged window).

Customer type = Segment, region = Region, product = Product ID, category = Category, tags =
the sub-category; the line cost is Sales - Profit. Run:
``python benchmarks/suggestions_backtest.py PATH/superstore.csv [--as-of 2022-06-30 ...]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.analytics import suggestion_ranking as ranking  # noqa: E402
from dashboard.analytics import suggestions as sg  # noqa: E402
from dashboard.analytics.suggestion_backtest import backtest_suggestions  # noqa: E402


def read(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    raw = raw.assign(day=pd.to_datetime(raw["Order Date"], format="%d/%m/%y"),
                     sales=raw["Sales"].astype(float), profit=raw["Profit"].astype(float))
    customers_codes, customer = np.unique(raw["Customer ID"], return_inverse=True)
    product_codes, product = np.unique(raw["Product ID"], return_inverse=True)
    lines = pd.DataFrame({"customer_id": customer + 1, "product_id": product + 1,
                          "day": (raw["day"].to_numpy().astype("datetime64[D]")
                                  .astype(np.int64)),
                          "order": raw["Order ID"], "sales": raw["sales"],
                          "cost": raw["sales"] - raw["profit"]})
    first = raw.drop_duplicates("Product ID").set_index("Product ID")
    products = pd.DataFrame({"product_id": np.arange(1, len(product_codes) + 1),
                             "sku": product_codes,
                             "name": first.loc[product_codes, "Product Name"].to_numpy(),
                             "category": first.loc[product_codes, "Category"].to_numpy(),
                             "tags": ("sub:" + first.loc[product_codes, "Sub-Category"])
                             .to_numpy()})
    who = raw.drop_duplicates("Customer ID").set_index("Customer ID")
    customers = pd.DataFrame({"customer_id": np.arange(1, len(customers_codes) + 1),
                              "customer_type": who.loc[customers_codes, "Segment"].to_numpy(),
                              "region": who.loc[customers_codes, "Region"].to_numpy()})
    return lines, products, customers


def pairs(lines: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    window = lines.loc[(lines["day"] >= first) & (lines["day"] <= last)]
    grouped = window.groupby(["customer_id", "product_id"], as_index=False).agg(
        last_day=("day", "max"), orders=("order", "nunique"), revenue=("sales", "sum"),
        cost=("cost", "sum"))
    return grouped.assign(costed_revenue=grouped["revenue"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--as-of", nargs="+", default=["2021-12-31", "2022-03-31",
                                                       "2022-06-30", "2022-09-30"])
    parser.add_argument("--min-support", type=float, default=0.01)
    parser.add_argument("--min-lift", type=float, default=1.5)
    args = parser.parse_args()
    lines, products, customers = read(args.csv)
    rules = sg.SuggestionRules(args.min_support, args.min_lift)
    for text in args.as_of:
        as_of = pd.Timestamp(text)
        day = int(as_of.value // 86_400_000_000_000)
        early = day - ranking.TUNING_DAYS
        choice = ranking.choose_weights(pairs(lines, early - 364, early),
                                        pairs(lines, day - 364, day), products, customers,
                                        as_of - pd.Timedelta(days=ranking.TUNING_DAYS), rules)
        result = backtest_suggestions(pairs(lines, day - 364, day),
                                      pairs(lines, day + 1, day + 90), products, customers,
                                      as_of, 90, rules, choice=choice)
        rates = result.results.set_index("method")
        w = choice.weights
        print(f"as of {text}: {result.customers} customers, {result.buyers} bought something "
              f"new in 90 days; weights similar {w.similar:.2f}, peers {w.peers:.2f}, rules "
              f"{w.rules:.2f}, margin {w.margin:.1f} (chosen on {choice.customers} customers)")
        for method, row in rates.iterrows():
            print(f"  {method:<12} hit rate {row['hit_rate'] * 100:5.1f} %  precision@10 "
                  f"{row['precision_at_k'] * 100:5.2f} %")


if __name__ == "__main__":
    main()
