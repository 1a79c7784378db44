"""The portrait's order of suggestions: one score per (customer, candidate product) that
blends three signs, with weights chosen per business by a backtest on an earlier window.

Candidates are SPEC's two kinds and nothing else: a product that similar customers bought in
the last 90 days (discovery) or the consequent of a rule whose antecedent the customer bought
(cross-sell), never one the customer bought in the 365 days to the as-of date. Each candidate
gets three signs, each divided by the customer's largest value of that sign among their
candidates (so all three run 0–1 for every customer):

- ``similar``: similarity of the product to the customer's own basket: the sum, over the
  products they bought in the 365 days, of sim(i, j) = Σ_customers [bought i and j] / √(their
  number of products) / √(buyers of i · buyers of j) (item-to-item cosine in which a customer
  who buys many products counts less: their basket says less about what goes together);
- ``peers``: the share of similar customers (:func:`suggestions._peer_groups`) who bought it
  in the last 90 days;
- ``rules``: the chance the customer buys it from their rules, 1 − Π(1 − confidence).

score = (w_similar · similar + w_peers · peers + w_rules · rules) × (1 + w_margin · the
product's margin share), margin share 0–1 as in :func:`suggestions._margin_weight` (with
w_margin 0, margin still orders equal scores). A suggestion is a cross-sell when its rules sign weighs at
least as much as its peers sign (the reason names its rule with the highest lift), else a
discovery (the reason counts the similar customers who bought it).

:func:`choose_weights` picks the weights: suggestions made as of an earlier date (the as-of
date less ``TUNING_DAYS``), judged on what customers bought from then up to the as-of date,
for each point of a grid (the three weights in steps of ``GRID_STEP`` summing to 1, each with
every margin strength of ``MARGINS``); the best hit rate wins (then precision, then the first in
grid order). Nothing after the as-of date is read, so the suggestions of a date and their
backtest never see the window they are judged on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from dashboard.analytics import suggestions as sg

TUNING_DAYS = 90
TUNING_CUSTOMERS = 2_000  # customers judged when choosing weights (every n-th, in id order)
GRID_STEP = 0.25
MARGINS = (0.0, 1.0, 2.0)
CHUNK = 1_024
POOL = 30  # candidates per sign and customer looked at when choosing the weights
DENSE_PRODUCTS = 8_000  # up to this many products the similarity is held as a dense array


@dataclass(frozen=True)
class Weights:
    """How much each sign counts (they sum to 1)."""

    similar: float = 1 / 3
    peers: float = 1 / 3
    rules: float = 1 / 3
    margin: float = 1.0  # the margin factor is 1 + this × the product's margin share

    def as_tuple(self) -> tuple[float, float, float]:
        return (self.similar, self.peers, self.rules)

    def factor(self, margin_share: np.ndarray) -> np.ndarray:
        """Each product's margin factor; margin orders equal scores when it counts 0."""
        return 1.0 + max(self.margin, 1e-5) * margin_share


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class WeightChoice:
    """The weights chosen and how every grid point did on the earlier window."""

    weights: Weights
    as_of: pd.Timestamp | None  # suggestions made as of this date …
    judged_until: pd.Timestamp | None  # … judged on the days after it up to this one
    customers: int  # judged (0: no earlier window to judge on; the default weights)
    grid: pd.DataFrame  # similar, peers, rules, hit_rate, precision_at_k


def weight_grid(step: float = GRID_STEP, margins: tuple[float, ...] = MARGINS
                ) -> list[Weights]:
    """Every triple of multiples of ``step`` summing to 1 (similar first, descending), each
    with every margin strength of ``margins``."""
    n = round(1 / step)
    return [Weights(a * step, b * step, (n - a - b) * step, m) for m in margins
            for a in range(n, -1, -1) for b in range(n - a, -1, -1)]


@dataclass(frozen=True)
class Signs:
    """The parts of the score that do not depend on the weights, for the whole base."""

    similarity: sparse.csr_matrix | np.ndarray  # product × product, diagonal 0
    peer_share: np.ndarray  # group × product: share of the group's peers who bought it
    group: np.ndarray  # each customer row's group
    peers: np.ndarray  # per group: peers with a purchase in the last 90 days
    scopes: list[str]
    log_miss: sparse.csr_matrix  # antecedent × consequent: log(1 - confidence)
    rules: pd.DataFrame  # the rules used (with x, y positions)
    margin_share: np.ndarray  # per product, 0–1 (sg._margin_weight)
    tags: sparse.csr_matrix | None  # product × tag when narrowing by tags


