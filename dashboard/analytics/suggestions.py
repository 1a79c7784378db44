"""What to sell a customer next: discovery and cross-sell (SPEC "Discovery, cross-sell,
headroom and margin"), as of a date, for the whole customer base at once.

Input is one row per (customer, product) bought in the 365 days to the as-of date
(``dashboard.data.baskets.load_product_pairs``), the product catalogue and the customer
records. Everything else is a sparse customer × product matrix (scipy):

- **Discovery**: products bought in the last 90 days by similar customers (same customer type
  and region; same type when fewer than ``MIN_PEERS`` such customers bought anything) that the
  customer has not bought in the last 365 days, ranked by how many similar customers bought
  them, then by margin; optionally only products sharing a tag with one the customer bought.
- **Cross-sell**: rules "customers who buy X also buy Y" over the 365 days (a basket is what a
  customer bought in that window), with support, confidence and lift; per customer the rules
  whose X they bought and Y they did not, ranked by the chance they buy Y (from the rules'
  confidences) × a margin factor (decision 121: lift × margin halved the hit rate).
- **The portrait's order** is ``suggestion_ranking``: one score per candidate of either kind
  that blends similarity to the customer's own basket, the peers' share and the rules' chance,
  with weights chosen by a backtest on an earlier window. :func:`discovery` and
  :func:`cross_sell` are each kind's list on its own (SPEC's definitions, which the ranking's
  candidates follow).

Nothing after the as-of date is read: the caller passes pairs up to that date, and
:func:`window_pairs` drops any later rows defensively.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

DISCOVERY_DAYS = 90
OWNED_DAYS = 365
MIN_PEERS = 5
MIN_RULE_CUSTOMERS = 3  # a rule needs at least this many customers buying X and Y
RULES_PER_PRODUCT = 25  # strongest rules (by lift) kept per X when suggesting
CANDIDATES = 400  # popular products looked at per group before removing owned ones
CATEGORY_LIMIT = 3
SUGGESTION_COLUMNS = ["customer_id", "kind", "rank", "product_id", "score", "probability",
                      "peers_bought",
                      "peers", "peer_scope", "antecedent_id", "confidence", "lift"]
KINDS = ("cross_sell", "discovery")
SCOPES = ("", "type", "type_region")
RULE_COLUMNS = ["antecedent_id", "consequent_id", "customers", "support", "confidence", "lift"]


@dataclass(frozen=True)
class SuggestionRules:
    """Settings of the suggestions (``COCKPIT_RULES_*`` and ``COCKPIT_SUGGESTION_LIMIT``)."""

    min_support: float = 0.01
    min_lift: float = 1.5
    limit: int = 10
    narrow_by_tags: bool = False

    def __post_init__(self) -> None:
        if not 0 < self.min_support <= 1:
            raise ValueError("minimum support must be above 0 and at most 1")
        if self.min_lift < 1:
            raise ValueError("minimum lift must be at least 1")
        if self.limit < 1:
            raise ValueError("the number of suggestions must be at least 1")

    def cache_key(self) -> tuple:
        return (self.min_support, self.min_lift, self.limit, self.narrow_by_tags)


@dataclass(frozen=True)
class Baskets:
    """Customers × products as of a date: ``owned`` (bought in the 365 days) and ``recent``
    (bought in the last 90 days), boolean CSR matrices; ``customer_ids`` label the rows,
    ``products`` (with ``margin_pct``) the columns."""

    customer_ids: np.ndarray
    products: pd.DataFrame
    owned: sparse.csr_matrix
    recent: sparse.csr_matrix

    @property
    def product_ids(self) -> np.ndarray:
        return self.products["product_id"].to_numpy()


def window_pairs(pairs: pd.DataFrame, as_of: pd.Timestamp, days: int) -> pd.DataFrame:
    """The pairs whose last purchase falls in the ``days`` days up to ``as_of``."""
    last = _day(as_of)
    kept = (pairs["last_day"] <= last) & (pairs["last_day"] > last - days)
    return pairs.loc[kept.to_numpy()]


def _day(as_of: pd.Timestamp) -> int:
    return int(pd.Timestamp(as_of).normalize().value // 86_400_000_000_000)


def product_margins(pairs: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    """``products`` with ``margin_pct``: gross margin of the lines with a known cost (NaN
    where no line has one)."""
    sums = pairs.groupby("product_id")[["costed_revenue", "cost"]].sum()
    margin = ((sums["costed_revenue"] - sums["cost"]) / sums["costed_revenue"]
              ).where(sums["costed_revenue"] > 0) * 100
    return products.assign(margin_pct=products["product_id"].map(margin).astype("float64"))


def baskets(pairs: pd.DataFrame, products: pd.DataFrame, customer_ids: np.ndarray,
            as_of: pd.Timestamp) -> Baskets:
    """The two customer × product matrices as of ``as_of`` (rows: ``customer_ids``)."""
    pairs = window_pairs(pairs, as_of, OWNED_DAYS)
    products = product_margins(pairs, products.reset_index(drop=True))
    rows = pd.Index(customer_ids).get_indexer(pairs["customer_id"])
    cols = pd.Index(products["product_id"]).get_indexer(pairs["product_id"])
    keep = (rows >= 0) & (cols >= 0)
    rows, cols = rows[keep], cols[keep]
    shape = (len(customer_ids), len(products))
    recent = (pairs["last_day"].to_numpy()[keep] > _day(as_of) - DISCOVERY_DAYS)

    def matrix(mask: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix((np.ones(int(mask.sum()), dtype=np.float32),
                                  (rows[mask], cols[mask])), shape=shape)

    return Baskets(np.asarray(customer_ids), products, matrix(np.ones(len(rows), bool)),
                   matrix(recent))


def _margin_weight(products: pd.DataFrame) -> np.ndarray:
    """A product's weight for ranking by margin: its margin share (0–1), the median of the
    known margins where unknown, 1 when no margin is known (rank by the rest alone)."""
    margin = products["margin_pct"].to_numpy(dtype="float64") / 100
    known = np.isfinite(margin)
    if not known.any():
        return np.ones(len(margin))
    return np.clip(np.where(known, margin, np.median(margin[known])), 0.0, None)


# --- cross-sell ---------------------------------------------------------------------------


def association_rules(b: Baskets, rules: SuggestionRules) -> pd.DataFrame:
    """Rules X → Y between single products over the 365-day baskets (one basket per
    customer who bought anything): support = share of baskets with X and Y, confidence =
    P(Y | X), lift = confidence / P(Y). Kept: support ≥ the minimum, lift ≥ the minimum and
    at least ``MIN_RULE_CUSTOMERS`` customers; strongest (lift, then support) first."""
    owned = b.owned.astype(np.int32)
    n = int((owned.getnnz(axis=1) > 0).sum())
    if n == 0 or not owned.shape[1]:
        return pd.DataFrame({c: [] for c in RULE_COLUMNS})
    count = np.asarray(owned.sum(axis=0)).ravel()
    min_count = max(MIN_RULE_CUSTOMERS, int(np.ceil(rules.min_support * n - 1e-9)))
    frequent = np.flatnonzero(count >= min_count)
    sub = owned[:, frequent]
    both = (sub.T @ sub).tocoo()
    x, y, xy = frequent[both.row], frequent[both.col], both.data.astype(np.float64)
    keep = (x != y) & (xy >= min_count)
    x, y, xy = x[keep], y[keep], xy[keep]
    confidence = xy / count[x]
    lift = confidence / (count[y] / n)
    keep = lift >= rules.min_lift - 1e-12
    ids = b.product_ids
    frame = pd.DataFrame({"antecedent_id": ids[x[keep]], "consequent_id": ids[y[keep]],
                          "customers": xy[keep].astype(np.int64), "support": xy[keep] / n,
                          "confidence": confidence[keep], "lift": lift[keep]})
    return frame.sort_values(["lift", "support", "antecedent_id", "consequent_id"],
                             ascending=[False, False, True, True],
                             ignore_index=True)


def cross_sell(b: Baskets, rules: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Per customer, the consequents Y of rules whose antecedent X they bought and that they
    did not buy. ``probability``: the chance they buy Y given all their rules to it
    (1 - Π(1 - confidence), the rules taken as independent signs); ranked by that chance ×
    Y's margin weight; the reason names the rule with the highest lift."""
    if rules.empty:
        return _empty()
    pos = pd.Index(b.product_ids)
    top = (rules.groupby("antecedent_id", sort=False).head(RULES_PER_PRODUCT)
           .assign(x=lambda r: pos.get_indexer(r["antecedent_id"]),
                   y=lambda r: pos.get_indexer(r["consequent_id"])))
    owned = b.owned.tocoo()
    cand = (pd.DataFrame({"row": owned.row, "x": owned.col})
            .merge(top[["x", "y", "antecedent_id", "confidence", "lift"]], on="x"))
    bought = np.asarray(b.owned[cand["row"].to_numpy(), cand["y"].to_numpy()]).ravel() > 0
    cand = cand.loc[~bought]
    miss = np.log1p(-cand["confidence"].clip(upper=0.999)).groupby(
        [cand["row"], cand["y"]]).transform("sum")
    cand = cand.assign(probability=1 - np.exp(miss.to_numpy()))
    cand = (cand.sort_values(["row", "y", "lift", "confidence"],
                             ascending=[True, True, False, False])
            .drop_duplicates(["row", "y"]))
    cand = cand.assign(score=cand["probability"].to_numpy()
                       * margin_factor(b.products)[cand["y"].to_numpy()])
    cand = cand.sort_values(["row", "score", "y"], ascending=[True, False, True])
    cand = cand.assign(rank=cand.groupby("row").cumcount() + 1)
    cand = cand.loc[cand["rank"] <= limit]
    return pd.DataFrame({
        "customer_id": b.customer_ids[cand["row"].to_numpy()],
        "kind": _labels("cross_sell", KINDS, len(cand)),
        "rank": cand["rank"].to_numpy(), "product_id": b.product_ids[cand["y"].to_numpy()],
        "score": cand["score"].to_numpy(), "probability": cand["probability"].to_numpy(),
        "peers_bought": 0, "peers": 0, "peer_scope": _labels("", SCOPES, len(cand)),
        "antecedent_id": cand["antecedent_id"].to_numpy(),
        "confidence": cand["confidence"].to_numpy(), "lift": cand["lift"].to_numpy()})


