"""Churn probability, expected orders and expected value per customer (SPEC "Figures, per customer").

From the ``days`` rollup (a day with ``orders > 0`` is one purchase occasion, however many orders
it holds; return-only days are not purchases) and an as-of date, every customer who had bought by
then is summarised (``purchase_summary``), the BG/NBD model and the Gamma-Gamma spend model are
fitted on those summaries (``fit_churn_model``) and each customer gets (``churn_predictions``):

- ``churn_probability``: probability of no purchase in the next ``horizon_days`` under BG/NBD —
  not ``1 - P(alive)``, which would call every one-time buyer certainly alive;
- ``expected_orders_next_90d``: expected purchase occasions in the horizon;
- ``expected_value_next_90d``: expected occasions times the Gamma-Gamma expected spend.

The plain-words reason shown beside a prediction is written from the customer table's own
figures (usual gap, days since the last order, risk score) by ``dashboard.reports.reasons``,
in the reader's language.

The column names keep SPEC's "90d"; the horizon is the ``HORIZON_DAYS`` setting (default 90).
Nothing dated after the as-of date is read.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dashboard.analytics.churn_bgnbd import (
    PARAM_MAX,
    PARAM_MIN,
    BGNBDParams,
    expected_purchases,
    fit_bgnbd,
    p_alive,
    prob_no_purchase,
)
from dashboard.analytics.churn_spend import GammaGammaParams, conditional_spend, fit_gamma_gamma

DAYS_PER_WEEK = 7.0
DEFAULT_HORIZON_DAYS = 90
# Below these counts a fit is not attempted and the predictions are left empty.
MIN_FIT_CUSTOMERS = 10
MIN_REPEAT_CUSTOMERS = 2
MIN_SPEND_CUSTOMERS = 10
# Gamma-Gamma q at or below which spend across customers has no finite variance: the population
# mean p * gamma / (q - 1) is then too unstable to value one-time buyers with.
STABLE_Q = 2.0

SUMMARY_COLUMNS = ["customer_id", "first_day", "last_day", "frequency", "recency_weeks",
                   "age_weeks", "days_since_last_order", "monetary", "mean_spend"]
PREDICTION_COLUMNS = ["customer_id", "frequency", "recency_weeks", "age_weeks",
                      "days_since_last_order", "usual_gap_days", "p_alive", "churn_probability",
                      "expected_orders_next_90d", "expected_spend_per_order",
                      "expected_value_next_90d"]


def _as_of(as_of: Any) -> pd.Timestamp:
    return pd.Timestamp(as_of).normalize()


def purchase_occasions(days: pd.DataFrame, as_of: Any) -> pd.DataFrame:
    """Purchase occasions on or before ``as_of`` (days with ``orders > 0``), sorted by
    customer and day (the sort is skipped when the rollup already comes sorted). ``days``
    may already be such occasions (``attrs["occasions"]``, as of a later date): they are
    only cut at ``as_of``."""
    cut = _as_of(as_of)
    if days.attrs.get("occasions"):
        keep = (days["day"] <= cut).to_numpy()
        if keep.all():  # nothing to cut: the same rows, not a copy of them
            return days
        return days.loc[keep, ["customer_id", "day", "revenue"]].reset_index(drop=True)
    occ = days.loc[(days["day"] <= cut) & (days["orders"] > 0), ["customer_id", "day", "revenue"]]
    cid = occ["customer_id"].to_numpy(dtype=np.int64)
    day = occ["day"].to_numpy().astype("datetime64[D]").view(np.int64)
    if len(occ) > 1:
        step = np.diff(cid)
        if not ((step > 0) | ((step == 0) & (np.diff(day) > 0))).all():
            key = (cid - cid.min()) * (1 << 20) + (day - day.min())
            occ = occ.iloc[np.argsort(key)]
    return occ.reset_index(drop=True)


def purchase_summary(days: pd.DataFrame, as_of: Any) -> pd.DataFrame:
    """One row per customer who bought on or before ``as_of``.

    ``frequency`` (x) = purchase occasions after the first; ``recency_weeks`` (t_x) = weeks from
    the first to the last occasion; ``age_weeks`` (T) = weeks from the first occasion to the
    as-of date; ``monetary`` = mean spend of the repeat occasions (empty when x = 0);
    ``mean_spend`` = mean spend of all occasions.
    """
    cut = _as_of(as_of)
    occ = purchase_occasions(days, cut)
    if occ.empty:
        return _empty_summary()
    cid = occ["customer_id"].to_numpy()
    day = occ["day"].to_numpy()
    revenue = occ["revenue"].to_numpy(dtype=np.float64)
    starts = np.flatnonzero(np.r_[True, cid[1:] != cid[:-1]])
    ends = np.r_[starts[1:], len(occ)] - 1
    occasions = ends - starts + 1
    spend = np.add.reduceat(revenue, starts)
    frequency = occasions - 1
    first_day = pd.Series(day[starts]).dt.normalize().astype("datetime64[ns]")
    last_day = pd.Series(day[ends]).dt.normalize().astype("datetime64[ns]")
    with np.errstate(divide="ignore", invalid="ignore"):
        monetary = np.where(frequency > 0, (spend - revenue[starts]) / frequency, np.nan)
    return pd.DataFrame({
        "customer_id": cid[starts], "first_day": first_day, "last_day": last_day,
        "frequency": frequency.astype(np.int64),
        "recency_weeks": (last_day - first_day).dt.days.to_numpy() / DAYS_PER_WEEK,
        "age_weeks": (cut - first_day).dt.days.to_numpy() / DAYS_PER_WEEK,
        "days_since_last_order": (cut - last_day).dt.days.to_numpy().astype(np.int64),
        "monetary": monetary, "mean_spend": spend / occasions})[SUMMARY_COLUMNS]


def _empty_summary() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": pd.Series(dtype=np.int64),
        "first_day": pd.Series(dtype="datetime64[ns]"),
        "last_day": pd.Series(dtype="datetime64[ns]"),
        "frequency": pd.Series(dtype=np.int64), "recency_weeks": pd.Series(dtype=np.float64),
        "age_weeks": pd.Series(dtype=np.float64),
        "days_since_last_order": pd.Series(dtype=np.int64),
        "monetary": pd.Series(dtype=np.float64), "mean_spend": pd.Series(dtype=np.float64)})


@dataclass(frozen=True)
class ChurnFit:
    """What was fitted as of a date: parameters, customer counts, and what could not be fitted."""

    as_of: str
    horizon_days: int
    customers: int
    repeat_customers: int
    spend_customers: int
    bgnbd: BGNBDParams | None = None
    gamma_gamma: GammaGammaParams | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Set by ``churn_choice``: the boundary check, the supervised candidate (its parameters)
    # and the choice between the two with its backtest.
    bgnbd_degenerate: bool = False
    supervised: dict[str, Any] | None = None
    choice: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["notes"] = list(self.notes)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChurnFit:
        bgnbd = data.get("bgnbd")
        spend = data.get("gamma_gamma")
        return cls(as_of=data["as_of"], horizon_days=int(data["horizon_days"]),
                   customers=int(data["customers"]),
                   repeat_customers=int(data["repeat_customers"]),
                   spend_customers=int(data["spend_customers"]),
                   bgnbd=BGNBDParams(**bgnbd) if bgnbd else None,
                   gamma_gamma=GammaGammaParams(**spend) if spend else None,
                   notes=tuple(data.get("notes", ())),
                   bgnbd_degenerate=bool(data.get("bgnbd_degenerate", False)),
                   supervised=data.get("supervised"), choice=data.get("choice"))

    @classmethod
    def from_json(cls, text: str) -> ChurnFit:
        return cls.from_dict(json.loads(text))


def _spend_sample(summary: pd.DataFrame) -> pd.DataFrame:
    return summary.loc[(summary["frequency"] > 0) & (summary["monetary"] > 0),
                       ["frequency", "monetary"]]


def _fit_spend(summary: pd.DataFrame) -> tuple[GammaGammaParams | None, str | None]:
    sample = _spend_sample(summary)
    if len(sample) < MIN_SPEND_CUSTOMERS:
        return None, (f"spend model needs {MIN_SPEND_CUSTOMERS} repeat customers with "
                      f"positive spend, found {len(sample)}: each customer's own mean spend "
                      "is used")
    params = fit_gamma_gamma(sample["frequency"], sample["monetary"])
    if params.q <= STABLE_Q:
        return params, ("spend differs too much between customers for a stable population "
                        "mean: one-time buyers are valued at their own spend")
    return params, None


def fit_churn_model(summary: pd.DataFrame, as_of: Any,
                    horizon_days: int = DEFAULT_HORIZON_DAYS, spend: bool = True) -> ChurnFit:
    """Fit BG/NBD on every summarised customer and (unless ``spend`` is false: a backtest of
    the churn ranking needs none) Gamma-Gamma on the repeat customers."""
    n = len(summary)
    repeat = int((summary["frequency"] > 0).sum())
    counts = {"as_of": _as_of(as_of).date().isoformat(), "horizon_days": int(horizon_days),
              "customers": n, "repeat_customers": repeat,
              "spend_customers": len(_spend_sample(summary))}
    if n < MIN_FIT_CUSTOMERS or repeat < MIN_REPEAT_CUSTOMERS:
        note = (f"too little history to fit the churn model: {n} customers, {repeat} with a "
                f"repeat purchase (needs {MIN_FIT_CUSTOMERS} and {MIN_REPEAT_CUSTOMERS})")
        return ChurnFit(**counts, notes=(note,))
    bgnbd = fit_bgnbd(summary["frequency"], summary["recency_weeks"], summary["age_weeks"])
    spend, note = _fit_spend(summary) if spend else (None, None)
    notes = [] if note is None else [note]
    if any(v <= PARAM_MIN * 1.01 or v >= PARAM_MAX / 1.01 for v in bgnbd.values):
        notes.insert(0, "the purchase history is too short or too uniform for a stable fit: "
                        "read the predictions as rough")
    return ChurnFit(**counts, bgnbd=bgnbd, gamma_gamma=spend, notes=tuple(notes))


def _spend_per_order(summary: pd.DataFrame, fit: ChurnFit) -> np.ndarray:
    own = summary["mean_spend"].clip(lower=0).to_numpy(dtype=np.float64)
    spend = fit.gamma_gamma
    if spend is None:
        return own
    conditional = conditional_spend(spend, summary["frequency"], summary["monetary"])
    if spend.q > STABLE_Q:
        return conditional
    return np.where(summary["frequency"].to_numpy() > 0, conditional, own)


def _model_columns(summary: pd.DataFrame, fit: ChurnFit) -> dict[str, np.ndarray]:
    n = len(summary)
    if fit.bgnbd is None:
        empty = np.full(n, np.nan)
        return {"p_alive": empty, "churn_probability": empty,
                "expected_orders_next_90d": empty, "expected_spend_per_order": empty,
                "expected_value_next_90d": empty}
    cols = (summary["frequency"], summary["recency_weeks"], summary["age_weeks"])
    weeks = fit.horizon_days / DAYS_PER_WEEK
    orders = expected_purchases(fit.bgnbd, *cols, weeks)
    spend = _spend_per_order(summary, fit)
    return {"p_alive": p_alive(fit.bgnbd, *cols),
            "churn_probability": prob_no_purchase(fit.bgnbd, *cols, weeks),
            "expected_orders_next_90d": orders, "expected_spend_per_order": spend,
            "expected_value_next_90d": orders * spend}


@dataclass(frozen=True)
class ChurnPredictions:
    """Per-customer predictions (``table``, columns ``PREDICTION_COLUMNS``) and the fit."""

    table: pd.DataFrame
    fit: ChurnFit


def predict(summary: pd.DataFrame, fit: ChurnFit) -> pd.DataFrame:
    """Apply a fit to purchase summaries (as of the fit's date)."""
    gap = summary["recency_weeks"] * DAYS_PER_WEEK / summary["frequency"].where(
        summary["frequency"] > 0)
    return (summary
            .assign(usual_gap_days=gap,
                    **_model_columns(summary, fit))
            [PREDICTION_COLUMNS]
            .reset_index(drop=True))


def churn_predictions(days: pd.DataFrame, as_of: Any,
                      horizon_days: int = DEFAULT_HORIZON_DAYS,
                      fit: ChurnFit | None = None) -> ChurnPredictions:
    """Summarise, fit (unless a fit as of the same date and horizon is given) and predict."""
    summary = purchase_summary(days, as_of)
    as_of_text = _as_of(as_of).date().isoformat()
    if fit is None or fit.as_of != as_of_text or fit.horizon_days != int(horizon_days):
        fit = fit_churn_model(summary, as_of, horizon_days)
    return ChurnPredictions(predict(summary, fit), fit)


__all__ = ["ChurnFit", "ChurnPredictions", "PREDICTION_COLUMNS", "churn_predictions",
           "fit_churn_model", "predict", "purchase_occasions",
           "purchase_summary"]
