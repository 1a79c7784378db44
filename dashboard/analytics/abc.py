"""ABC tiers (SPEC.md "ABC tiers", seed 002): fixed or dynamic, movement and playbook.

- D is always "no revenue in the period": revenue of 0 or below (a period with only returns
  is net negative and is D too).
- Fixed: revenue ``>= A_min`` is A, ``>= B_min`` B, ``>= C_min`` C, else D, as in the seed; so
  a customer with revenue below ``C_min`` is D as well.
- Dynamic: customers with revenue > 0 by revenue descending, ties by customer code; A while
  the cumulative share *before* the customer is below ``A_share``, B while below
  ``A_share + B_share``, otherwise C. Amounts are compared in whole cents, so a boundary that
  falls exactly on a share is decided exactly.
- The previous tier is empty for a customer with no order on or before the previous period's
  last day; its movement is ``new`` once it has an order on or before the as-of date, and empty
  for a customer that has never traded at all.

Tiers, moves and actions are categorical columns (categories :data:`TIERS`, :data:`MOVES`,
:data:`ACTIONS` keys); the ``*_codes`` functions work on their integer codes (-1 = empty).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from dashboard.analytics.settings import FigureSettings

TIERS = ("A", "B", "C", "D")
MOVES = ("up", "down", "same", "new")
ACTIONS = {
    "keep": "Keep and protect",
    "grow": "Raise repeat rate and basket to reach A",
    "promote": "Promote",
    "call": "Phone call with an incentive",
    "visit": "Visit in person now",
}
A, B, C, D = range(4)


def cents(revenue: pd.Series | np.ndarray | float) -> np.ndarray:
    """Money as whole cents (int64)."""
    return np.rint(np.asarray(revenue, dtype=np.float64) * 100).astype(np.int64)


def code_order(code: pd.Series) -> np.ndarray:
    """Each customer's position when sorted by customer code (the tie-breaker)."""
    if code.is_monotonic_increasing and code.is_unique:
        return np.arange(len(code))
    return pd.factorize(code.to_numpy(), sort=True)[0]


def categorical(codes: np.ndarray, categories: tuple[str, ...] | list[str]) -> pd.Categorical:
    """Categorical values from integer codes (-1 = empty)."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int8),
                                     dtype=_dtype(tuple(categories)))


def labels(codes: np.ndarray, categories: tuple[str, ...] | list[str], index: pd.Index,
           name: str) -> pd.Series:
    """A categorical column from integer codes (-1 = empty)."""
    return pd.Series(categorical(codes, categories), index=index, name=name)


@functools.cache
def _dtype(categories: tuple[str, ...]) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(categories))


def codes_of(values: pd.Series, categories: tuple[str, ...]) -> np.ndarray:
    """Integer codes of a column of labels (-1 for empty or unknown labels)."""
    return pd.Categorical(values, dtype=_dtype(tuple(categories))).codes.astype(np.int8)


def tier_codes(amount: np.ndarray, order: np.ndarray, settings: FigureSettings) -> np.ndarray:
    """Tier codes from revenue in cents and the customers' code order."""
    if settings.abc_method == "fixed":
        return fixed_codes(amount, settings.abc_a_min, settings.abc_b_min, settings.abc_c_min)
    return dynamic_codes(amount, order, settings.abc_a_share, settings.abc_b_share)


def fixed_codes(amount: np.ndarray, a_min: float, b_min: float, c_min: float) -> np.ndarray:
    return np.select([amount <= 0, amount >= cents(a_min), amount >= cents(b_min),
                      amount >= cents(c_min)], [D, A, B, C], D).astype(np.int8)


def dynamic_codes(amount: np.ndarray, order: np.ndarray, a_share: float,
                  b_share: float) -> np.ndarray:
    buyers = np.flatnonzero(amount > 0)
    ranked = buyers[sort_keys(-amount[buyers], order[buyers])]
    sorted_amount = amount[ranked]
    total = float(sorted_amount.sum())
    before = (np.cumsum(sorted_amount) - sorted_amount).astype(np.float64) * 100.0
    codes = np.full(len(amount), D, dtype=np.int8)
    codes[ranked] = np.select([before < a_share * total, before < (a_share + b_share) * total],
                              [A, B], C)
    return codes


def sort_keys(*keys: np.ndarray) -> np.ndarray:
    """Stable order by ``keys`` (first key first); a last key that is already increasing
    (customers listed by code) costs nothing."""
    if len(keys) > 1 and bool(np.all(keys[-1][1:] > keys[-1][:-1])):
        keys = keys[:-1]
    if len(keys) == 1:
        return np.argsort(keys[0], kind="stable")
    return np.lexsort(keys[::-1])


def abc_tiers(revenue: pd.Series, code: pd.Series, settings: FigureSettings) -> pd.Series:
    """The tier of each customer by the configured method."""
    codes = tier_codes(cents(revenue), code_order(code), settings)
    return labels(codes, TIERS, revenue.index, "abc_tier")


def movement_codes(tier: np.ndarray, tier_prev: np.ndarray, traded: np.ndarray) -> np.ndarray:
    """Move codes: up / down / same against the previous tier, new without one (but traded),
    empty for customers that have never traded."""
    has_prev = tier_prev >= 0
    return np.select([has_prev & (tier < tier_prev), has_prev & (tier > tier_prev), has_prev,
                      traded], [0, 1, 2, 3], -1).astype(np.int8)


def action_codes(tier: np.ndarray, tier_prev: np.ndarray) -> np.ndarray:
    """The seed's playbook as codes into :data:`ACTIONS`: A keep, B grow, C promote; D visit
    when it was A or B before, otherwise (C, D or no tier) call with an incentive."""
    was_big = (tier_prev == A) | (tier_prev == B)
    return np.select([tier == A, tier == B, tier == C, was_big], [0, 1, 2, 4], 3).astype(np.int8)


def tier_movement(tier: pd.Series, tier_prev: pd.Series, traded: pd.Series) -> pd.Series:
    codes = movement_codes(codes_of(tier, TIERS), codes_of(tier_prev, TIERS),
                           traded.to_numpy(dtype=bool))
    return labels(codes, MOVES, tier.index, "tier_move")


def playbook_action(tier: pd.Series, tier_prev: pd.Series) -> pd.Series:
    codes = action_codes(codes_of(tier, TIERS), codes_of(tier_prev, TIERS))
    return labels(codes, list(ACTIONS), tier.index, "action")


def tier_matrix(tier_prev: pd.Series, tier: pd.Series) -> pd.DataFrame:
    """Customers per (previous tier, current tier), 4 x 4 with zeros; customers without a
    previous tier are left out (they are counted as ``new``)."""
    before, now = codes_of(tier_prev, TIERS), codes_of(tier, TIERS)
    both = (before >= 0) & (now >= 0)
    counts = np.bincount(before[both] * 4 + now[both], minlength=16).reshape(4, 4)
    return pd.DataFrame(counts.astype(np.int64), index=pd.Index(TIERS, name="abc_tier_prev"),
                        columns=pd.Index(TIERS, name="abc_tier"))


__all__ = ["ACTIONS", "MOVES", "TIERS", "abc_tiers", "action_codes", "categorical", "cents",
           "code_order", "codes_of", "dynamic_codes", "fixed_codes", "labels", "movement_codes",
           "playbook_action", "sort_keys", "tier_codes", "tier_matrix", "tier_movement"]
