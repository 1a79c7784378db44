"""When each order happens: the order headers of the whole history, before their lines.

Every customer buys on its own clock: gaps between purchases follow a gamma distribution around
its usual gap (regular for B2B customers, irregular for shops), and the clock is mapped onto
the calendar through its demand profile (weekdays, months, New Year). The archetypes shape the
timeline: churned customers stop, slipping customers' last gaps stretch, surging customers buy
more and bigger in the last 30 days, dropping customers nearly stop in the last 30 days, new
customers start in the last 90 days. Returns follow purchases a few days later, and walk-in
cash sales (no customer) fill the shop's days.

The usual gaps are calibrated so that the total comes close to the requested number of orders.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.demo.calendar import profile_index, to_clock, to_days, weekday_of
from dashboard.demo.customers import ARCHETYPES

ANONYMOUS_SHARE = 0.06
RETURN_RATE = np.array([0.008, 0.012, 0.015])  # return-only orders per purchase, by type
ANONYMOUS_RETURN_RATE = 0.02
SLIP_STRETCH = np.array([2.0, 1.6, 1.3])  # the last gaps of a slipping customer
COUPON_DAYS = 730  # coupons exist in the last two years
LEGACY_DAYS = 180  # orders from the previous ERP carry a date but no time
MIN_GAP, MOVER_GAP = 0.5, 15.0
KIND_PURCHASE, KIND_RETURN = 0, 1

_A = {name: i for i, name in enumerate(ARCHETYPES)}
_FORWARD = [_A[a] for a in ("steady", "seasonal", "churned", "surge", "drop", "new")]


def _group_cumsum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    if len(values) == 0:
        return values
    total = np.cumsum(values)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    before = np.repeat(total[starts] - values[starts], counts)
    return total - before


def _renewal(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray, gap: np.ndarray,
             shape: np.ndarray, first_gap: np.ndarray, backward: bool = False,
             stretch: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Purchase clocks of a gamma renewal process in ``[lo, hi]`` per customer: the first
    event ``first_gap`` after ``lo`` (or before ``hi`` when ``backward``). Returns (owner
    position, clock)."""
    expected = np.maximum(hi - lo, 0) / gap
    counts = np.ceil(expected + 3 * np.sqrt(expected) + 3).astype(np.int64)
    owner = np.repeat(np.arange(len(lo)), counts)
    position = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    gaps = rng.gamma(shape[owner], gap[owner] / shape[owner])
    if stretch is not None:
        gaps = gaps * np.where(position - 1 < len(stretch),
                               stretch[np.clip(position - 1, 0, len(stretch) - 1)], 1.0)
    gaps = np.where(position == 0, first_gap[owner], gaps)
    offset = _group_cumsum(gaps, counts)
    clock = hi[owner] - offset if backward else lo[owner] + offset
    keep = (clock >= lo[owner]) & (clock < hi[owner])
    return owner[keep], clock[keep]


def _usual_gaps(traits: pd.DataFrame, span: np.ndarray, target: float) -> np.ndarray:
    """Usual gap per customer (clock days) such that the expected total is ``target``."""
    rate = traits["rate"].to_numpy()
    arche = traits["archetype"].to_numpy()
    renewing = np.isin(arche, [*_FORWARD, _A["slipping"]])
    movers = np.isin(arche, [_A["surge"], _A["drop"]])
    fixed = (arche == _A["one"]).sum() + 5.0 * movers.sum() + traits["at_start"][renewing].sum()
    scale = max(target - fixed, 1.0) / max(float((rate * span)[renewing].sum()), 1e-9)
    gap = 1.0 / (scale * rate)
    capped = movers & (gap > MOVER_GAP)
    extra = (span[capped] / MOVER_GAP - span[capped] / gap[capped]).sum()
    free = renewing & ~capped
    gap[free] *= 1.0 + extra / max(float((span / gap)[free].sum()), 1e-9)
    gap[capped] = MOVER_GAP
    return np.maximum(gap, MIN_GAP)


BLOCK_CUSTOMERS = 20_000  # customers whose purchases are drawn at once (bounds memory)


