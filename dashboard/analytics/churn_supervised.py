"""The supervised churn candidate: a regularised logistic regression trained on the business's
own earlier windows (SPEC "churn_probability").

Features per customer as of a date ``t`` (``window_features``), computed only from purchase
occasions on or before ``t``: log days since the last occasion, log occasions, log tenure,
gap regularity (coefficient of variation of the gaps between occasions), log of days since the
last occasion over the usual gap, the recent trend (occasions in the last 180 days against what
the customer's own rate would give), log mean spend per occasion and "bought once".

Training (``fit_supervised``): as-of dates ``t_k = as_of - label_days - k * step`` step back
through history; each window gives the features as of ``t_k`` and the label "no purchase
occasion in ``(t_k, t_k + label_days]``", which ends on or before ``as_of``. Several windows are
stacked and fitted with scikit-learn. ``label_days`` is the horizon when the history is long
enough, otherwise shorter (said in the notes); a shorter window's probability ``p`` is carried to
the horizon as ``p ** (horizon / label_days)`` (exact for a customer who buys at a steady
Poisson rate, and monotone, so the ranking is unchanged). Nothing after ``as_of`` is read.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from dashboard.analytics.churn_model import purchase_occasions

FEATURES = ("log_since", "log_occasions", "log_tenure", "gap_cv", "log_cycle", "trend",
            "log_spend", "bought_once")
TREND_DAYS = 180
WINDOWS = 4
MIN_HISTORY_DAYS = 60  # history before a training as-of date (the first window's features)
MIN_LABEL_DAYS = 30
MIN_ROWS = 50
MAX_TRAINING_ROWS = 60_000
C_REGULARISATION = 1.0
MIN_SCALE = 1e-6
Z_LIMIT = 8.0  # standardised features beyond the training range are held at this


def _cut(as_of: Any) -> pd.Timestamp:
    return pd.Timestamp(as_of).normalize()


def _occasions(days: pd.DataFrame, cut: pd.Timestamp) -> pd.DataFrame:
    """Purchase occasions on or before ``cut`` sorted by customer and day (``days`` may
    already be such occasions: the training windows share one sort)."""
    if days.attrs.get("occasions"):
        keep = (days["day"] <= cut).to_numpy()
        return days if keep.all() else days.loc[keep, ["customer_id", "day", "revenue"]]
    return purchase_occasions(days, cut)


def window_features(days: pd.DataFrame, as_of: Any) -> pd.DataFrame:
    """``customer_id`` and :data:`FEATURES` for every customer who bought on or before
    ``as_of`` (only rows dated on or before it are read)."""
    cut = _cut(as_of)
    occ = _occasions(days, cut)
    if occ.empty:
        return pd.DataFrame({"customer_id": pd.Series(dtype=np.int64),
                             **{f: pd.Series(dtype=np.float64) for f in FEATURES}})
    cid = occ["customer_id"].to_numpy(dtype=np.int64)
    day = occ["day"].to_numpy().astype("datetime64[D]").view(np.int64)
    spend = occ["revenue"].to_numpy(dtype=np.float64)
    starts = np.flatnonzero(np.r_[True, cid[1:] != cid[:-1]])
    ends = np.r_[starts[1:], len(occ)] - 1
    n_occ = (ends - starts + 1).astype(np.float64)
    today = np.datetime64(cut.date(), "D").astype(np.int64)
    since = (today - day[ends]).astype(np.float64)
    tenure = (today - day[starts]).astype(np.float64)
    # one array of gaps (0 before each customer's first occasion), squared in place: at 10M
    # orders each temporary of the rollup's length is 80 MB (decision 247)
    gaps = np.zeros(len(occ), dtype=np.float64)
    np.subtract(day[1:], day[:-1], out=gaps[1:], casting="unsafe")
    gaps[starts] = 0.0
    gap_sum = np.add.reduceat(gaps, starts)
    gap_sq = np.add.reduceat(np.square(gaps, out=gaps), starts)
    del gaps
    repeats = n_occ - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_gap = np.where(repeats > 0, gap_sum / repeats, np.nan)
        var = np.where(repeats > 1, gap_sq / repeats - mean_gap ** 2, np.nan)
        cv = np.sqrt(np.clip(var, 0.0, None)) / mean_gap
    usual = np.where(np.isnan(mean_gap), np.nanmedian(mean_gap) if (repeats > 0).any() else
                     np.maximum(tenure, 1.0), mean_gap)
    usual = np.where(np.isnan(usual), np.maximum(tenure, 1.0), usual)
    recent = np.add.reduceat(day > today - TREND_DAYS, starts, dtype=np.int64).astype(
        np.float64)
    window = np.minimum(tenure + 1.0, TREND_DAYS)
    rate = n_occ / np.maximum(tenure + 1.0, 1.0)
    return pd.DataFrame({
        "customer_id": cid[starts],
        "log_since": np.log1p(since),
        "log_occasions": np.log(n_occ),
        "log_tenure": np.log1p(tenure),
        "gap_cv": np.nan_to_num(cv, nan=0.0),
        "log_cycle": np.log1p(since / np.maximum(usual, 1.0)),
        "trend": np.log1p(recent) - np.log1p(rate * window),
        "log_spend": np.log1p(np.clip(np.add.reduceat(spend, starts) / n_occ, 0.0, None)),
        "bought_once": (repeats == 0).astype(np.float64),
    })


def no_purchase_in(days: pd.DataFrame, customer_ids: np.ndarray, start: Any,
                   length: int) -> np.ndarray:
    """Whether each customer had no purchase occasion in ``(start, start + length]``."""
    begin = _cut(start)
    end = begin + pd.Timedelta(days=int(length))
    inside = (days["day"] > begin) & (days["day"] <= end)
    if not days.attrs.get("occasions"):
        inside &= days["orders"] > 0
    return ~np.isin(customer_ids, days.loc[inside, "customer_id"].unique())


@dataclass(frozen=True)
class SupervisedParams:
    """A fitted regression: standardisation, coefficients and how it was trained."""

    as_of: str
    horizon_days: int
    label_days: int
    windows: tuple[str, ...]
    rows: int
    stopped_share: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    features: tuple[str, ...] = FEATURES
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SupervisedParams:
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})

    def probability(self, rows: pd.DataFrame) -> np.ndarray:
        """Probability of no purchase occasion in the horizon for feature rows."""
        x = np.clip((rows[list(self.features)].to_numpy(dtype=np.float64)
                     - np.asarray(self.mean)) / np.asarray(self.scale), -Z_LIMIT, Z_LIMIT)
        p = expit(self.intercept + x @ np.asarray(self.coef))
        return p ** (self.horizon_days / self.label_days)


def training_dates(first_day: pd.Timestamp, as_of: pd.Timestamp,
                   horizon_days: int) -> tuple[int, list[pd.Timestamp]]:
    """The label length and the training as-of dates (newest first). The label is the horizon,
    or half the history after the first :data:`MIN_HISTORY_DAYS` when that is shorter (so that
    several windows fit); windows step back by a third of the label (at least 30 days) and
    start at least :data:`MIN_HISTORY_DAYS` after the first purchase. No dates when the history
    is too short for one window."""
    usable = (as_of - first_day).days - MIN_HISTORY_DAYS
    label = min(int(horizon_days), max(MIN_LABEL_DAYS, usable // 2))
    if usable < label:
        return label, []
    step = max(MIN_LABEL_DAYS, label // 3)
    dates = [as_of - pd.Timedelta(days=label + k * step) for k in range(WINDOWS)]
    return label, [d for d in dates if (d - first_day).days >= MIN_HISTORY_DAYS]


def fit_supervised(days: pd.DataFrame, as_of: Any,
                   horizon_days: int) -> tuple[SupervisedParams | None, str | None]:
    """Train on windows ending on or before ``as_of``; ``(None, why)`` when it cannot be.
    ``days``: the rollup, or its purchase occasions (``attrs["occasions"]``)."""
    from sklearn.linear_model import LogisticRegression

    cut = _cut(as_of)
    known = _occasions(days, cut)  # sorted once for every window
    known.attrs["occasions"] = True
    if known.empty:
        return None, "no purchase history to learn from"
    label, dates = training_dates(known["day"].min().normalize(), cut, horizon_days)
    if not dates:
        return None, (f"the history is too short to learn from earlier windows (needs "
                      f"{MIN_HISTORY_DAYS + MIN_LABEL_DAYS} days)")
    frames, labels = [], []
    for date in dates:
        rows = window_features(known, date)
        frames.append(rows)
        labels.append(no_purchase_in(known, rows["customer_id"].to_numpy(), date, label))
    x = pd.concat(frames, ignore_index=True)[list(FEATURES)].to_numpy(dtype=np.float64)
    y = np.concatenate(labels)
    if len(y) > MAX_TRAINING_ROWS:  # a fixed random sample is as good for 8 coefficients
        keep = np.random.default_rng(len(y)).choice(len(y), MAX_TRAINING_ROWS, replace=False)
        x, y = x[np.sort(keep)], y[np.sort(keep)]
    if len(y) < MIN_ROWS or y.all() or not y.any():
        return None, "too few customers, or all alike, in the earlier windows to learn from"
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > MIN_SCALE, scale, 1.0)  # a constant feature stays constant
    model = LogisticRegression(C=C_REGULARISATION, solver="newton-cholesky",
                               max_iter=100).fit((x - mean) / scale, y)
    notes = () if label >= horizon_days else (
        f"the history allows outcome windows of {label} days, shorter than the "
        f"{horizon_days}-day horizon: the chances are carried to the horizon",)
    return SupervisedParams(
        as_of=cut.date().isoformat(), horizon_days=int(horizon_days), label_days=int(label),
        windows=tuple(d.date().isoformat() for d in dates), rows=int(len(y)),
        stopped_share=float(y.mean()), mean=tuple(map(float, mean)),
        scale=tuple(map(float, scale)), coef=tuple(map(float, model.coef_[0])),
        intercept=float(model.intercept_[0]), notes=notes), None


__all__ = ["FEATURES", "SupervisedParams", "fit_supervised", "no_purchase_in",
           "training_dates", "window_features"]