def _similarity(owned: sparse.csr_matrix) -> sparse.csr_matrix | np.ndarray:
    """Product × product: Σ_customers [bought i and j] / √(their number of products), divided
    by √(buyers of i · buyers of j); diagonal 0 (dense float32 up to ``DENSE_PRODUCTS``)."""
    owned = owned.astype(np.float64)
    size = np.sqrt(np.asarray(owned.sum(axis=1)).ravel())
    voice = np.divide(1.0, size, out=np.zeros_like(size), where=size > 0)
    norm = np.sqrt(np.asarray(owned.sum(axis=0)).ravel())
    inverse = np.divide(1.0, norm, out=np.zeros_like(norm), where=norm > 0)
    weighted = owned.T.tocsr()  # product × customer, each customer's entries 1/√(basket)
    weighted.data = weighted.data * voice[weighted.indices]
    both = weighted @ owned  # sums over customers in id order
    rows = np.repeat(np.arange(both.shape[0]), np.diff(both.indptr))
    both.data = both.data * inverse[rows] * inverse[both.indices]
    both.setdiag(0)
    both.eliminate_zeros()
    if both.shape[0] <= DENSE_PRODUCTS:  # a customer's row times it is then dense
        return both.astype(np.float32).toarray()
    return both


def signs(b: sg.Baskets, customers: pd.DataFrame, mined: pd.DataFrame,
          narrow_by_tags: bool = False) -> Signs:
    similarity = _similarity(b.owned)
    group, peer_rows, scopes = sg._peer_groups(b, customers)
    n_products = b.owned.shape[1]
    share = np.zeros((len(peer_rows), n_products), np.float32)
    peers = np.zeros(len(peer_rows), dtype=np.int64)
    for g, rows in enumerate(peer_rows):
        recent = b.recent[rows]
        peers[g] = int((recent.getnnz(axis=1) > 0).sum())
        share[g] = np.asarray(recent.sum(axis=0)).ravel() / max(peers[g], 1)
    pos = pd.Index(b.product_ids)
    used = (mined.groupby("antecedent_id", sort=False).head(sg.RULES_PER_PRODUCT)
            .assign(x=lambda r: pos.get_indexer(r["antecedent_id"]),
                    y=lambda r: pos.get_indexer(r["consequent_id"])))
    log_miss = sparse.csr_matrix(
        (np.log1p(-used["confidence"].clip(upper=0.999).to_numpy(np.float64)),
         (used["x"].to_numpy(), used["y"].to_numpy())), shape=(n_products, n_products))
    return Signs(similarity, share, group, peers, scopes, log_miss, used,
                 sg._margin_weight(b.products),
                 sg._tag_matrix(b.products) if narrow_by_tags else None)


