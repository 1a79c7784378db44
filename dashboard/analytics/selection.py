"""Which customers a cockpit link means (the list selector of ``layouts/links.py``).

Every count on the cockpit links to a customer list; the list keeps exactly the customers of
the customer table that match every part of the :class:`Selector` given:

========================  ===========================================================
``status=active``         ``status`` is active (likewise ``churning``, ``lost``, ``never``)
``new=1``                 ``is_new``: first order ever inside the period
``tier=A``                ``abc_tier`` is A (B, C, D)
``tier_prev=B``           ``abc_tier_prev`` is B; ``tier_prev=none``: no previous tier
``move=up``               ``tier_move`` is up (``down``, ``same``, ``new``)
``mover=revenue_surge``   ``revenue_move`` is surge (``revenue_drop``, ``orders_surge``,
                          ``orders_drop``: the 30-day surges and drops)
========================  ===========================================================

Parts combine with "and": ``tier_prev=A&tier=D`` is the matrix cell "A before, D now". The
cockpit's own counts are checked against :func:`selection_mask` in the tests, so a number and
the list behind it cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from dashboard.analytics.abc import MOVES, TIERS
from dashboard.analytics.movers import KINDS, METRICS
from dashboard.analytics.status import STATUSES

NO_TIER = "none"
MOVERS = tuple(f"{metric}_{kind}" for metric in METRICS for kind in KINDS)


@dataclass(frozen=True)
class Selector:
    """A list selector; every field left empty selects everyone."""

    status: str | None = None
    new: bool = False
    tier: str | None = None
    tier_prev: str | None = None
    move: str | None = None
    mover: str | None = None

    def __post_init__(self) -> None:
        allowed = {"status": STATUSES, "tier": TIERS, "tier_prev": (*TIERS, NO_TIER),
                   "move": MOVES, "mover": MOVERS}
        for name, values in allowed.items():
            value = getattr(self, name)
            if value is not None and value not in values:
                raise ValueError(f"Unknown {name} {value!r}; choose one of "
                                 f"{', '.join(values)}.")

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


def _equals(table: pd.DataFrame, column: str, value: str) -> np.ndarray:
    return (table[column] == value).to_numpy(dtype=bool, na_value=False)


def selection_mask(table: pd.DataFrame, selector: Selector) -> np.ndarray:
    """True for the rows of the customer table ``selector`` keeps."""
    mask = np.ones(len(table), dtype=bool)
    if selector.status:
        mask &= _equals(table, "status", selector.status)
    if selector.new:
        mask &= table["is_new"].to_numpy(dtype=bool, na_value=False)
    if selector.tier:
        mask &= _equals(table, "abc_tier", selector.tier)
    if selector.tier_prev == NO_TIER:
        mask &= table["abc_tier_prev"].isna().to_numpy()
    elif selector.tier_prev:
        mask &= _equals(table, "abc_tier_prev", selector.tier_prev)
    if selector.move:
        mask &= _equals(table, "tier_move", selector.move)
    if selector.mover:
        metric, kind = selector.mover.rsplit("_", 1)
        mask &= _equals(table, f"{metric}_move", kind)
    return mask


def select(table: pd.DataFrame, selector: Selector) -> pd.DataFrame:
    """The rows ``selector`` keeps (all of ``table`` for an empty selector)."""
    mask = selection_mask(table, selector)
    return table if mask.all() else table.loc[mask].reset_index(drop=True)


def count(table: pd.DataFrame, selector: Selector) -> int:
    return int(selection_mask(table, selector).sum())


def move_counts(table: pd.DataFrame) -> pd.Series:
    """Customers per tier movement (up, down, same, new), zeros included."""
    return pd.Series({move: count(table, Selector(move=move)) for move in MOVES},
                     dtype=np.int64)


def entry_counts(table: pd.DataFrame) -> pd.Series:
    """Customers without a previous tier, per current tier (the row below the matrix)."""
    return pd.Series({tier: count(table, Selector(tier_prev=NO_TIER, tier=tier))
                      for tier in TIERS}, dtype=np.int64)


__all__ = ["MOVERS", "NO_TIER", "Selector", "count", "entry_counts", "move_counts", "select",
           "selection_mask"]
