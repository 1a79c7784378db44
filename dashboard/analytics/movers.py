"""Surges and drops (SPEC.md "Surges and drops", 暴涨 / 暴跌).

The last 30 days (ending on the as-of date) against the 30 days before, for revenue and for
order count separately, whatever period the cockpit shows. A surge is growth ``>= +50 %``, a
drop ``<= -50 %``, each only when the absolute change reaches the floor of the settings.

Zero and negative bases (SPEC.md): when the earlier 30 days had nothing (0, or net returns),
growth is empty, a surge is a later 30 days of at least the floor (the later value itself, not
the change: climbing from -800 of returns to 300 is no surge at a floor of 1,000), and there is
no drop. A customer with nothing in the later 30 days (0 or net returns) is never a surge.
Otherwise, a drop may end at or below nothing (2,000 before, 300 of returns now: -115 %).
The comparison is made in whole cents and whole orders, so a change of exactly 50 % and a
value exactly at the floor are decided exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analytics.abc import categorical, cents
from dashboard.analytics.features import Columns, growth_pct
from dashboard.analytics.history import Segments
from dashboard.analytics.settings import FigureSettings

MOVER_DAYS = 30
MOVER_GROWTH_PCT = 50
METRICS = ("revenue", "orders")
KINDS = ("surge", "drop")


def mover_flags(current: np.ndarray, previous: np.ndarray, floor: float,
                money: bool) -> pd.DataFrame:
    """Change, growth and ``surge`` / ``drop`` (else empty; categorical) for one metric."""
    return pd.DataFrame(_flags(current, previous, floor, money))


def _flags(current: np.ndarray, previous: np.ndarray, floor: float, money: bool) -> Columns:
    now = cents(current) if money else np.asarray(current, dtype=np.int64)
    before = cents(previous) if money else np.asarray(previous, dtype=np.int64)
    minimum = int(cents(floor)) if money else int(np.ceil(floor))
    change = now - before
    base = before * MOVER_GROWTH_PCT
    had = before > 0  # an earlier 30 days with something to measure growth against
    surge = (now > 0) & np.where(had, (change >= minimum) & (change * 100 >= base),
                                 now >= minimum)
    drop = had & (-change >= minimum) & (-change * 100 >= base)
    return {
        "change": change / 100.0 if money else change,
        "growth_pct": growth_pct(now, before),
        "move": categorical(np.select([surge, drop], [0, 1], -1), KINDS),
    }


def required_cuts(as_of_day: int) -> list[int]:
    """The cut days (see ``history.Segments``) the movers need."""
    return [as_of_day - 2 * MOVER_DAYS, as_of_day - MOVER_DAYS, as_of_day]


def movers(segments: Segments, as_of_day: int, settings: FigureSettings) -> pd.DataFrame:
    """Per customer: ``revenue_30d``, ``revenue_prev_30d``, ``revenue_change``,
    ``revenue_growth_pct``, ``revenue_move`` and the same five for ``orders``."""
    return pd.DataFrame(mover_columns(segments, as_of_day, settings))


def mover_columns(segments: Segments, as_of_day: int, settings: FigureSettings) -> Columns:
    """:func:`movers` as a dict of arrays (one per column)."""
    split = as_of_day - MOVER_DAYS
    out: Columns = {}
    for metric, floor in (("revenue", settings.mover_min_revenue),
                          ("orders", settings.mover_min_orders)):
        money = metric == "revenue"
        now = segments.total(metric, split + 1, as_of_day)
        before = segments.total(metric, split - MOVER_DAYS + 1, split)
        now = np.round(now, 2) if money else np.rint(now).astype(np.int64)
        before = np.round(before, 2) if money else np.rint(before).astype(np.int64)
        out[f"{metric}_30d"], out[f"{metric}_prev_30d"] = now, before
        out.update({f"{metric}_{k}": v for k, v in _flags(now, before, floor, money).items()})
    return out


def top_movers(table: pd.DataFrame, metric: str = "revenue", kind: str = "surge",
               n: int | None = 10) -> pd.DataFrame:
    """The customers with a ``kind`` in ``metric``, largest absolute change first (ties by
    customer code); all of them when ``n`` is None."""
    if metric not in METRICS or kind not in KINDS:
        raise ValueError(f"Unknown mover list {metric!r} / {kind!r}.")
    columns = ["customer_id", "customer_code", "customer_name", f"{metric}_prev_30d",
               f"{metric}_30d", f"{metric}_change", f"{metric}_growth_pct"]
    # positions sorted with numpy, then one take: pandas' boolean .loc, assign and a
    # two-key sort_values cost ~7 ms per list on the cockpit's hot path, almost all overhead
    inside = np.flatnonzero((table[f"{metric}_move"] == kind).to_numpy(dtype=bool,
                                                                      na_value=False))
    codes = table["customer_code"].to_numpy()[inside].astype(str)
    size = np.abs(table[f"{metric}_change"].to_numpy(dtype=np.float64, na_value=np.nan)[inside])
    by_code = np.argsort(codes, kind="stable")
    # largest change first (a missing change last), equal changes by customer code
    order = by_code[np.argsort(-size[by_code], kind="stable")]
    if n is not None:
        order = order[:n]
    return table.iloc[inside[order]][columns].reset_index(drop=True)


__all__ = ["KINDS", "METRICS", "MOVER_DAYS", "MOVER_GROWTH_PCT", "mover_columns", "mover_flags",
           "movers", "required_cuts", "top_movers"]
