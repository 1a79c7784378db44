"""A customer against its own past (SPEC "Dynamic segmentation rules"): the last 30 days'
revenue against the customer's own average 30 days of the 90 (or 365) days before them.

For a window of ``w`` days (90 or 365) ending the day before the last 30 days start:

- ``revenue_own<w>_avg30``: the window's revenue × 30 / ``w`` (its average 30 days);
- ``revenue_vs_own<w>``: last 30 days' revenue minus that average (money; negative: down),
  the figure a money floor tests ("by at least 2,000" is ``<= -2000``);
- ``revenue_vs_own<w>_pct``: that change in % of the average; empty when the average is 0
  or below (nothing, or net returns, to measure against).

Only days on or before the as-of date count, like every figure.
"""

from __future__ import annotations

import numpy as np

from dashboard.analytics.features import Columns, growth_pct
from dashboard.analytics.history import Segments
from dashboard.analytics.movers import MOVER_DAYS

WINDOWS = (90, 365)


def required_cuts(as_of_day: int) -> list[int]:
    """The cut days (see ``history.Segments``) the own-past figures need."""
    recent_start = as_of_day - MOVER_DAYS
    return [as_of_day, recent_start, *(recent_start - w for w in WINDOWS)]


def own_past_columns(segments: Segments, as_of_day: int) -> Columns:
    recent_end = as_of_day - MOVER_DAYS  # the last day before the last 30 days
    recent = np.round(segments.total("revenue", recent_end + 1, as_of_day), 2)
    out: Columns = {}
    for window in WINDOWS:
        before = segments.total("revenue", recent_end - window + 1, recent_end)
        average = before * MOVER_DAYS / window
        out[f"revenue_own{window}_avg30"] = np.round(average, 2)
        out[f"revenue_vs_own{window}"] = np.round(recent - average, 2)
        out[f"revenue_vs_own{window}_pct"] = growth_pct(recent, average)
    return out


COLUMNS = [f"{name}" for w in WINDOWS for name in (
    f"revenue_own{w}_avg30", f"revenue_vs_own{w}", f"revenue_vs_own{w}_pct")]

__all__ = ["COLUMNS", "WINDOWS", "own_past_columns", "required_cuts"]
