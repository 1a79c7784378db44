"""How good were the suggestions? As of an earlier date, the top ``k`` suggestions of each
customer against what they bought in the following days (SPEC: judged like the churn model).

Three lists are judged on the same history and the same customers (everyone with a purchase
in the 365 days to the as-of date):

- ``suggestions``: the product's own list (``suggestion_ranking.rank``) with the weights the
  caller chose on an earlier window (``suggestion_ranking.choose_weights``: as of the date
  less 90 days, judged up to the date; never on the window judged here);
- ``popular``: the products most customers bought in the last 90 days, less the ones the
  customer bought in the 365 days (the plain list a salesperson would use);
- ``item_cf``: item-to-item collaborative filtering, cosine similarity of products over the
  customer × product matrix of the 365 days, scored by the sum of similarities to what the
  customer bought.

A hit is a suggested product the customer bought in the judged window (every suggested product
is new to them). Hit rate: share of customers buying at least one of their suggestions;
precision at k: suggested products bought / k, averaged over the customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from dashboard.analytics import suggestion_ranking as ranking
from dashboard.analytics import suggestions as sg

K = 10
METHODS = ("suggestions", "popular", "item_cf")
_CHUNK = 4_096


@dataclass(frozen=True)
class SuggestionBacktest:
    as_of: pd.Timestamp
    horizon_days: int
    k: int
    customers: int  # judged: a purchase in the 365 days to the as-of date
    buyers: int  # of whom bought anything new to them in the window
    results: pd.DataFrame  # method, hit_rate, precision_at_k, hits, customers_hit
    choice: ranking.WeightChoice | None = None  # how the suggestions' weights were chosen

    def lift_over_popular(self) -> float | None:
        rate = self.results.set_index("method")["hit_rate"]
        return None if not rate.get("popular") else float(rate["suggestions"] /
                                                          rate["popular"])


def _top_k(scores: np.ndarray, owned: np.ndarray, k: int) -> np.ndarray:
    """Column positions of the ``k`` best not-owned scores of each row (-1: none)."""
    scores = np.where(owned | (scores <= 0), -np.inf, scores)
    k = min(k, scores.shape[1])
    best = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    picked = np.take_along_axis(scores, best, axis=1)
    return np.where(np.isfinite(picked), best, -1)


def popular_lists(b: sg.Baskets, k: int = K) -> pd.DataFrame:
    """The ``k`` most bought products (customers, last 90 days) each customer lacks."""
    count = np.asarray(b.recent.sum(axis=0)).ravel().astype(np.float64)
    rows = np.flatnonzero(b.owned.getnnz(axis=1) > 0)
    order = np.argsort(-count, kind="stable")[: max(k * 20, 200)]
    order = order[count[order] > 0]
    allowed = b.owned[rows][:, order].toarray() == 0
    rank = np.cumsum(allowed, axis=1)
    r, c = np.nonzero(allowed & (rank <= k))
    return pd.DataFrame({"customer_id": b.customer_ids[rows[r]],
                         "product_id": b.product_ids[order[c]]})


def item_cf_lists(b: sg.Baskets, k: int = K) -> pd.DataFrame:
    """Item-to-item cosine collaborative filtering (top ``k`` not owned per customer)."""
    owned = b.owned.astype(np.float64).tocsr()
    norm = np.sqrt(np.asarray(owned.sum(axis=0)).ravel())
    inverse = sparse.diags(np.divide(1.0, norm, out=np.zeros_like(norm), where=norm > 0))
    similar = (inverse @ (owned.T @ owned) @ inverse).tocsr()
    similar.setdiag(0)
    rows = np.flatnonzero(owned.getnnz(axis=1) > 0)
    parts = []
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start:start + _CHUNK]
        mine = owned[chunk]
        best = _top_k((mine @ similar).toarray(), mine.toarray() > 0, k)
        r, c = np.nonzero(best >= 0)
        parts.append(pd.DataFrame({"customer_id": b.customer_ids[chunk[r]],
                                   "product_id": b.product_ids[best[r, c]]}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        {"customer_id": [], "product_id": []})


def judge(lists: pd.DataFrame, bought: pd.DataFrame, judged: np.ndarray, k: int) -> dict:
    """Hit rate and precision at ``k`` of ``lists`` (customer_id, product_id) against the
    pairs ``bought`` afterwards, over the customers ``judged``."""
    hits = lists.merge(bought[["customer_id", "product_id"]].drop_duplicates(),
                       on=["customer_id", "product_id"])
    per = hits.groupby("customer_id").size().reindex(judged, fill_value=0)
    n = max(len(judged), 1)
    return {"hit_rate": float((per > 0).sum() / n), "precision_at_k": float(per.sum() / (k * n)),
            "hits": int(per.sum()), "customers_hit": int((per > 0).sum())}


def backtest_suggestions(before: pd.DataFrame, after: pd.DataFrame, products: pd.DataFrame,
                         customers: pd.DataFrame, as_of: pd.Timestamp, horizon_days: int,
                         rules: sg.SuggestionRules, k: int = K,
                         choice: ranking.WeightChoice | None = None) -> SuggestionBacktest:
    """Judge the three lists made as of ``as_of`` (from ``before``: pairs up to that date)
    on ``after``: pairs bought in the ``horizon_days`` that follow. Ours use the weights of
    ``choice`` (chosen before ``as_of``; the default weights without one)."""
    as_of = pd.Timestamp(as_of)
    rules = sg.SuggestionRules(rules.min_support, rules.min_lift, k, rules.narrow_by_tags)
    b = sg.baskets(before, products, customers["customer_id"].to_numpy(), as_of)
    signs = ranking.signs(b, customers, sg.association_rules(b, rules), rules.narrow_by_tags)
    weights = choice.weights if choice is not None else ranking.DEFAULT_WEIGHTS
    ours = ranking.rank(b, signs, weights, k)
    judged = b.customer_ids[b.owned.getnnz(axis=1) > 0]
    new = ranking.judged_window(b, after, as_of, horizon_days)
    lists = {"suggestions": ours[["customer_id", "product_id"]], "popular": popular_lists(b, k),
             "item_cf": item_cf_lists(b, k)}
    results = pd.DataFrame([{"method": m, **judge(lists[m], new, judged, k)} for m in METHODS])
    return SuggestionBacktest(as_of, horizon_days, k, len(judged),
                              int(new["customer_id"].nunique()), results, choice)


__all__ = ["K", "METHODS", "SuggestionBacktest", "backtest_suggestions", "item_cf_lists",
           "judge", "popular_lists"]
