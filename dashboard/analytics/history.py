"""The customer-day rollup as flat numpy arrays aligned to a list of customers.

Every per-customer reduction of the figure engine goes through one pass here: the days are cut
into consecutive intervals ending on given *cut* days, each row gets the code
``interval * (customers + 1) + customer``, and one ``bincount`` per column (plus one
``minimum.at`` / ``maximum.at`` for the purchase days) reduces all intervals at once. Any
period, previous period, mover window or as-of date whose bounds are cuts is then a sum (or
min / max) of a few interval rows, per customer.

Rows are never copied or sorted. The last cut is the as-of date: rows dated after it fall in no
interval, so they never reach a figure; rows without a day never count either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

DAY_COLUMNS = ("customer_id", "day", "revenue", "orders", "return_orders", "return_amount",
               "costed_revenue", "cost", "coupon_orders")
_FAR = np.int64(2**40)
NO_DAY = -_FAR  # "no such day" in PurchaseStats


@dataclass(frozen=True)
class PurchaseStats:
    """Purchase days (days with ``orders > 0``) on or before one as-of day, per customer."""

    count: np.ndarray  # purchase days ever
    first: np.ndarray  # first purchase day (day number), NO_DAY when none
    last: np.ndarray  # last purchase day, NO_DAY when none
    window_count: np.ndarray  # purchase days inside the window ending on the as-of day
    window_first: np.ndarray  # first purchase day inside that window, NO_DAY when none


@dataclass(frozen=True)
class Segments:
    """Per-customer reductions over the intervals ``(cuts[i-1], cuts[i]]`` (the first one
    open to the past): arrays of shape ``(len(cuts), customers)``."""

    cuts: np.ndarray
    sums: dict[str, np.ndarray]
    purchase_days: np.ndarray
    first_purchase: np.ndarray  # _FAR where none
    last_purchase: np.ndarray  # -_FAR where none

    def _rows(self, first_day: int | None, last_day: int) -> slice:
        """Interval rows covering ``first_day..last_day`` (``None``: all history)."""
        end = int(np.searchsorted(self.cuts, last_day))
        if end >= len(self.cuts) or self.cuts[end] != last_day:
            raise ValueError(f"Day {last_day} is not a cut.")
        if first_day is None:
            return slice(0, end + 1)
        start = int(np.searchsorted(self.cuts, first_day - 1))
        if start >= len(self.cuts) or self.cuts[start] != first_day - 1:
            raise ValueError(f"Day {first_day - 1} is not a cut.")
        return slice(start + 1, end + 1)

    def total(self, column: str, first_day: int, last_day: int) -> np.ndarray:
        """Per customer, the sum of ``column`` over ``first_day..last_day`` (both included)."""
        return self.sums[column][self._rows(first_day, last_day)].sum(axis=0)

    def purchase_stats(self, as_of_day: int, window_days: int) -> PurchaseStats:
        """Purchase-day statistics on or before ``as_of_day``; the window is the
        ``window_days`` days ending on it. Both days must be cuts."""
        every = self._rows(None, as_of_day)
        window = self._rows(as_of_day - window_days + 1, as_of_day)
        count = self.purchase_days[every].sum(axis=0)
        window_count = self.purchase_days[window].sum(axis=0)
        first = self.first_purchase[every].min(axis=0, initial=_FAR)
        last = self.last_purchase[every].max(axis=0, initial=-_FAR)
        window_first = self.first_purchase[window].min(axis=0, initial=_FAR)
        return PurchaseStats(
            count=count,
            first=np.where(count > 0, first, NO_DAY),
            last=np.where(count > 0, last, NO_DAY),
            window_count=window_count,
            window_first=np.where(window_count > 0, window_first, NO_DAY),
        )


@dataclass(frozen=True)
class History:
    """Rows of ``days`` with each row's customer position (``n`` for rows of customers not in
    the list) and its day relative to the first day of the rows (``span`` when unknown)."""

    frame: pd.DataFrame
    n: int
    pos: np.ndarray
    offset: np.ndarray
    first_day: int
    span: int
    _cache: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, days: pd.DataFrame, customer_ids: np.ndarray) -> History:
        """``customer_ids`` must be unique; row positions follow their order."""
        missing = [c for c in DAY_COLUMNS if c not in days.columns]
        if missing:
            raise ValueError("The customer-day rows lack the column(s) " + ", ".join(missing) + ".")
        ids = np.asarray(customer_ids, dtype=np.int64)
        day = _day_numbers(days["day"])
        known = day != _FAR
        first = int(np.min(day, initial=_FAR, where=known))
        last = int(np.max(day, initial=-_FAR, where=known))
        first, span = (first, last - first + 1) if first <= last else (0, 0)
        # positions and day offsets in 32 bits (fewer customers and days than 2**31), worked
        # out in place: at 10M orders each array of the rollup's length is 40-80 MB
        day -= first
        day[~known] = span
        return cls(frame=days, n=len(ids), pos=_positions(days["customer_id"], ids),
                   offset=day.astype(np.int32), first_day=first, span=span)

    def column(self, name: str) -> np.ndarray:
        """A column as float64 (a view when it already is; not kept, to spare memory)."""
        return self.frame[name].to_numpy(dtype=np.float64, na_value=0.0)

    def segments(self, cuts: list[int] | np.ndarray, columns: tuple[str, ...]) -> Segments:
        """Reduce every row once into the intervals ending on ``cuts`` (day numbers); rows after
        the last cut are left out."""
        cuts = np.unique(np.asarray(cuts, dtype=np.int64))
        m, width = len(cuts), self.n + 1
        days = np.arange(self.first_day, self.first_day + self.span + 1, dtype=np.int64)
        slot_base = np.searchsorted(cuts, days) * width  # per day offset; "after" = m
        slot_base[-1] = m * width  # rows without a day
        code = slot_base[self.offset]
        code += self.pos
        size = (m + 1) * width
        sums = {name: _by_slot(np.bincount(code, weights=self.column(name), minlength=size)
                               .astype(np.float64, copy=False), m, width) for name in columns}
        purchase = self.purchase
        counts = np.bincount(np.where(purchase, code, size), minlength=size + 1)[:size]
        first = np.full(size, _FAR)
        np.minimum.at(first, code, np.where(purchase, self.offset, _FAR))
        last = np.full(size, -_FAR)
        np.maximum.at(last, code, np.where(purchase, self.offset, -_FAR))
        return Segments(
            cuts=cuts, sums=sums, purchase_days=_by_slot(counts, m, width),
            first_purchase=_by_slot(np.where(first == _FAR, _FAR, first + self.first_day), m,
                                    width),
            last_purchase=_by_slot(np.where(last == -_FAR, -_FAR, last + self.first_day), m,
                                   width))

    @property
    def purchase(self) -> np.ndarray:
        """Rows that are purchase occasions (at least one order that is not a return)."""
        if "_purchase" not in self._cache:
            self._cache["_purchase"] = self.frame["orders"].to_numpy(na_value=0) > 0
        return self._cache["_purchase"]


def _by_slot(values: np.ndarray, m: int, width: int) -> np.ndarray:
    return values.reshape(m + 1, width)[:m, : width - 1]


def _positions(customer_id: pd.Series, ids: np.ndarray) -> np.ndarray:
    """Each row's index in ``ids`` (``len(ids)`` when the customer is not listed), in 32 bits."""
    n = len(ids)
    cid = customer_id.to_numpy(dtype=np.int64, na_value=-1)
    if n == 0 or len(cid) == 0:
        return np.full(len(cid), n, dtype=np.int32)
    low, high = int(ids.min()), int(ids.max())
    if low >= 0 and high <= 8 * n + 1_000_000:  # dense ids: a lookup table
        lookup = np.full(high + 2, n, dtype=np.int32)
        lookup[ids] = np.arange(n, dtype=np.int32)
        return lookup[np.clip(cid, -1, high + 1)]
    sorter = np.argsort(ids, kind="stable")
    found = np.searchsorted(ids, cid, sorter=sorter).clip(0, n - 1)
    return np.where(ids[sorter[found]] == cid, sorter[found], n).astype(np.int32)


def _day_numbers(day: pd.Series) -> np.ndarray:
    """Days since 1970-01-01; ``_FAR`` for rows without a day."""
    if not pd.api.types.is_datetime64_any_dtype(day):
        day = pd.to_datetime(day)
    if getattr(day.dt, "tz", None) is not None:
        day = day.dt.tz_localize(None)
    numbers = day.to_numpy().astype("datetime64[D]").view(np.int64)
    return np.where(numbers == np.iinfo(np.int64).min, _FAR, numbers)  # NaT: no day


__all__ = ["DAY_COLUMNS", "NO_DAY", "History", "PurchaseStats", "Segments"]