def margin_factor(products: pd.DataFrame) -> np.ndarray:
    """How a product's margin weighs a suggestion: 0.5 + its margin share (a 40 % product
    counts 0.9, a 10 % one 0.6; unknown margins count as the median known one)."""
    return 0.5 + _margin_weight(products)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in SUGGESTION_COLUMNS}).assign(
        kind=_labels([], KINDS), peer_scope=_labels([], SCOPES))


def _labels(values: object, categories: tuple[str, ...], n: int | None = None) -> pd.Categorical:
    """A categorical column: ``values`` (a list), or ``n`` times the label ``values``."""
    if n is not None:
        return pd.Categorical.from_codes(np.full(n, categories.index(values), np.int8),
                                         categories=list(categories))
    return pd.Categorical(values, categories=list(categories))


# --- discovery ----------------------------------------------------------------------------


def _peer_groups(b: Baskets, customers: pd.DataFrame) -> tuple[np.ndarray, list[np.ndarray],
                                                                  list[str]]:
    """Each row's peer group, the rows of each group's peers and its scope: customers of the
    same type and region, or of the same type (``type``) where fewer than ``MIN_PEERS`` of
    the former bought anything in the last 90 days."""
    info = (pd.DataFrame({"customer_id": b.customer_ids})
            .merge(customers[["customer_id", "customer_type", "region"]], on="customer_id",
                   how="left"))
    ctype = pd.Series(info["customer_type"].fillna("").astype(str).to_numpy())
    pair = ctype + "\x1f" + pd.Series(info["region"].fillna("").astype(str).to_numpy())
    active = b.recent.getnnz(axis=1) > 0
    enough = pair.map(pair[active].value_counts()).fillna(0).to_numpy() >= MIN_PEERS
    key = np.where(enough, pair.to_numpy(), ctype.to_numpy() + "\x1e")
    codes, uniques = pd.factorize(key)
    peers, scopes = [], []
    for value in uniques:
        if value.endswith("\x1e"):
            peers.append(np.flatnonzero(ctype.to_numpy() == value[:-1]))
            scopes.append("type")
        else:
            peers.append(np.flatnonzero(pair.to_numpy() == value))
            scopes.append("type_region")
    return codes, peers, scopes