def _block_purchases(rng: np.random.Generator, arche: np.ndarray, lo: np.ndarray,
                     hi: np.ndarray, gap: np.ndarray, shape: np.ndarray,
                     first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner position, clock) of the renewing customers of one block."""
    idx = np.flatnonzero(np.isin(arche, _FORWARD))
    fwd_owner, fwd_clock = _renewal(rng, lo[idx], hi[idx], gap[idx], shape[idx], first[idx])
    sl = np.flatnonzero(arche == _A["slipping"])
    since = gap[sl] * rng.uniform(2.3, 3.6, len(sl))
    back_owner, back_clock = _renewal(rng, lo[sl], hi[sl], gap[sl], shape[sl], since,
                                      backward=True, stretch=SLIP_STRETCH)
    return (np.concatenate([idx[fwd_owner], sl[back_owner]]),
            np.concatenate([fwd_clock, back_clock]))


def _customer_purchases(rng_for, traits: pd.DataFrame, cumulative: np.ndarray,  # noqa: ANN001
                        today: int, target: float) -> pd.DataFrame:
    arche = traits["archetype"].to_numpy()
    profile = traits["profile"].to_numpy()
    stop = np.where(arche == _A["drop"], today - 30, traits["stop_day"].to_numpy())
    lo = to_clock(cumulative, profile, traits["start_day"].to_numpy())
    hi = to_clock(cumulative, profile, stop + 1)
    gap = _usual_gaps(traits, hi - lo, target)
    shape = traits["shape"].to_numpy()
    first = np.where(traits["at_start"].to_numpy(), 0.0,
                     rng_for(0).random(len(arche)) * gap)
    owners, days = [], []
    for block, lo_at in enumerate(range(0, len(arche), BLOCK_CUSTOMERS)):
        part = slice(lo_at, lo_at + BLOCK_CUSTOMERS)
        owner, clock = _block_purchases(rng_for(100 + block), arche[part], lo[part], hi[part],
                                        gap[part], shape[part], first[part])
        owners.append(owner + lo_at)
        days.append(to_days(cumulative, profile[owner + lo_at], clock))
    ones = np.flatnonzero(arche == _A["one"])
    return pd.DataFrame({
        "customer": np.concatenate([*owners, ones]),
        "day": np.concatenate([*days, traits["start_day"].to_numpy()[ones]]),
        "boost": 1.0,
    })


def _mover_extras(rng: np.random.Generator, arche: np.ndarray, today: int) -> pd.DataFrame:
    """Surging customers: one order in the previous 30 days and 2+ more in the last 30;
    dropping customers: two orders in the previous 30 days and at most one small one since."""
    surge = np.flatnonzero(arche == _A["surge"])
    drop = np.flatnonzero(arche == _A["drop"])
    recent = 2 + rng.poisson(2.0, len(surge))
    late = drop[rng.random(len(drop)) < 0.5]
    parts = [
        (surge, rng.integers(today - 59, today - 29, len(surge)), 1.0),
        (np.repeat(surge, recent), rng.integers(today - 29, today + 1, recent.sum()), 1.0),
        (np.repeat(drop, 2), rng.integers(today - 59, today - 29, 2 * len(drop)), 1.0),
        (late, rng.integers(today - 29, today + 1, len(late)), 0.2),
    ]
    return pd.concat([pd.DataFrame({"customer": c, "day": d, "boost": b}) for c, d, b in parts],
                     ignore_index=True)


def _shift_to_weekday(start, frame: pd.DataFrame, traits: pd.DataFrame,  # noqa: ANN001
                      today: int) -> pd.DataFrame:
    """Customers with a usual ordering weekday move each order to the nearest such day."""
    wanted = traits["weekday"].to_numpy()[frame["customer"].to_numpy()]
    day = frame["day"].to_numpy()
    delta = (wanted - weekday_of(start, day) + 3) % 7 - 3
    moved = day + delta
    moved = np.where(moved > today, moved - 7, moved)
    first = traits["start_day"].to_numpy()[frame["customer"].to_numpy()]
    moved = np.where(moved < first, moved + 7, moved)
    ok = (wanted >= 0) & (moved >= 0) & (moved <= today)
    return frame.assign(day=np.where(ok, moved, day))


def _values(rng: np.random.Generator, frame: pd.DataFrame, traits: pd.DataFrame,
            today: int) -> np.ndarray:
    cust = frame["customer"].to_numpy()
    arche = traits["archetype"].to_numpy()[cust]
    last30 = frame["day"].to_numpy() > today - 30
    boost = np.where((arche == _A["surge"]) & last30, rng.uniform(2.0, 3.5, len(cust)), 1.0)
    return (traits["basket"].to_numpy()[cust] * rng.lognormal(0.0, 0.35, len(cust))
            * boost * frame["boost"].to_numpy())


def _returns(rng: np.random.Generator, purchases: pd.DataFrame, type_idx: np.ndarray,
             today: int) -> pd.DataFrame:
    """Return-only orders: a part of an earlier purchase comes back a few days later."""
    picked = purchases[rng.random(len(purchases)) < RETURN_RATE[type_idx]]
    later = picked["day"].to_numpy() + 1 + rng.geometric(0.12, len(picked))
    return picked.assign(day=np.minimum(later, today), kind=KIND_RETURN,
                         value=picked["value"].to_numpy() * rng.uniform(0.05, 0.3, len(picked)))


def _anonymous(rng: np.random.Generator, cumulative: np.ndarray, count: float) -> pd.DataFrame:
    """Walk-in cash sales, busiest when the shop is busiest."""
    retail = np.diff(cumulative[profile_index("retail")], prepend=0.0)
    per_day = rng.poisson(count * retail / retail.sum())
    n = int(per_day.sum())
    kind = np.where(rng.random(n) < ANONYMOUS_RETURN_RATE, KIND_RETURN, KIND_PURCHASE)
    value = rng.lognormal(np.log(180.0), 0.6, n) * np.where(kind == KIND_RETURN, 0.5, 1.0)
    return pd.DataFrame({"customer": -1, "day": np.repeat(np.arange(len(retail)), per_day),
                         "kind": kind, "value": value})


def _times(rng: np.random.Generator, b2b: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Seconds after midnight (-1: no time recorded)."""
    office = np.clip(rng.normal(10.5, 2.2, len(b2b)), 7.5, 19.0)
    shop = rng.uniform(8.5, 21.0, len(b2b))
    seconds = (np.where(b2b, office, shop) * 3600).astype(np.int64)
    return np.where(day < LEGACY_DAYS, -1, seconds)


