"""Sales classifications (SPEC.md "Sales classifications", seeds 000/001).

A scheme sorts the customers of one type (or all) into ordered bands by one figure computed
over the scheme's own timeframe (e.g. the last 365 days against the 365 before):

- value kinds (``risk_score``, ``risk_change``, ``revenue_change``, ``orders``): bands are
  cumulative upper bounds ``u1 < u2 < ...``; band 1 is ``0..u1`` (both included), band k is
  ``(u(k-1)..uk]``. A value above the last bound, or below 0 when ``u1 >= 0``, is in no band.
  When ``u1`` is negative (a "falling star" at -50 %), band 1 is everything at or below it.
- rank and share kinds (``revenue_rank``, ``revenue_share``): band k is "top uk %" without
  the customers of earlier bands. ``revenue_rank`` counts customers: a customer is in the top
  u % while the share of customers ranked before it is below u %. ``revenue_share`` counts
  revenue within each customer type: a customer is in the top u % while the revenue of the
  customers before it is below u % of its type's revenue (the rule of dynamic ABC). Both rank
  by timeframe revenue descending, ties by customer code, among the eligible customers with
  revenue above 0.

Eligible customers: of the scheme's type, with an order on or before the as-of date, timeframe
revenue ``>= min_spend`` and timeframe orders ``>= min_orders`` when those are set. Customers
that are not eligible, or whose figure is empty (no growth when the previous revenue was 0 or
below), are in no band and do not count in the rank or share of others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboard.analytics.abc import cents
from dashboard.analytics.churn_choice import chosen_predictions
from dashboard.analytics.churn_model import ChurnFit
from dashboard.analytics.kinds import CUSTOMER_TYPES, SCHEME_KINDS
from dashboard.analytics.periods import rolling_period
from dashboard.analytics.ranking import group_codes, ordered_within
from dashboard.analytics.settings import FigureSettings
from dashboard.analytics.table import customer_table


@dataclass(frozen=True)
class Band:
    label: str
    upper: float


@dataclass(frozen=True)
class Scheme:
    """A classification scheme; invalid schemes raise ``ValueError`` naming the problem."""

    kind: str
    bands: tuple[Band, ...]
    customer_type: str | None = None
    min_spend: float | None = None
    min_orders: int | None = None
    timeframe_days: int = 365

    def __post_init__(self) -> None:
        problem = _problem(self)
        if problem:
            raise ValueError(f"Invalid classification scheme: {problem}.")

    @classmethod
    def from_mapping(cls, record: Mapping[str, Any]) -> Scheme:
        """From a stored scheme: ``kind``, ``bands`` (``[{"label", "upper"}, ...]``),
        ``customer_type`` (empty or ``all`` for every type), ``min_spend``, ``min_orders``,
        ``timeframe_days``."""
        try:
            bands = tuple(Band(str(b["label"]), float(b["upper"])) for b in record["bands"])
        except (KeyError, TypeError, ValueError):
            raise ValueError("Invalid classification scheme: every band needs a label and a "
                             "numeric upper bound.") from None
        kind = record.get("customer_type") or None
        return cls(kind=str(record.get("kind", "")), bands=bands,
                   customer_type=None if kind == "all" else kind,
                   min_spend=_optional(record.get("min_spend"), float),
                   min_orders=_optional(record.get("min_orders"), int),
                   timeframe_days=int(record.get("timeframe_days") or 365))

    @property
    def uppers(self) -> np.ndarray:
        return np.array([b.upper for b in self.bands], dtype=np.float64)

    @property
    def labels(self) -> list[str]:
        return [b.label for b in self.bands]


def _optional(value: Any, kind: type) -> Any:
    return None if value is None or value == "" else kind(value)


def _problem(scheme: Scheme) -> str:
    uppers = scheme.uppers
    if scheme.kind not in SCHEME_KINDS:
        return f"unknown type {scheme.kind!r}; choose one of {', '.join(SCHEME_KINDS)}"
    if not scheme.bands:
        return "it needs at least one band"
    if not np.isfinite(uppers).all() or (np.diff(uppers) <= 0).any():
        return "band upper bounds must be numbers in increasing order"
    if SCHEME_KINDS[scheme.kind].ranked and not ((uppers > 0) & (uppers <= 100)).all():
        return "the bands of a rank or share scheme are percentages above 0 and up to 100"
    if scheme.customer_type not in (None, *CUSTOMER_TYPES):
        return f"unknown customer type {scheme.customer_type!r}"
    if scheme.timeframe_days < 1:
        return "the timeframe needs at least one day"
    return ""


def eligible(figures: pd.DataFrame, scheme: Scheme) -> np.ndarray:
    """Customers the scheme may place in a band."""
    ok = figures["first_order_date"].notna().to_numpy()
    if scheme.customer_type is not None:
        ok = ok & (figures["customer_type"] == scheme.customer_type).to_numpy(
            dtype=bool, na_value=False)
    if scheme.min_spend is not None:
        ok = ok & (cents(figures["revenue"]) >= cents(scheme.min_spend))
    if scheme.min_orders is not None:
        ok = ok & (figures["orders"].to_numpy() >= scheme.min_orders)
    return ok


def classify(figures: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """``customer_id``, ``band`` (0-based, empty when none), ``label`` and ``value`` (the
    figure, or the share of customers / revenue before the customer in %), one row per
    customer of ``figures`` — a customer table over the scheme's timeframe."""
    ok = eligible(figures, scheme)
    kind = SCHEME_KINDS[scheme.kind]  # what it bands: a column, or a ranking
    if kind.column is not None:
        value = figures[kind.column].to_numpy(dtype=np.float64, na_value=np.nan)
        band = _value_band(value, scheme.uppers, ok)
    else:
        value, band = _rank_band(figures, scheme, ok)
    labels = np.array(scheme.labels + [None], dtype=object)[np.where(band < 0, -1, band)]
    return pd.DataFrame({
        "customer_id": figures["customer_id"].to_numpy(),
        "band": pd.Series(band, dtype="Int64").where(band >= 0),
        "label": pd.Series(labels, dtype="str"),
        "value": value,
    })


