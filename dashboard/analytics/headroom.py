"""Share of wallet: each customer's potential spend and the headroom left (SPEC "Discovery,
cross-sell, headroom and margin"; seed 003's "potential").

- ``potential``: the 75th percentile (linear interpolation, as ``numpy.percentile``) of the
  period revenue of the customer's peers: customers of the same type and region with at least
  as many orders in the period (the customer included). When fewer than
  :data:`MIN_PEERS` such customers share the region (or the region is unknown), the peers are
  the same type's customers with at least as many orders, whatever their region.
- ``headroom``: potential minus the customer's own period revenue, never below 0 ("low
  spenders who buy the rest elsewhere").
- ``peers``: how many customers the potential was read from.

Everything comes from the period columns of the customer table (``revenue``, ``orders``), so
nothing after the as-of date counts. Peers are every customer record, not a user's scope: a
rep sees the same potential as the owner.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PERCENTILE = 0.75
MIN_PEERS = 5
COLUMNS = ("potential", "headroom", "peers")


def _prefix_quantiles(group: np.ndarray, occasions: np.ndarray,
                      revenue: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the quantile of revenue over the rows of its group with at least as many
    occasions, and how many rows that is (rows whose group is -1 get NaN and 0)."""
    n = len(group)
    quantile, count = np.full(n, np.nan), np.zeros(n, dtype=np.int64)
    known = group >= 0
    if not known.any():
        return quantile, count
    frame = pd.DataFrame({"group": group[known], "occasions": occasions[known],
                          "revenue": revenue[known], "row": np.flatnonzero(known)})
    frame = frame.sort_values(["group", "occasions"], ascending=[True, False], kind="stable")
    by_group = frame.groupby("group", sort=False)["revenue"]
    running = by_group.expanding().quantile(PERCENTILE).to_numpy()
    seen = frame.groupby("group", sort=False).cumcount().to_numpy() + 1
    # customers with the same number of orders share their peers: the last row of each tie
    ties = frame.assign(q=running, n=seen).groupby(["group", "occasions"], sort=False)
    quantile[frame["row"].to_numpy()] = ties["q"].transform("last").to_numpy()
    count[frame["row"].to_numpy()] = ties["n"].transform("last").to_numpy()
    return quantile, count


def headroom(table: pd.DataFrame, min_peers: int = MIN_PEERS) -> pd.DataFrame:
    """``potential``, ``headroom`` and ``peers`` for every row of a customer table (columns
    ``customer_type``, ``region``, ``revenue``, ``orders``), in its order and index."""
    revenue = table["revenue"].to_numpy(dtype=np.float64, na_value=0.0)
    occasions = table["orders"].to_numpy(dtype=np.float64, na_value=0.0)
    kind = table["customer_type"].astype(object).where(table["customer_type"].notna(), "")
    region = table["region"].astype(object)
    by_type = pd.factorize(kind)[0]
    has_region = region.notna().to_numpy() & (region.astype(str) != "").to_numpy()
    by_region = pd.factorize(pd.Series(list(zip(kind, region.fillna(""), strict=True))))[0]
    by_region = np.where(has_region, by_region, -1)
    local, local_n = _prefix_quantiles(by_region, occasions, revenue)
    wide, wide_n = _prefix_quantiles(by_type, occasions, revenue)
    use_local = local_n >= int(min_peers)
    potential = np.round(np.where(use_local, local, wide), 2)
    return pd.DataFrame({
        "potential": potential,
        "headroom": np.round(np.maximum(potential - revenue, 0.0), 2),
        "peers": np.where(use_local, local_n, wide_n).astype(np.int64),
    }, index=table.index)


__all__ = ["COLUMNS", "MIN_PEERS", "PERCENTILE", "headroom"]
