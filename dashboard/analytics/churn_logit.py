"""A challenger to BG/NBD for ranking who stops buying: logistic regression on the history.

Features per customer as of a date: days since the last purchase occasion, repeat occasions,
the customer's own cycle (days since the last occasion / mean gap between occasions), age,
mean spend (all on log scales), "bought once", and the BG/NBD log-odds of no purchase in the
horizon. The regression is trained on an earlier window of the same history — features as of
``as_of - horizon``, label "no purchase in the next ``horizon`` days", which is known by
``as_of`` — and applied to the features as of ``as_of``. Nothing after ``as_of`` is read.

It ships only if a backtest shows it ranks better than BG/NBD (docs/decisions.md); until then
``churn_model`` uses BG/NBD alone and this module serves the comparison (``benchmarks/
churn_backtest.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit, log_expit, logit

from dashboard.analytics.churn_model import (
    DAYS_PER_WEEK,
    churn_predictions,
    purchase_occasions,
)

FEATURES = ("log_since", "log_repeats", "log_cycle", "bought_once", "log_age", "log_spend",
            "bgnbd_logit")
L2 = 1e-3


def features(days: pd.DataFrame, as_of: Any, horizon_days: int) -> pd.DataFrame:
    """The feature rows (``customer_id`` + :data:`FEATURES`) as of ``as_of``."""
    table = churn_predictions(days, as_of, horizon_days).table
    summary_spend = _mean_spend(days, as_of).reindex(table["customer_id"]).to_numpy()
    since = table["days_since_last_order"].to_numpy(dtype=np.float64)
    gap = table["usual_gap_days"].to_numpy(dtype=np.float64)
    once = table["frequency"].to_numpy() == 0
    probability = np.clip(table["churn_probability"].to_numpy(dtype=np.float64), 1e-6, 1 - 1e-6)
    return pd.DataFrame({
        "customer_id": table["customer_id"].to_numpy(),
        "log_since": np.log1p(since),
        "log_repeats": np.log1p(table["frequency"].to_numpy(dtype=np.float64)),
        "log_cycle": np.where(once, 0.0, np.log1p(since / np.where(once, 1.0, gap))),
        "bought_once": once.astype(np.float64),
        "log_age": np.log1p(table["age_weeks"].to_numpy() * DAYS_PER_WEEK),
        "log_spend": np.log1p(np.clip(summary_spend, 0.0, None)),
        "bgnbd_logit": logit(probability),
    })


def _mean_spend(days: pd.DataFrame, as_of: Any) -> pd.Series:
    return purchase_occasions(days, as_of).groupby("customer_id")["revenue"].mean()


@dataclass(frozen=True)
class LogitModel:
    """Standardisation and coefficients of a fitted regression (intercept first)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray

    def score(self, rows: pd.DataFrame) -> np.ndarray:
        """Probability of no purchase in the horizon."""
        x = (rows[list(FEATURES)].to_numpy(dtype=np.float64) - self.mean) / self.scale
        return expit(self.coef[0] + x @ self.coef[1:])


def _loss(coef: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    z = coef[0] + x @ coef[1:]
    nll = -(y * log_expit(z) + (1 - y) * log_expit(-z)).mean() + L2 * (coef[1:] @ coef[1:])
    residual = expit(z) - y
    grad = np.r_[residual.mean(), x.T @ residual / len(y) + 2 * L2 * coef[1:]]
    return float(nll), grad


def fit_logit(rows: pd.DataFrame, stopped: np.ndarray) -> LogitModel:
    """Maximum-likelihood logistic regression (small L2 penalty) on standardised features."""
    raw = rows[list(FEATURES)].to_numpy(dtype=np.float64)
    mean, scale = raw.mean(axis=0), raw.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    x = (raw - mean) / scale
    y = np.asarray(stopped, dtype=np.float64)
    res = minimize(_loss, np.zeros(x.shape[1] + 1), args=(x, y), jac=True, method="L-BFGS-B")
    return LogitModel(mean, scale, res.x)


def stopped_after(days: pd.DataFrame, customer_ids: np.ndarray, start: Any,
                  horizon_days: int) -> np.ndarray:
    """Whether each customer had no purchase occasion in ``(start, start + horizon]``."""
    begin = pd.Timestamp(start).normalize()
    end = begin + pd.Timedelta(days=int(horizon_days))
    window = days.loc[(days["day"] > begin) & (days["day"] <= end) & (days["orders"] > 0)]
    return ~np.isin(customer_ids, window["customer_id"].unique())


def logit_churn(days: pd.DataFrame, as_of: Any, horizon_days: int) -> pd.DataFrame:
    """``customer_id`` and ``churn_probability`` from the regression trained on the window
    ending at ``as_of``."""
    cut = pd.Timestamp(as_of).normalize()
    known = days.loc[days["day"] <= cut]
    train_at = cut - pd.Timedelta(days=int(horizon_days))
    train = features(known, train_at, horizon_days)
    model = fit_logit(train, stopped_after(known, train["customer_id"].to_numpy(), train_at,
                                           horizon_days))
    now = features(known, cut, horizon_days)
    return pd.DataFrame({"customer_id": now["customer_id"],
                         "churn_probability": model.score(now)})


__all__ = ["FEATURES", "LogitModel", "features", "fit_logit", "logit_churn", "stopped_after"]