def _value_band(value: np.ndarray, uppers: np.ndarray, ok: np.ndarray) -> np.ndarray:
    band = np.searchsorted(uppers, np.nan_to_num(value, nan=np.inf), side="left")
    below_floor = (band == 0) & (uppers[0] >= 0) & (value < 0)
    inside = ok & ~np.isnan(value) & (band < len(uppers)) & ~below_floor
    return np.where(inside, band, -1)


def _rank_band(figures: pd.DataFrame, scheme: Scheme,
               ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's share before it (in %) and its band, for the rank and share kinds."""
    amount = cents(figures["revenue"])
    member = ok & (amount > 0)
    weight = np.where(member, amount, 0)
    by_type = SCHEME_KINDS[scheme.kind].ranking == "revenue"  # else it counts customers
    group = np.where(member, group_codes(figures["customer_type"]) if by_type else 0, -1)
    order, position = ordered_within(group, weight, figures["customer_code"])
    counted = weight[order] if by_type else member[order].astype(np.int64)
    before = _cumulative_before(counted, position)
    total = _group_total(group[order], counted)
    band = np.full(len(order), -1)
    for k in range(len(scheme.bands) - 1, -1, -1):  # a handful of bands, not customers
        band = np.where(before * 100.0 < scheme.uppers[k] * total, k, band)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = before * 100.0 / total
    inside = member[order]
    out_band, out_share = np.full(len(order), -1), np.full(len(order), np.nan)
    out_band[order] = np.where(inside, band, -1)
    out_share[order] = np.where(inside, share, np.nan)
    return out_share, out_band


def _cumulative_before(sorted_weight: np.ndarray, position: np.ndarray) -> np.ndarray:
    running = np.cumsum(sorted_weight)
    start = np.arange(len(position)) - position
    offset = np.where(start > 0, running[np.maximum(start - 1, 0)], 0)
    return (running - sorted_weight - offset).astype(np.float64)


def _group_total(sorted_group: np.ndarray, sorted_weight: np.ndarray) -> np.ndarray:
    codes = sorted_group - sorted_group.min() if len(sorted_group) else sorted_group
    totals = np.bincount(codes, weights=sorted_weight)
    return totals[codes] if len(codes) else np.zeros(0)


def band_counts(assignment: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """Customers per band, every band listed (zeros included), in band order."""
    counts = assignment["band"].value_counts().reindex(range(len(scheme.bands)), fill_value=0)
    return pd.DataFrame({"band": range(len(scheme.bands)), "label": scheme.labels,
                         "upper": scheme.uppers, "customers": counts.to_numpy(dtype=np.int64)})


def scheme_figures(days: pd.DataFrame, customers: pd.DataFrame, as_of: Any,
                   timeframe_days: int, settings: Any,
                   churn_fit: ChurnFit | None = None) -> pd.DataFrame:
    """The customer table over a scheme's timeframe (the timeframe against the one before);
    ``churn_fit``: the churn fit as of ``as_of`` (fitted here when not given)."""
    period = rolling_period(as_of, timeframe_days)
    return customer_table(days, customers, as_of, period, settings, churn_fit=churn_fit)


def classify_many(days: pd.DataFrame, customers: pd.DataFrame, as_of: Any,
                  schemes: Mapping[Any, Scheme], settings: Any,
                  churn_fit: ChurnFit | None = None) -> pd.DataFrame:
    """Every scheme's assignment in one long frame with a ``scheme`` column (the mapping's
    key); the figures of each timeframe are computed once, all with one churn fit as of
    ``as_of`` (``churn_fit``, or the first timeframe's)."""
    columns = ["scheme", "customer_id", "band", "label", "value"]
    tables: dict[int, pd.DataFrame] = {}
    parts = []
    for key, scheme in schemes.items():
        if scheme.timeframe_days not in tables:
            if churn_fit is None:
                churn_fit = chosen_predictions(days, as_of, _horizon(settings)).fit
            tables[scheme.timeframe_days] = scheme_figures(days, customers, as_of,
                                                           scheme.timeframe_days, settings,
                                                           churn_fit)
        parts.append(classify(tables[scheme.timeframe_days], scheme).assign(scheme=key))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(parts, ignore_index=True)[columns]


def _horizon(settings: Any) -> int:
    rules = settings if isinstance(settings, FigureSettings) else (
        FigureSettings.from_settings(settings))
    return rules.horizon_days


__all__ = ["Band", "Scheme", "band_counts",
           "classify", "classify_many", "eligible", "scheme_figures"]
