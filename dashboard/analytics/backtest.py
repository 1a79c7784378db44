"""How right were we? The churn backtest behind the cockpit's card.

``backtest(days, customers, as_of, horizon, settings)`` goes back to ``as_of``, scores every
customer who had bought by then with nothing but the history up to ``as_of`` (the churn model
of ``churn_model`` and the statuses of ``status``, through ``customer_table``), and compares
with what happened in ``(as_of, as_of + horizon]``. A customer *stopped* when they had no
purchase occasion (a day with ``orders > 0``) in that window.

- ``auc_model``: AUC of ``churn_probability`` for "stopped" (rank / Mann-Whitney formula, tied
  scores averaged); ``auc_recency``: the same for plain days since the last order.
- ``churning`` / ``lost``: customers flagged with that status as of ``as_of``, how many of them
  stopped (precision = stopped / flagged) and the share of all stopped customers they caught
  (recall = flagged and stopped / stopped).
- The card: "of the customers flagged as churning 90 days ago, N % have not ordered since;
  plain recency would have caught M %". N = ``churning.precision`` × 100. M
  (``recency_stopped_pct``): among the customers not flagged Lost (the Active and Churning
  customers the Churning flag picks from), take as many as were flagged churning, those with
  the most days since their last order; M is the share of them that stopped. Customers tied
  on the cut-off count in proportion (the expected share under a random tie-break).
  ``model_stopped_pct`` is the same with the highest churn probability.
- The candidates (``churn_choice``): ``model`` is the one the product would have chosen as of
  ``as_of`` (``choice``, made with the history up to ``as_of`` only), ``auc_model`` its AUC;
  ``auc_bgnbd`` and ``auc_supervised`` are both candidates' AUCs on the same outcome.
- ``flagged_stopped_pct``: the share of the Churning + Lost customers who stopped, beside
  ``recency_flagged_pct``: the share of as many customers with the longest time since their
  last order (ties in proportion).
- Calibration: ``predicted_share`` (mean churn probability) against ``observed_share``, and per
  band of predicted probability (``calibration``: lower bound, customers, mean predicted, share
  observed).
- ``outcome_short``: the data end before ``outcome_end``, so the outcome window is shorter than
  the horizon and "stopped" is overstated.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from dashboard.analytics.churn_choice import chosen_predictions
from dashboard.analytics.settings import FigureSettings
from dashboard.analytics.table import customer_table


def auc(scores: Any, positive: Any) -> float | None:
    """Area under the ROC curve of ``scores`` for ``positive`` (higher score = more likely
    positive): ``(R - n1 (n1 + 1) / 2) / (n1 n0)`` with ``R`` the rank sum of the positives,
    tied scores sharing their average rank. ``None`` without both classes or with a missing
    score."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(positive, dtype=bool)
    n1 = int(y.sum())
    n0 = y.size - n1
    if n1 == 0 or n0 == 0 or np.isnan(s).any():
        return None
    ranks = rankdata(s, method="average")
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def top_k_share(scores: Any, positive: Any, k: int) -> float | None:
    """Share of positives among the ``k`` highest scores; customers tied with the ``k``-th
    score count in proportion. ``None`` when ``k`` is 0."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(positive, dtype=np.float64)
    k = min(int(k), s.size)
    if k <= 0:
        return None
    cut = np.sort(s)[::-1][k - 1]
    above, tied = s > cut, s == cut
    share = (k - above.sum()) / tied.sum()
    return float((y[above].sum() + share * y[tied].sum()) / k)


@dataclass(frozen=True)
class FlagScore:
    """One status as a prediction of "stopped"."""

    flagged: int
    flagged_stopped: int
    precision: float | None
    recall: float | None


def flag_score(flagged: np.ndarray, stopped: np.ndarray) -> FlagScore:
    hits = int((flagged & stopped).sum())
    n_flagged, n_stopped = int(flagged.sum()), int(stopped.sum())
    return FlagScore(n_flagged, hits, hits / n_flagged if n_flagged else None,
                     hits / n_stopped if n_stopped else None)


@dataclass(frozen=True)
class BacktestResult:
    """The backtest as of a date; ``to_json`` for the cache and the API."""

    as_of: str
    horizon_days: int
    outcome_end: str
    data_through: str | None
    customers_scored: int
    stopped: int
    auc_model: float | None
    auc_recency: float | None
    churning: FlagScore
    lost: FlagScore
    churning_stopped_pct: float | None
    recency_stopped_pct: float | None
    model_stopped_pct: float | None
    fit: dict[str, Any]
    model: str | None = None
    auc_bgnbd: float | None = None
    auc_supervised: float | None = None
    flagged_stopped_pct: float | None = None
    recency_flagged_pct: float | None = None
    predicted_share: float | None = None
    observed_share: float | None = None
    calibration: tuple[tuple[float, int, float, float], ...] = ()
    outcome_short: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BacktestResult:
        return cls(**{**data, "churning": FlagScore(**data["churning"]),
                      "lost": FlagScore(**data["lost"]),
                      "calibration": tuple(tuple(b) for b in data.get("calibration", ()))})

    @property
    def choice(self) -> dict[str, Any]:
        """The choice between the candidates as made on the scored date."""
        return self.fit.get("choice") or {}


def _pct(share: float | None) -> float | None:
    return None if share is None else 100.0 * share


def _rules(settings: Any) -> FigureSettings:
    return settings if isinstance(settings, FigureSettings) else (
        FigureSettings.from_settings(settings))


def _bought_in(days: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    """Customer ids with a purchase occasion in ``(start, end]``."""
    window = days.loc[(days["day"] > start) & (days["day"] <= end) & (days["orders"] > 0)]
    return window["customer_id"].unique()


CALIBRATION_BANDS = (0.0, 0.2, 0.4, 0.6, 0.8)


def calibration(probability: np.ndarray, stopped: np.ndarray
                ) -> tuple[tuple[float, int, float, float], ...]:
    """Per band of predicted probability (lower bounds :data:`CALIBRATION_BANDS`, each up to
    the next): lower bound, customers, mean predicted, share that stopped; empty bands out."""
    ok = ~np.isnan(probability)
    p, y = probability[ok], stopped[ok].astype(np.float64)
    band = np.searchsorted(np.asarray(CALIBRATION_BANDS), p, side="right") - 1
    out = []
    for i, low in enumerate(CALIBRATION_BANDS):
        inside = band == i
        if inside.any():
            out.append((low, int(inside.sum()), float(p[inside].mean()),
                        float(y[inside].mean())))
    return tuple(out)


def scored_customers(days: pd.DataFrame, customers: pd.DataFrame, as_of: Any, horizon: int,
                     settings: Any) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Per customer who had bought by ``as_of``: churn probability (chosen model and both
    candidates), days since the last order and status (all from data up to ``as_of``), and
    ``stopped``; plus the fit."""
    cut = pd.Timestamp(as_of).normalize()
    known = days.loc[days["day"] <= cut]
    predictions = chosen_predictions(known, cut, horizon)
    table = customer_table(known, customers, cut.date(), "30d", _rules(settings),
                           (predictions.table, None))
    status = table.set_index("customer_id")["status"]
    ordered = _bought_in(days, cut, cut + pd.Timedelta(days=int(horizon)))
    scored = (predictions.table[["customer_id", "churn_probability", "bgnbd_probability",
                                 "supervised_probability", "days_since_last_order"]]
              .assign(status=lambda f: f["customer_id"].map(status).astype("string"),
                      stopped=lambda f: ~f["customer_id"].isin(ordered)))
    return scored, predictions.fit.to_dict()