def _tag_matrix(products: pd.DataFrame) -> sparse.csr_matrix:
    tags = (products["tags"].fillna("").astype(str).str.split(",")
            .explode().str.strip().str.lower())
    tags = tags[tags != ""]
    col, _ = pd.factorize(tags)
    return sparse.csr_matrix((np.ones(len(col), dtype=np.float32),
                              (tags.index.to_numpy(), col)),
                             shape=(len(products), max(int(col.max()) + 1 if len(col) else 0, 1)))


def discovery(b: Baskets, customers: pd.DataFrame, limit: int,
              narrow_by_tags: bool = False, ordered: np.ndarray | None = None) -> pd.DataFrame:
    """Per customer, the products most bought by similar customers in the last 90 days that
    they did not buy in the 365 days. For the customers in ``ordered`` (ids of those with any
    order up to the as-of date), else for those with a purchase in the 365 days."""
    if not b.owned.shape[1] or not len(b.customer_ids):
        return _empty()
    codes, peer_rows, scopes = _peer_groups(b, customers)
    weight = _margin_weight(b.products)
    factor = margin_factor(b.products)
    has_history = (b.owned.getnnz(axis=1) > 0) if ordered is None else np.isin(
        b.customer_ids, ordered)
    active = b.recent.getnnz(axis=1) > 0
    recent = b.recent
    tags = _tag_matrix(b.products) if narrow_by_tags else None
    own_tags = (b.owned @ tags) if tags is not None else None
    parts = []
    width = min(b.owned.shape[1], max(CANDIDATES, 20 * limit))
    for g, group in enumerate(peer_rows):
        members = np.flatnonzero(codes == g)
        buyers = np.asarray(recent[group].sum(axis=0)).ravel()
        peers = int((recent[group].getnnz(axis=1) > 0).sum())
        rows = members[has_history[members]]
        if not len(rows) or not buyers.any():
            continue
        score = buyers + weight / (weight.max() + 1.0)  # margin breaks ties between equals
        order = np.argsort(-score, kind="stable")
        order = order[buyers[order] > 0][: width if tags is None else len(order)]
        allowed = b.owned[rows][:, order].toarray() == 0
        if tags is not None:
            allowed &= (own_tags[rows] @ tags[order].T).toarray() > 0
        rank = np.cumsum(allowed, axis=1)
        r, c = np.nonzero(allowed & (rank <= limit))
        parts.append(pd.DataFrame({
            "customer_id": b.customer_ids[rows[r]], "kind": _labels("discovery", KINDS, len(r)),
            "rank": rank[r, c], "product_id": b.product_ids[order[c]],
            "score": (buyers[order[c]] / max(peers, 1)) * factor[order[c]],
            "probability": buyers[order[c]] / max(peers, 1),
            # a member's own purchases count among the buyers only for products they
            # already own, which are never suggested: the counts are other customers'
            "peers_bought": buyers[order[c]].astype(np.int64),
            "peers": peers - active[rows[r]].astype(np.int64),
            "peer_scope": _labels(scopes[g], SCOPES, len(r)), "antecedent_id": 0,
            "confidence": np.nan, "lift": np.nan}))
    if not parts:
        return _empty()
    found = pd.concat(parts, ignore_index=True)
    order = np.lexsort((found["rank"].to_numpy(), found["customer_id"].to_numpy()))
    return found.iloc[order].reset_index(drop=True)