def _scaled(values: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """``values`` (in place) zero outside ``allowed`` and divided by each row's largest."""
    values[~allowed] = 0.0
    top = values.max(axis=1, keepdims=True) if values.shape[1] else np.zeros(
        (values.shape[0], 1), values.dtype)
    np.divide(values, top, out=values, where=top > 0)
    return values


def chunk_signs(b: sg.Baskets, s: Signs, rows: np.ndarray) -> tuple[np.ndarray, ...]:
    """For customer ``rows``: (allowed candidates, similar, peers share, rules chance), the
    signs raw (float32, not yet scaled; any value outside the candidates)."""
    mine = b.owned[rows]
    allowed = mine.toarray() == 0
    peer = s.peer_share[s.group[rows]]
    chance = mine @ s.log_miss
    chance.data = -np.expm1(chance.data)
    chance = chance.toarray().astype(np.float32, copy=False)
    discover = peer > 0
    if s.tags is not None:
        discover &= (mine @ s.tags @ s.tags.T).toarray() > 0
    allowed &= discover | (chance > 0)
    similar = mine @ s.similarity
    similar = np.asarray(similar.toarray() if sparse.issparse(similar) else similar,
                         dtype=np.float32)
    return allowed, similar, peer, chance


def _score(w: Weights, signs: tuple[np.ndarray, ...], factor: np.ndarray,
           allowed: np.ndarray) -> tuple[np.ndarray, list[np.ndarray | None]]:
    """The blended score (-inf outside ``allowed``) and each weighted sign's row largest
    (None for a sign of weight 0, which is skipped). Signs are zeroed outside ``allowed``
    in place."""
    score = np.zeros(allowed.shape, np.float32)
    blocked = ~allowed
    tops: list[np.ndarray | None] = []
    for weight, values in zip(w.as_tuple(), signs, strict=True):
        if weight == 0:
            tops.append(None)
            continue
        values[blocked] = 0.0
        top = values.max(axis=1, keepdims=True) if values.shape[1] else np.zeros(
            (values.shape[0], 1), np.float32)
        score += values * np.divide(np.float32(weight), top, out=np.zeros_like(top),
                                    where=top > 0)
        tops.append(top)
    score *= factor.astype(np.float32)
    score[blocked] = -np.inf
    return score, tops


def _top(score: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of each row's ``limit`` best finite scores, best first (ties: the lower
    column first)."""
    limit = min(limit, score.shape[1])
    if not limit or not score.shape[0]:
        return np.array([], np.int64), np.array([], np.int64)
    best = np.argpartition(score, score.shape[1] - limit, axis=1)[:, -limit:]
    r = np.repeat(np.arange(score.shape[0]), limit)
    c = best.ravel()
    keep = np.isfinite(score[r, c])
    r, c = r[keep], c[keep]
    order = np.lexsort((c, -score[r, c], r))
    return r[order], c[order]


def rank(b: sg.Baskets, s: Signs, weights: Weights, limit: int,
         rows: np.ndarray | None = None) -> pd.DataFrame:
    """The suggestions of customer ``rows`` (default: everyone who bought anything in the
    365 days) as ``suggestions.SUGGESTION_COLUMNS``, ranked 1… by blended score.

    Customers are taken one peer group at a time, and only the group's possible candidates
    are scored: the products its peers bought in the last 90 days and every rule's
    consequent (any other product is never a candidate of the group's customers)."""
    if rows is None:
        rows = suggested_rows(b)
    if not len(rows) or not b.owned.shape[1]:
        return sg._empty()
    factor = weights.factor(s.margin_share).astype(np.float32)
    active = b.recent.getnnz(axis=1) > 0
    consequent = np.zeros(b.owned.shape[1], bool)
    consequent[s.log_miss.indices] = True
    groups = s.group[rows]
    parts = []
    for g in np.unique(groups):
        members = rows[groups == g]
        cols = np.flatnonzero((s.peer_share[g] > 0) | consequent)
        for start in range(0, len(members), CHUNK):
            parts.append(_rank_chunk(b, s, weights, limit, members[start:start + CHUNK], int(g),
                                     cols, factor, active))
    found = pd.concat(parts, ignore_index=True)
    if found.empty:
        return sg._empty()
    found = found.assign(rank=found.groupby("row", sort=False).cumcount() + 1)
    found = _with_rule(b, s, found)
    out = pd.DataFrame({
        "customer_id": b.customer_ids[found["row"].to_numpy()],
        "kind": pd.Categorical(np.where(found["cross"], "cross_sell", "discovery"),
                               categories=list(sg.KINDS)),
        "rank": found["rank"].to_numpy(), "product_id": b.product_ids[found["y"].to_numpy()],
        "score": found["score"].to_numpy(), "probability": found["probability"].to_numpy(),
        "peers_bought": found["peers_bought"].to_numpy(), "peers": found["peers"].to_numpy(),
        "peer_scope": pd.Categorical(found["scope"], categories=list(sg.SCOPES)),
        "antecedent_id": found["antecedent_id"].to_numpy(),
        "confidence": found["confidence"].to_numpy(), "lift": found["lift"].to_numpy()})
    order = np.lexsort((out["rank"].to_numpy(), out["customer_id"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def _rank_chunk(b: sg.Baskets, s: Signs, weights: Weights, limit: int, chunk: np.ndarray,
                g: int, cols: np.ndarray, factor: np.ndarray,
                active: np.ndarray) -> pd.DataFrame:
    """The ranked suggestions of ``chunk`` (rows of peer group ``g``) over the group's
    possible candidates ``cols``: the same scores as over every product, each product
    outside ``cols`` being no candidate."""
    n, m = len(chunk), len(cols)
    local = np.full(b.owned.shape[1], -1, np.int64)
    local[cols] = np.arange(m)
    mine = b.owned[chunk]
    peer = s.peer_share[g, cols]
    chance = (mine @ s.log_miss).tocsr()
    chance.sum_duplicates()
    cr = np.repeat(np.arange(n), np.diff(chance.indptr))
    cc = local[chance.indices]  # consequents are all among cols
    cv = (-np.expm1(chance.data)).astype(np.float32)
    orow = np.repeat(np.arange(n), np.diff(mine.indptr))
    ocol = local[mine.indices]
    orow, ocol = orow[ocol >= 0], ocol[ocol >= 0]
    ok = (cv > 0) & ~np.isin(cr * m + cc, orow * m + ocol)  # a rule's chance, not owned
    if s.tags is None:  # no candidates: owned, and consequents no peer bought without chance
        alone = np.flatnonzero(peer == 0)
        free = np.ones((n, len(alone)), bool)
        spot = np.searchsorted(alone, cc).clip(max=max(len(alone) - 1, 0))
        mark = (cv > 0) & (alone[spot] == cc) if len(alone) else np.zeros(len(cc), bool)
        free[cr[mark], spot[mark]] = False
        yr, yc = np.nonzero(free)
        br, bc = np.concatenate([orow, yr]), np.concatenate([ocol, alone[yc]])
    else:
        allowed = np.broadcast_to(peer > 0, (n, m)).copy()
        allowed &= (mine @ s.tags @ s.tags.T)[:, cols].toarray() > 0
        allowed[cr[cv > 0], cc[cv > 0]] = True
        allowed[orow, ocol] = False
        br, bc = np.nonzero(~allowed)
    score: np.ndarray | None = None
    tops: list[np.ndarray | None] = [None, None, None]
    if weights.similar != 0:
        similar = mine @ s.similarity
        similar = np.asarray(similar.toarray() if sparse.issparse(similar) else similar,
                             dtype=np.float32)[:, cols]
        similar[br, bc] = 0.0
        tops[0] = _row_top(similar)
        score = similar * _scale(weights.similar, tops[0])
    if weights.peers != 0:
        tops[1] = _peer_top(peer, n, br, bc)
        term = peer[None, :] * _scale(weights.peers, tops[1])
        if score is None:
            score = term
        else:
            score += term
    if score is None:
        score = np.zeros((n, m), np.float32)
    if weights.rules != 0:
        top = np.zeros(n, np.float32)
        np.maximum.at(top, cr[ok], cv[ok])
        tops[2] = top[:, None]
        score[cr, cc] += cv * _scale(weights.rules, tops[2])[cr, 0]
    score *= factor[cols]
    score[br, bc] = -np.inf
    r, lc = _top_over(score, cols, b.owned.shape[1], limit)
    c = cols[lc]
    share = peer[lc].astype(np.float64)
    picked = np.zeros(len(r), np.float64)
    if len(cr):
        keys = cr * m + cc
        sorter = np.argsort(keys)
        at = np.searchsorted(keys, r * m + lc, sorter=sorter).clip(max=len(keys) - 1)
        hit = keys[sorter[at]] == r * m + lc
        picked[hit] = cv[sorter[at[hit]]]
    cross = (picked > 0) & ((_weighted(weights.rules, picked, tops[2], r)
                             >= _weighted(weights.peers, share, tops[1], r)) | (share == 0))
    peers = s.peers[g]
    return pd.DataFrame({
        "row": chunk[r], "y": c, "cross": cross, "score": score[r, lc],
        "probability": np.where(cross, picked, share),
        "peers_bought": np.where(cross, 0, np.rint(share * peers)).astype(np.int64),
        "peers": np.where(cross, 0, peers - active[chunk[r]]).astype(np.int64),
        "scope": np.where(cross, "", s.scopes[g] if len(s.scopes) else "")})


def _scale(weight: float, top: np.ndarray) -> np.ndarray:
    """weight / each row's largest (0 where that is 0), float32 as the score."""
    return np.divide(np.float32(weight), top, out=np.zeros_like(top), where=top > 0)


def _row_top(values: np.ndarray) -> np.ndarray:
    if values.shape[1]:
        return values.max(axis=1, keepdims=True)
    return np.zeros((values.shape[0], 1), values.dtype)


def _peer_top(peer: np.ndarray, n: int, br: np.ndarray, bc: np.ndarray) -> np.ndarray:
    """Each row's largest peers share among its candidates (``peer`` is the same for every
    row; (br, bc) the positions that are no candidate)."""
    if not len(peer):
        return np.zeros((n, 1), np.float32)
    top = np.full((n, 1), peer.max(), np.float32)
    lost = np.unique(br[peer[bc] == top[0, 0]])  # rows whose largest is not a candidate
    if len(lost):
        again = np.broadcast_to(peer, (len(lost), len(peer))).copy()
        inside = np.isin(br, lost)
        again[np.searchsorted(lost, br[inside]), bc[inside]] = 0.0
        top[lost] = again.max(axis=1, keepdims=True)
    return top


def _top_over(score: np.ndarray, cols: np.ndarray, width: int, limit: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_top` of the rows of ``width`` columns that hold ``score`` in ``cols`` and
    -inf elsewhere: (row, position in ``cols``). A row whose ``limit``-th best equals the
    next is decided on that whole row, so the pick among equal scores is :func:`_top`'s."""
    limit = min(limit, width)
    n, m = score.shape
    if not limit or not n or not m:
        return np.array([], np.int64), np.array([], np.int64)
    if m <= limit:
        r = np.repeat(np.arange(n), m)
        c = np.tile(np.arange(m), n)
    else:
        # the (limit + 1)-th best; a row with fewer than limit above it has a tie there
        next_best, r, c = _next_best(score, limit)
        above = score[r, c] > next_best[r, 0]
        r, c = r[above], c[above]
        tie = (np.bincount(r, minlength=n) < limit) & np.isfinite(next_best[:, 0])
        if tie.any():
            tied = np.flatnonzero(tie)
            keep = ~tie[r]
            r, c = r[keep], c[keep]
            whole = np.full((len(tied), width), -np.inf, np.float32)
            whole[:, cols] = score[tied]
            tr, tc = _top(whole, limit)
            where = np.full(width, -1, np.int64)
            where[cols] = np.arange(m)
            r, c = np.concatenate([r, tied[tr]]), np.concatenate([c, where[tc]])
    keep = np.isfinite(score[r, c])
    r, c = r[keep], c[keep]
    order = np.lexsort((c, -score[r, c], r))
    return r[order], c[order]


def _next_best(score: np.ndarray, limit: int, step: int = 8
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's (limit + 1)-th best score (rows × 1; more than limit + 1 columns) and the
    (row, column) of every score at or above a lower bound of it: every ``step``-th column's
    (limit + 1)-th best, so that only those scores are partitioned."""
    n, m = score.shape
    sample = score[:, ::step]
    if sample.shape[1] <= 4 * (limit + 1):
        bound = np.full((n, 1), -np.inf, score.dtype)
    else:
        k = sample.shape[1] - limit - 1
        bound = np.partition(sample, k, axis=1)[:, k:k + 1]
    flat = np.flatnonzero(score >= bound)
    r, c = flat // m, flat % m
    count = np.bincount(r, minlength=n)
    wide = count > m // 4  # many scores at the bound: the row is partitioned whole
    out = np.empty((n, 1), score.dtype)
    if wide.any():
        rows = np.flatnonzero(wide)
        out[rows] = np.partition(score[rows], m - limit - 1, axis=1)[:, m - limit - 1:m - limit]
    narrow = ~wide[r]
    if narrow.any():
        count[wide] = 0
        width = max(int(count.max()), limit + 1)
        packed = np.full((n, width), -np.inf, score.dtype)
        starts = np.concatenate([[0], np.cumsum(count)[:-1]])
        rn, cn = r[narrow], c[narrow]
        packed[rn, np.arange(len(rn)) - starts[rn]] = score[rn, cn]
        best = np.partition(packed, width - limit - 1, axis=1)[:, width - limit - 1:width - limit]
        out[~wide] = best[~wide]
    return out, r, c


def _weighted(weight: float, raw: np.ndarray, top: np.ndarray | None,
              r: np.ndarray) -> np.ndarray:
    """weight × the sign scaled to its row's largest, at the picked rows ``r``."""
    if top is None:
        return np.zeros(len(r))
    return weight * np.divide(raw, top[r, 0], out=np.zeros(len(r)), where=top[r, 0] > 0)


def _with_rule(b: sg.Baskets, s: Signs, found: pd.DataFrame) -> pd.DataFrame:
    """Each cross-sell's rule with the highest lift (then confidence) among the customer's."""
    cross = found.loc[found["cross"], ["row", "y"]]
    owned = b.owned[cross["row"].to_numpy()].tocoo()
    have = pd.DataFrame({"row": cross["row"].to_numpy()[owned.row], "x": owned.col,
                         "y": cross["y"].to_numpy()[owned.row]})
    rules = have.merge(s.rules[["x", "y", "antecedent_id", "confidence", "lift"]],
                       on=["x", "y"])
    best = (rules.sort_values(["row", "y", "lift", "confidence", "antecedent_id"],
                              ascending=[True, True, False, False, True])
            .drop_duplicates(["row", "y"]))
    found = found.merge(best[["row", "y", "antecedent_id", "confidence", "lift"]],
                        on=["row", "y"], how="left")
    return found.assign(antecedent_id=found["antecedent_id"].fillna(0).astype(np.int64))


def suggested_rows(b: sg.Baskets, ordered: np.ndarray | None = None) -> np.ndarray:
    """Rows to suggest to: a purchase in the 365 days, or an id in ``ordered`` (an order
    up to the as-of date, however long ago: they get discoveries only)."""
    rows = b.owned.getnnz(axis=1) > 0
    if ordered is not None:
        rows |= np.isin(b.customer_ids, ordered)
    return np.flatnonzero(rows)


def judged_window(b: sg.Baskets, after: pd.DataFrame, as_of: pd.Timestamp,
                  days: int) -> pd.DataFrame:
    """(customer_id, product_id) bought in the ``days`` after ``as_of`` that the customer
    had not bought in the 365 days to it, for customers with a purchase in those 365 days."""
    start = sg._day(as_of)
    window = after.loc[(after["last_day"] > start) & (after["last_day"] <= start + days),
                       ["customer_id", "product_id"]].drop_duplicates()
    coo = b.owned.tocoo()
    owned = pd.DataFrame({"customer_id": b.customer_ids[coo.row],
                          "product_id": b.product_ids[coo.col]})
    new = (window.merge(owned, on=["customer_id", "product_id"], how="left", indicator=True)
           .query("_merge == 'left_only'"))
    judged = b.customer_ids[b.owned.getnnz(axis=1) > 0]
    return new.loc[new["customer_id"].isin(judged), ["customer_id", "product_id"]]


def choose_weights(before: pd.DataFrame, after: pd.DataFrame, products: pd.DataFrame,
                   customers: pd.DataFrame, as_of: pd.Timestamp, rules: sg.SuggestionRules,
                   days: int = TUNING_DAYS, sample: int = TUNING_CUSTOMERS,
                   grid: list[Weights] | None = None) -> WeightChoice:
    """The weights whose suggestions as of ``as_of`` (from ``before``: pairs of the 365 days
    to it) had the best hit rate on ``after`` (pairs bought in the ``days`` after it), over
    at most ``sample`` of the customers with a purchase in the 365 days (every n-th).
    :data:`DEFAULT_WEIGHTS` when nobody is judged or nobody bought anything new."""
    as_of = pd.Timestamp(as_of)
    grid = grid or weight_grid()
    columns = ["similar", "peers", "rules", "margin", "hit_rate", "precision_at_k"]
    b = sg.baskets(before, products, customers["customer_id"].to_numpy(), as_of)
    rows = np.flatnonzero(b.owned.getnnz(axis=1) > 0)
    if len(rows) > sample:
        rows = rows[np.linspace(0, len(rows) - 1, sample).round().astype(np.int64)]
    new = judged_window(b, after, as_of, days)
    if not len(rows) or new.empty:
        return WeightChoice(DEFAULT_WEIGHTS, as_of, None, 0, pd.DataFrame(columns=columns))
    s = signs(b, customers, sg.association_rules(b, rules), rules.narrow_by_tags)
    bought = sparse.csr_matrix(
        (np.ones(len(new)), (pd.Index(b.customer_ids).get_indexer(new["customer_id"]),
                             pd.Index(b.product_ids).get_indexer(new["product_id"]))),
        shape=b.owned.shape)
    k = rules.limit
    hits = np.zeros((len(grid), len(rows)))
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        allowed, similar, peer, rule = chunk_signs(b, s, chunk)
        similar, peer, rule = (_scaled(v, allowed) for v in (similar, peer, rule))
        # each sign's best POOL candidates per customer: a blend's top k lies among them
        # (nearly always; exactly when a customer has at most POOL candidates)
        pool = min(POOL, allowed.shape[1])
        idx = np.concatenate([np.argpartition(-v, pool - 1, axis=1)[:, :pool]
                              for v in (similar, peer, rule)], axis=1)
        idx.sort(axis=1)
        fresh = np.ones(idx.shape, bool)
        fresh[:, 1:] = idx[:, 1:] != idx[:, :-1]
        take = [np.take_along_axis(v, idx, axis=1) for v in (similar, peer, rule)]
        ok = np.take_along_axis(allowed, idx, axis=1) & fresh
        truth = np.take_along_axis(bought[chunk].toarray() > 0, idx, axis=1)
        hits[:, start:start + len(chunk)] = _grid_hits(grid, take, ok, truth, idx,
                                                       s.margin_share, k)
    table = pd.DataFrame({"similar": [w.similar for w in grid],
                          "peers": [w.peers for w in grid],
                          "rules": [w.rules for w in grid],
                          "margin": [w.margin for w in grid],
                          "hit_rate": (hits > 0).mean(axis=1),
                          "precision_at_k": hits.sum(axis=1) / (k * len(rows))})
    best = int(np.lexsort((np.arange(len(grid)), -table["precision_at_k"].to_numpy(),
                           -table["hit_rate"].to_numpy()))[0])
    return WeightChoice(grid[best], as_of, as_of + pd.Timedelta(days=days), len(rows), table)


def _grid_hits(grid: list[Weights], take: list[np.ndarray], ok: np.ndarray,
               truth: np.ndarray, idx: np.ndarray, margin_share: np.ndarray,
               k: int) -> np.ndarray:
    """Hits (grid point × customer) of every grid point's top ``k`` among the pooled
    candidates ``idx`` (signs ``take``, ``ok`` the candidates, ``truth`` bought): each
    point's scores as :func:`_score` gives them, the top of all points in one pass."""
    n, q = ok.shape
    blocked = ~ok
    signs_ = [np.where(blocked, np.float32(0), v) for v in take]
    tops = [v.max(axis=1, keepdims=True) if q else np.zeros((n, 1), np.float32)
            for v in signs_]
    scores = np.empty((len(grid), n, q), np.float32)
    for i, w in enumerate(grid):
        score = np.zeros((n, q), np.float32)
        for weight, values, top in zip(w.as_tuple(), signs_, tops, strict=True):
            if weight:
                score += values * np.divide(np.float32(weight), top,
                                            out=np.zeros_like(top), where=top > 0)
        score *= w.factor(margin_share)[idx].astype(np.float32)
        score[blocked] = -np.inf
        scores[i] = score
    limit = min(k, q)
    if not limit or not n:
        return np.zeros((len(grid), n))
    flat = scores.reshape(len(grid) * n, q)
    best = np.argpartition(flat, q - limit, axis=1)[:, -limit:]  # per row as _top
    r = np.repeat(np.arange(len(flat)), limit)
    c = best.ravel()
    found = np.isfinite(flat[r, c])
    r, c = r[found], c[found]
    return np.bincount(r, weights=truth[r % n, c], minlength=len(flat)).reshape(len(grid), n)


def suggestions(pairs: pd.DataFrame, products: pd.DataFrame, customers: pd.DataFrame,
                as_of: pd.Timestamp, rules: sg.SuggestionRules,
                ordered: np.ndarray | None = None,
                weights: Weights | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(suggestions, association rules) for every customer as of ``as_of``, in the
    portrait's order (:func:`rank` with ``weights``, by default
    :data:`DEFAULT_WEIGHTS`), for the customers with a purchase in the 365 days and those
    ``ordered`` (ids with any order up to the as-of date)."""
    b = sg.baskets(pairs, products, customers["customer_id"].to_numpy(), as_of)
    mined = sg.association_rules(b, rules)
    s = signs(b, customers, mined, rules.narrow_by_tags)
    found = rank(b, s, weights or DEFAULT_WEIGHTS, rules.limit, suggested_rows(b, ordered))
    return found, mined


__all__ = ["DEFAULT_WEIGHTS", "TUNING_DAYS", "Signs", "WeightChoice", "Weights",
           "choose_weights", "judged_window", "rank", "signs", "suggested_rows", "suggestions",
           "weight_grid"]