def backtest(days: pd.DataFrame, customers: pd.DataFrame, as_of: Any, horizon: int | None,
             settings: Any) -> BacktestResult:
    """Score as of ``as_of`` and compare with ``(as_of, as_of + horizon]`` (``horizon``
    defaults to the ``HORIZON_DAYS`` setting)."""
    rules = _rules(settings)
    horizon = int(rules.horizon_days if horizon is None else horizon)
    if horizon < 1:
        raise ValueError(f"The backtest horizon must be at least 1 day, not {horizon}.")
    cut = pd.Timestamp(as_of).normalize()
    scored, fit = scored_customers(days, customers, cut, horizon, rules)
    stopped = scored["stopped"].to_numpy(dtype=bool)
    status = scored["status"].fillna("").to_numpy(dtype=object)
    churning, lost = status == "churning", status == "lost"
    pool = ~lost
    k = int(churning.sum())
    since = scored["days_since_last_order"].to_numpy(dtype=np.float64)
    probability = scored["churn_probability"].to_numpy(dtype=np.float64)
    churning_score = flag_score(churning, stopped)
    flagged = churning | lost
    last = days.loc[days["orders"] > 0, "day"].max()
    outcome_end = cut + pd.Timedelta(days=horizon)
    return BacktestResult(
        as_of=cut.date().isoformat(), horizon_days=horizon,
        outcome_end=outcome_end.date().isoformat(),
        data_through=None if pd.isna(last) else last.date().isoformat(),
        customers_scored=len(scored), stopped=int(stopped.sum()),
        auc_model=auc(probability, stopped), auc_recency=auc(since, stopped),
        churning=churning_score, lost=flag_score(lost, stopped),
        churning_stopped_pct=_pct(churning_score.precision),
        recency_stopped_pct=_pct(top_k_share(since[pool], stopped[pool], k)),
        model_stopped_pct=(None if np.isnan(probability).any()
                           else _pct(top_k_share(probability[pool], stopped[pool], k))),
        fit=fit, model=(fit.get("choice") or {}).get("chosen"),
        auc_bgnbd=auc(scored["bgnbd_probability"].to_numpy(dtype=np.float64), stopped),
        auc_supervised=auc(scored["supervised_probability"].to_numpy(dtype=np.float64),
                           stopped),
        flagged_stopped_pct=_pct(flag_score(flagged, stopped).precision),
        recency_flagged_pct=_pct(top_k_share(since, stopped, int(flagged.sum()))),
        predicted_share=(float(np.nanmean(probability)) if (~np.isnan(probability)).any()
                         else None),
        observed_share=float(stopped.mean()) if len(stopped) else None,
        calibration=calibration(probability, stopped),
        outcome_short=bool(pd.isna(last) or last < outcome_end))


__all__ = ["BacktestResult", "CALIBRATION_BANDS", "FlagScore", "auc", "backtest", "calibration",
           "flag_score", "scored_customers", "top_k_share"]
