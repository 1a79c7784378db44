"""Which customers a cockpit link means (the list selector of ``dashboard/filters.py``).

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
``scheme=7&band=2``       in band 2 (counting from 1) of classification scheme 7 as of the
                          as-of date; ``scheme=7`` alone: in any band of scheme 7
``segment=3``             in the segment of segmentation rule 3 (its open membership)
========================  ===========================================================

A scheme's bands are not columns of the customer table: the caller passes them as
``scheme_band`` (each customer's band number in the selector's scheme, from
``dashboard.services.schemes.band_numbers``, which also checks that the user may see the
scheme); :func:`selection_mask` refuses a scheme selector without them.

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
    once: bool = False  # one-time buyers: exactly one purchase occasion so far
    tier: str | None = None
    tier_prev: str | None = None
    move: str | None = None
    mover: str | None = None
    scheme: int | None = None  # a classification scheme's id
    band: int | None = None  # a band of ``scheme``, counting from 1
    segment: int | None = None  # a segmentation rule's id: the customers in its segment

    def __post_init__(self) -> None:
        allowed = {"status": STATUSES, "tier": TIERS, "tier_prev": (*TIERS, NO_TIER),
                   "move": MOVES, "mover": MOVERS}
        for name, values in allowed.items():
            value = getattr(self, name)
            if value is not None and value not in values:
                raise ValueError(f"Unknown {name} {value!r}; choose one of "
                                 f"{', '.join(values)}.")
        if self.scheme is not None and (isinstance(self.scheme, bool) or self.scheme < 1):
            raise ValueError(f"A scheme id is a positive number, not {self.scheme!r}.")
        if self.band is not None and (self.scheme is None or isinstance(self.band, bool)
                                      or self.band < 1):
            raise ValueError("A band is a number from 1 and needs its scheme.")
        if self.segment is not None and (isinstance(self.segment, bool) or self.segment < 1):
            raise ValueError(f"A rule id is a positive number, not {self.segment!r}.")

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


def _equals(table: pd.DataFrame, column: str, value: str) -> np.ndarray:
    return (table[column] == value).to_numpy(dtype=bool, na_value=False)


def selection_mask(table: pd.DataFrame, selector: Selector,
                   scheme_band: pd.Series | None = None,
                   segment_members: pd.Index | None = None) -> np.ndarray:
    """True for the rows of the customer table ``selector`` keeps. ``scheme_band``: for a
    scheme selector, the band number (from 1) of each customer in that scheme, indexed by
    customer id (customers in no band absent or empty); ``segment_members``: for a segment
    selector, the ids of the customers in that segment."""
    mask = np.ones(len(table), dtype=bool)
    if selector.segment is not None:
        if segment_members is None:
            raise ValueError("A segment selector needs the segment's customers.")
        mask &= table["customer_id"].isin(segment_members).to_numpy(dtype=bool)
    if selector.scheme is not None:
        if scheme_band is None:
            raise ValueError("A scheme selector needs the customers' bands (scheme_band).")
        band = table["customer_id"].map(scheme_band)
        inside = band.notna() if selector.band is None else band == selector.band
        mask &= inside.to_numpy(dtype=bool, na_value=False)
    if selector.status:
        mask &= _equals(table, "status", selector.status)
    if selector.new:
        mask &= table["is_new"].to_numpy(dtype=bool, na_value=False)
    if selector.once:
        mask &= table["one_time_buyer"].to_numpy(dtype=bool, na_value=False)
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


def select(table: pd.DataFrame, selector: Selector,
           scheme_band: pd.Series | None = None) -> pd.DataFrame:
    """The rows ``selector`` keeps (all of ``table`` for an empty selector)."""
    mask = selection_mask(table, selector, scheme_band)
    return table if mask.all() else table.loc[mask].reset_index(drop=True)


def count(table: pd.DataFrame, selector: Selector,
          scheme_band: pd.Series | None = None,
          segment_members: pd.Index | None = None) -> int:
    return int(selection_mask(table, selector, scheme_band, segment_members).sum())


def _counts(values: pd.Series, labels: tuple[str, ...]) -> pd.Series:
    """Rows per label of a categorical column (one pass), zeros included; the same numbers
    as :func:`count` with one selector per label (the tests hold them equal)."""
    codes = pd.Categorical(values, categories=list(labels)).codes
    counts = np.bincount(codes[codes >= 0], minlength=len(labels)).astype(np.int64)
    return pd.Series(counts, index=list(labels))


def move_counts(table: pd.DataFrame) -> pd.Series:
    """Customers per tier movement (``move=up`` ... ``move=new``), zeros included."""
    return _counts(table["tier_move"], MOVES)


def entry_counts(table: pd.DataFrame) -> pd.Series:
    """Customers without a previous tier, per current tier (``tier_prev=none&tier=...``,
    the row below the matrix)."""
    return _counts(table.loc[table["abc_tier_prev"].isna().to_numpy(), "abc_tier"], TIERS)


def mover_counts(table: pd.DataFrame) -> dict[str, int]:
    """Customers per surge and drop list (``mover=revenue_surge`` ...)."""
    counts: dict[str, int] = {}
    for metric in METRICS:
        found = _counts(table[f"{metric}_move"], KINDS)
        counts.update({f"{metric}_{kind}": int(found[kind]) for kind in KINDS})
    return counts


__all__ = ["MOVERS", "NO_TIER", "Selector", "count", "entry_counts", "move_counts",
           "mover_counts", "select", "selection_mask"]