def build_timeline(rng_for, traits: pd.DataFrame, cumulative: np.ndarray,  # noqa: ANN001
                   start, orders: int) -> pd.DataFrame:  # noqa: ANN001
    """Order headers sorted by day and time: customer position (-1 anonymous), day, seconds
    after midnight (-1 unknown), kind (purchase / return-only), target value, coupon used.
    ``rng_for(key)`` gives the random stream of a step (keys from 100 are customer blocks)."""
    if orders <= 0:
        return _sorted(pd.DataFrame({"customer": [], "day": [], "kind": [], "value": [],
                                     "seconds": [], "coupon": np.array([], dtype=bool)}))
    today = cumulative.shape[1] - 1
    type_idx = traits["type_idx"].to_numpy()
    purchases_wanted = orders * (1 - ANONYMOUS_SHARE) / (1 + RETURN_RATE.mean())
    arche = traits["archetype"].to_numpy()
    rng = rng_for(1)
    purchases = pd.concat([
        _customer_purchases(rng_for, traits, cumulative, today, purchases_wanted),
        _mover_extras(rng, arche, today),
    ], ignore_index=True)
    purchases = _shift_to_weekday(start, purchases, traits, today)
    purchases = purchases.assign(kind=KIND_PURCHASE,
                                 value=_values(rng, purchases, traits, today))
    customer_type = type_idx[purchases["customer"].to_numpy()]
    returns = _returns(rng, purchases, customer_type, today)
    frame = pd.concat([purchases.drop(columns="boost"), returns.drop(columns="boost"),
                       _anonymous(rng, cumulative, orders * ANONYMOUS_SHARE)],
                      ignore_index=True)
    cust = frame["customer"].to_numpy()
    known = cust >= 0
    b2b = known & (type_idx[np.maximum(cust, 0)] > 0)
    coupon_p = np.where(known, traits["coupon_use"].to_numpy()[np.maximum(cust, 0)], 0.015)
    recent = frame["day"].to_numpy() > today - COUPON_DAYS
    frame = frame.assign(
        seconds=_times(rng, b2b, frame["day"].to_numpy()),
        coupon=(frame["kind"].to_numpy() == KIND_PURCHASE) & recent
        & (rng.random(len(frame)) < coupon_p),
    )
    return _sorted(frame)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return (
        frame.astype({"customer": np.int32, "day": np.int32, "kind": np.int8,
                      "value": np.float64, "seconds": np.int32})
        .sort_values(["day", "seconds", "customer"], kind="stable")
        .reset_index(drop=True)
    )
