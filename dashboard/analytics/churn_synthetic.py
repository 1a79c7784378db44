"""A synthetic distributor's purchase history, for backtests and speed measurements of the churn model.

``synthetic_history`` builds the ``days`` rollup and the ``customers`` frame of the analytics
input contract (see ``dashboard/analytics/__init__.py``) for a customer base that behaves like a
distributor's: Retail, Trade and Distributor customers with their own buying cycle (regular or
irregular), seasonal buyers, customers who stop at some point, customers whose gaps are
lengthening now, one-purchase and new customers, customers who never bought, same-day repeat
orders, returns and return-only days. Deterministic for a seed; vectorised (no per-customer
Python).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dashboard.analytics.kinds import DISTRIBUTOR, RETAIL, TRADE

ARCHETYPES = ("steady", "irregular", "seasonal", "stopper", "slipping", "once", "new", "never")
ARCHETYPE_SHARES = (0.34, 0.18, 0.08, 0.18, 0.07, 0.07, 0.03, 0.05)
TYPES = (RETAIL, TRADE, DISTRIBUTOR)  # in the order of TYPE_SHARES
TYPE_SHARES = (0.8, 0.17, 0.03)
TYPE_CYCLE_DAYS = np.array([35.0, 16.0, 8.0])
TYPE_SPEND = np.array([300.0, 2500.0, 20000.0])
MAX_PURCHASES = 400


def _customers(rng: np.random.Generator, n: int, start: pd.Timestamp,
               end: pd.Timestamp) -> pd.DataFrame:
    span = (end - start).days
    kind = rng.choice(len(ARCHETYPES), size=n, p=ARCHETYPE_SHARES)
    ctype = rng.choice(len(TYPES), size=n, p=TYPE_SHARES)
    first = rng.integers(0, max(span - 30, 1), size=n)
    first = np.where(kind == ARCHETYPES.index("new"), span - rng.integers(1, 90, size=n), first)
    cycle = np.clip(TYPE_CYCLE_DAYS[ctype] * rng.lognormal(0.0, 0.6, size=n), 2.0, 240.0)
    shape = np.select([kind == 0, kind == 1], [rng.uniform(4, 12, size=n), 1.0],
                      rng.uniform(1.5, 4, size=n))
    life = first + rng.exponential(2200.0, size=n)
    stop_at = first + rng.uniform(0.05, 1.0, size=n) * (span - first)
    stop = np.where(kind == ARCHETYPES.index("stopper"), stop_at, life)
    return pd.DataFrame({
        "customer_id": np.arange(1, n + 1, dtype=np.int64), "kind": kind, "ctype": ctype,
        "first": first, "cycle": cycle, "shape": shape, "stop": np.minimum(stop, span),
        "slip_from": span - rng.uniform(60, 240, size=n),
        "season": rng.integers(1, 13, size=n), "spend": TYPE_SPEND[ctype]
        * rng.lognormal(0.0, 0.8, size=n)})


def _purchases(rng: np.random.Generator, cust: pd.DataFrame, start: pd.Timestamp) -> pd.DataFrame:
    buyers = cust.loc[cust["kind"] != ARCHETYPES.index("never")]
    span_days = buyers["stop"] - buyers["first"]
    count = np.clip(np.ceil(span_days / buyers["cycle"] * 2.5).astype(np.int64) + 2, 1,
                    MAX_PURCHASES)
    count = np.where(buyers["kind"] == ARCHETYPES.index("once"), 1, count)
    rows = buyers.loc[buyers.index.repeat(count)].reset_index(drop=True)
    gaps = rng.gamma(rows["shape"].to_numpy(), 1.0 / rows["shape"].to_numpy()) * rows["cycle"]
    nth = rows.groupby("customer_id").cumcount().to_numpy()
    gaps = np.where(nth == 0, 0.0, gaps)
    offset = pd.Series(gaps).groupby(rows["customer_id"].to_numpy()).cumsum().to_numpy()
    t = rows["first"].to_numpy() + offset
    slipping = rows["kind"].to_numpy() == ARCHETYPES.index("slipping")
    late = slipping & (t > rows["slip_from"].to_numpy())
    t = np.where(late, rows["slip_from"] + (t - rows["slip_from"]) * 2.5, t)
    day = start + pd.to_timedelta(np.floor(t), unit="D").astype("timedelta64[ns]")
    in_season = ((day.month.to_numpy() - rows["season"].to_numpy()) % 12) < 4
    keep = (t <= rows["stop"].to_numpy()) & (
        (rows["kind"].to_numpy() != ARCHETYPES.index("seasonal")) | in_season | (nth == 0))
    spend = rows["spend"].to_numpy() * rng.lognormal(0.0, 0.4, size=len(rows))
    return pd.DataFrame({"customer_id": rows["customer_id"].to_numpy(), "day": day,
                         "revenue": spend.round(2), "orders": 1 + (rng.random(len(rows)) < 0.04)
                         }).loc[keep]


def _returns(rng: np.random.Generator, buys: pd.DataFrame) -> pd.DataFrame:
    """Return-only days a few days after some purchases."""
    picked = buys.loc[rng.random(len(buys)) < 0.01]
    return pd.DataFrame({"customer_id": picked["customer_id"].to_numpy(),
                         "day": picked["day"] + pd.to_timedelta(rng.integers(1, 20, len(picked)),
                                                                unit="D"),
                         "revenue": -(picked["revenue"].to_numpy() * 0.3).round(2),
                         "orders": 0, "return_orders": 1})


def _rollup(buys: pd.DataFrame, returns: pd.DataFrame, end: pd.Timestamp,
            rng: np.random.Generator) -> pd.DataFrame:
    frame = pd.concat([buys.assign(return_orders=0), returns], ignore_index=True)
    days = (frame.loc[frame["day"] <= end]
            .groupby(["customer_id", "day"], as_index=False, sort=True)
            .agg(revenue=("revenue", "sum"), orders=("orders", "sum"),
                 return_orders=("return_orders", "sum")))
    partial = rng.random(len(days)) < 0.02
    revenue = days["revenue"].to_numpy()
    return_amount = np.where(revenue < 0, revenue,
                             np.where(partial & (days["orders"] > 0), -0.1 * revenue, 0.0))
    revenue = np.where(revenue < 0, revenue, revenue + return_amount)
    return days.assign(revenue=revenue.round(2), return_amount=return_amount.round(2),
                       costed_revenue=revenue.round(2), cost=(revenue * 0.7).round(2),
                       coupon_orders=((rng.random(len(days)) < 0.05) & (days["orders"] > 0))
                       .astype(np.int64))


def _customer_frame(cust: pd.DataFrame, start: pd.Timestamp) -> pd.DataFrame:
    ids = cust["customer_id"]
    rep = (ids % 12 + 1).astype(np.int64)
    return pd.DataFrame({
        "customer_id": ids, "code": "C" + ids.astype(str).str.zfill(6),
        "name": "Customer " + ids.astype(str),
        "customer_type": pd.Series(np.array(TYPES)[cust["ctype"]], dtype="string"),
        "region": pd.Series(np.array(["North", "South", "East", "West", "Central"])[ids % 5],
                            dtype="string"),
        "rep_id": rep, "account_manager": "Rep " + rep.astype(str),
        "team_id": (rep % 3 + 1).astype(np.int64),
        "created_date": start + pd.to_timedelta(cust["first"].astype(np.int64), unit="D"),
        "archetype": pd.Series(np.array(ARCHETYPES)[cust["kind"]], dtype="string")})


def synthetic_history(customers: int = 2000, end: Any = "2025-12-31", years: float = 3.0,
                      seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(days, customers)`` frames of a synthetic distributor, history ending on ``end``."""
    rng = np.random.default_rng(seed)
    end = pd.Timestamp(end).normalize()
    start = end - pd.Timedelta(days=int(round(years * 365.25)))
    cust = _customers(rng, customers, start, end)
    buys = _purchases(rng, cust, start)
    days = _rollup(buys, _returns(rng, buys), end, rng)
    return days.reset_index(drop=True), _customer_frame(cust, start)


__all__ = ["ARCHETYPES", "synthetic_history"]