def discovery_categories(b: Baskets, customers: pd.DataFrame,
                         limit: int = CATEGORY_LIMIT) -> pd.DataFrame:
    """Per customer, the categories most bought by similar customers in the last 90 days in
    which the customer bought nothing in the 365 days (``customer_id``, ``rank``,
    ``category``, ``peers_bought``)."""
    empty = pd.DataFrame({"customer_id": np.array([], np.int64), "rank": np.array([], np.int64),
                          "category": np.array([], object),
                          "peers_bought": np.array([], np.int64)})
    if not b.owned.shape[1] or not len(b.customer_ids):
        return empty
    codes, peer_rows, _scopes = _peer_groups(b, customers)
    cat, names = pd.factorize(b.products["category"].fillna("").astype(str).to_numpy())
    names = np.asarray(names, dtype=object)
    to_cat = sparse.csr_matrix((np.ones(len(cat), np.float32), (np.arange(len(cat)), cat)),
                               shape=(len(cat), max(len(names), 1)))
    owned = (b.owned @ to_cat).toarray() > 0
    recent = (b.recent @ to_cat).toarray() > 0
    parts = []
    for g, group in enumerate(peer_rows):
        members = np.flatnonzero(codes == g)
        buyers = recent[group].sum(axis=0)
        order = np.argsort(-buyers, kind="stable")
        order = order[(buyers[order] > 0) & (names[order] != "")]
        rows = members[owned[members].any(axis=1)]
        allowed = ~owned[rows][:, order]
        rank = np.cumsum(allowed, axis=1)
        r, c = np.nonzero(allowed & (rank <= limit))
        parts.append(pd.DataFrame({"customer_id": b.customer_ids[rows[r]], "rank": rank[r, c],
                                   "category": names[order[c]],
                                   "peers_bought": buyers[order[c]].astype(np.int64)}))
    frame = pd.concat(parts, ignore_index=True) if parts else empty
    return frame.sort_values(["customer_id", "rank"], ignore_index=True)


__all__ = ["RULE_COLUMNS", "SUGGESTION_COLUMNS", "Baskets", "SuggestionRules",
           "association_rules", "baskets", "cross_sell", "discovery",
           "discovery_categories", "product_margins", "window_pairs"]
