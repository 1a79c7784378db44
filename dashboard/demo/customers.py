"""The demo's customers and how each of them behaves.

Three types: Retail shops (the majority, small and irregular), Trade customers (contractors,
workshops: regular, mid-sized) and a few Distributors (large, frequent). Each customer gets a
behaviour *archetype* in realistic proportions, which the order timeline turns into history:

- ``steady``: buys on its own cycle (regular for B2B customers, irregular for shops);
- ``seasonal``: buys mostly in one season;
- ``churned``: stopped buying at some point in the past;
- ``slipping``: still buying, but the gaps are getting longer right now;
- ``surge`` / ``drop``: spend in the last 30 days far above / below the 30 days before;
- ``new``: first order in the last 90 days;
- ``one``: a single purchase, never came back;
- ``never``: a customer record without any order (a prospect).

Day numbers count from the first day of the history (0) to today; customers created before the
history have negative creation days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analytics.kinds import DISTRIBUTOR, RETAIL, TRADE
from dashboard.demo import names
from dashboard.demo.calendar import SEASONS, profile_index

TYPES = [RETAIL, TRADE, DISTRIBUTOR]  # the order of the per-type arrays below
TYPE_SHARE = [0.75, 0.20, 0.05]
ARCHETYPES = ["steady", "seasonal", "churned", "slipping", "surge", "drop", "new", "one",
              "never"]
# share of each archetype (after ``steady``) for Retail, Trade, Distributor
_ARCHETYPE_SHARE = np.array([
    [0.08, 0.15, 0.06, 0.025, 0.025, 0.04, 0.10, 0.06],
    [0.07, 0.12, 0.08, 0.05, 0.05, 0.04, 0.05, 0.04],
    [0.00, 0.06, 0.10, 0.08, 0.08, 0.03, 0.00, 0.00],
])
BASE_RATE = np.array([1 / 45, 1 / 8, 1 / 3])  # orders per day before calibration
BASKET = np.array([600.0, 3_000.0, 5_000.0])  # typical order value
SHAPE = np.array([[1.0, 2.5], [3.0, 8.0], [4.0, 10.0]])  # regularity of the buying cycle
DISCOUNT = np.array([[0.0, 0.0], [0.05, 0.12], [0.12, 0.22]])
COUPON_USE = np.array([0.06, 0.03, 0.01])
MISSING_PHONE = np.array([0.08, 0.02, 0.02])
MISSING_EMAIL = np.array([0.35, 0.10, 0.03])
ENGLISH_SHARE = 0.35
HOUSE_ACCOUNT_SHARE = 0.02
PAYMENT_CLASSES = ["good", "slow", "bad"]
PAYMENT_SHARE = [0.72, 0.22, 0.06]


def _archetypes(rng: np.random.Generator, type_idx: np.ndarray) -> np.ndarray:
    shares = _ARCHETYPE_SHARE[type_idx]
    cumulative = np.hstack([np.zeros((len(type_idx), 1)), np.cumsum(shares, axis=1)])
    u = rng.random(len(type_idx))
    # 0 = steady when u is beyond every other archetype's share
    later = (u[:, None] < cumulative[:, 1:]) & (u[:, None] >= cumulative[:, :-1])
    return np.where(later.any(axis=1), later.argmax(axis=1) + 1, 0)


def _lifetimes(rng: np.random.Generator, arche: np.ndarray, today: int) -> pd.DataFrame:
    """Creation day, first day of buying, last day of buying and whether the first order
    falls on the first day (customers who joined) or anywhere in the first cycle."""
    n = len(arche)
    a = pd.Series(ARCHETYPES).to_numpy()[arche]
    joined = rng.random(n) < 0.25
    created = np.where(joined, rng.integers(0, max(today - 150, 1), n),
                       -rng.integers(1, 5 * 365, n))
    created = np.where((a == "churned") & joined, rng.integers(0, max(today - 300, 1), n),
                       created)
    first = np.where(created >= 0, created + rng.integers(0, 15, n), 0)
    new_first = rng.integers(today - 90, today - 1, n)
    first = np.where(a == "new", new_first, first)
    created = np.where(a == "new", new_first - rng.integers(0, 21, n), created)
    created = np.where(a == "one", rng.integers(-730, today - 45, n), created)
    created = np.where(a == "never", rng.integers(-3 * 365, today + 1, n), created)
    one_day = np.maximum(created, 0) + (rng.random(n) * (today - 31 - np.maximum(
        created, 0))).astype(np.int64)
    first = np.where(a == "one", one_day, first)
    stop = np.full(n, today)
    churn_stop = first + 45 + (rng.random(n) * np.maximum(today - 165 - first, 0)).astype(int)
    stop = np.where(a == "churned", churn_stop, stop)
    stop = np.where(a == "one", one_day, stop)
    return pd.DataFrame({"created_day": created, "start_day": first, "stop_day": stop,
                         "at_start": (created >= 0) | (a == "new") | (a == "one")})


def _preferences(rng: np.random.Generator, n: int, weights: np.ndarray) -> np.ndarray:
    """Three preferred categories per customer (no repeats), popular ones more often."""
    keys = np.log(weights)[None, :] + rng.gumbel(size=(n, len(weights)))
    return np.argsort(-keys, axis=1)[:, :3]


def _uniform(rng: np.random.Generator, bounds: np.ndarray, type_idx: np.ndarray) -> np.ndarray:
    low, high = bounds[type_idx, 0], bounds[type_idx, 1]
    return low + (high - low) * rng.random(len(type_idx))


def build_traits(rng: np.random.Generator, n: int, today: int,
                 category_weight: np.ndarray) -> pd.DataFrame:
    """One row per customer: type, archetype, lifetime and buying habits."""
    type_idx = rng.choice(3, size=n, p=TYPE_SHARE)
    arche = _archetypes(rng, type_idx)
    b2b = type_idx > 0
    season = rng.integers(0, len(SEASONS), n)
    seasonal_profile = np.where(b2b, profile_index("b2b", "spring"),
                                profile_index("retail", "spring")) + season
    profile = np.where(b2b, profile_index("b2b"), profile_index("retail"))
    profile = np.where(arche == ARCHETYPES.index("seasonal"), seasonal_profile, profile)
    steady_b2b = b2b & (arche == 0)
    weekday = np.where(steady_b2b & (rng.random(n) < 0.35), rng.choice(
        5, size=n, p=[0.3, 0.25, 0.2, 0.15, 0.1]), -1)
    prefs = _preferences(rng, n, category_weight)
    traits = pd.DataFrame({
        "type_idx": type_idx,
        "archetype": arche,
        "profile": profile,
        "rate": BASE_RATE[type_idx] * rng.lognormal(0.0, 0.4, n),
        "shape": _uniform(rng, SHAPE, type_idx),
        "basket": BASKET[type_idx] * rng.lognormal(0.0, 0.7, n),
        "discount": np.where((type_idx == 0) & (rng.random(n) < 0.1), 0.05,
                             _uniform(rng, DISCOUNT, type_idx)),
        "weekday": weekday,
        "pref0": prefs[:, 0], "pref1": prefs[:, 1], "pref2": prefs[:, 2],
        "payment": rng.choice(3, size=n, p=PAYMENT_SHARE),
        "terms": np.where(type_idx == 2, np.where(rng.random(n) < 0.3, 90, 60),
                          np.where(rng.random(n) < 0.2, 60, 30)),
        "coupon_use": COUPON_USE[type_idx] * rng.uniform(0.0, 2.0, n),
    })
    return pd.concat([traits, _lifetimes(rng, arche, today)], axis=1)


def _rep_ids(rng: np.random.Generator, region: np.ndarray, type_idx: np.ndarray,
             rep_grid: np.ndarray) -> np.ndarray:
    """Each customer's account manager: a rep of the team covering its region; the team's
    first rep manages its distributors; a few house accounts have none."""
    team_of_region = {r: t for t, (_, regions) in enumerate(names.TEAMS) for r in regions}
    team = pd.Series(region).map(team_of_region).to_numpy(dtype=np.int64)
    slot = rng.integers(0, rep_grid.shape[1], len(region))
    slot = np.where(type_idx == 2, 0, slot)
    rep = rep_grid[team, slot].astype(float)
    return np.where(rng.random(len(region)) < HOUSE_ACCOUNT_SHARE, np.nan, rep)


def build_customers(rng: np.random.Generator, traits: pd.DataFrame, start: np.datetime64,
                    rep_grid: np.ndarray, first_id: int = 1) -> pd.DataFrame:
    """The ``customers`` rows. ``rep_grid[team, slot]`` holds rep ids."""
    n = len(traits)
    type_idx = traits["type_idx"].to_numpy()
    weights = np.array([c[3] for c in names.CITIES], dtype=float)
    city = rng.choice(len(names.CITIES), size=n, p=weights / weights.sum())
    region = np.array([c[2] for c in names.CITIES], dtype=object)[city]
    english = rng.random(n) < ENGLISH_SHARE
    name, slug = names.company_names(rng, city, np.array(TYPES)[type_idx], english)
    phone = names.phones(rng, n).where(rng.random(n) >= MISSING_PHONE[type_idx])
    email = names.emails(rng, slug).where(rng.random(n) >= MISSING_EMAIL[type_idx])
    width = max(6, len(str(first_id + n)))
    return pd.DataFrame({
        "id": np.arange(first_id, first_id + n),
        "code": "C" + pd.Series(np.arange(first_id, first_id + n), dtype="string").str.zfill(
            width),
        "name": name,
        "customer_type": pd.Series(np.array(TYPES)[type_idx], dtype="string"),
        "region": pd.Series(region, dtype="string"),
        "rep_id": _rep_ids(rng, region, type_idx, rep_grid),
        "phone": phone,
        "email": email,
        "created_date": start + traits["created_day"].to_numpy().astype("timedelta64[D]"),
        "opt_out_sms": phone.notna().to_numpy() & (rng.random(n) < 0.03),
        "opt_out_email": email.notna().to_numpy() & (rng.random(n) < 0.04),
    })
