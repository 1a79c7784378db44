"""The Gamma-Gamma spend model (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value").

A customer's spend per purchase is Gamma(p, nu) around their own mean ``p / nu``; across
customers ``nu ~ Gamma(q, gamma)``. It is fitted on customers with at least one repeat purchase:
``x`` their repeat purchase occasions and ``m`` the mean spend of those occasions (the first
purchase is left out, as in the paper). The population mean spend is ``p * gamma / (q - 1)``,
so the fit keeps ``q > 1``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import digamma, gammaln

_LOG_MIN, _LOG_MAX = np.log(1e-6), np.log(1e6)


@dataclass(frozen=True)
class GammaGammaParams:
    """Fitted Gamma-Gamma parameters and the maximised log-likelihood."""

    p: float
    q: float
    gamma: float
    log_likelihood: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @property
    def population_mean(self) -> float:
        """Expected spend per purchase of a customer we know nothing about."""
        return self.p * self.gamma / (self.q - 1)


def _unpack(theta: np.ndarray) -> tuple[float, float, float]:
    """``theta`` = (log p, log(q - 1), log gamma)."""
    return float(np.exp(theta[0])), 1.0 + float(np.exp(theta[1])), float(np.exp(theta[2]))


def spend_log_likelihood(p: float, q: float, gamma: float, x: object,
                         m: object) -> np.ndarray:
    """Per-customer log-likelihood of mean spend ``m`` over ``x`` repeat purchases."""
    x = np.asarray(x, dtype=np.float64)
    m = np.asarray(m, dtype=np.float64)
    px = p * x
    return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(gamma)
            + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(gamma + m * x))


class _Objective:
    """Negative log-likelihood and gradient in ``(log p, log(q - 1), log gamma)``.

    The ``gammaln`` / ``digamma`` terms depend on ``x`` only and are computed once per distinct
    ``x``; the per-customer part is a handful of logs.
    """

    def __init__(self, x: np.ndarray, m: np.ndarray) -> None:
        self.x, self.mx = x, m * x
        self.ux, self.inv, self.nx = np.unique(x, return_inverse=True, return_counts=True)
        self.sum_x_log_mx = float((x * np.log(self.mx)).sum())
        self.sum_log_m = float(np.log(m).sum())

    def __call__(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        p, q, gamma = _unpack(theta)
        x, mx, ux, nx, n = self.x, self.mx, self.ux, self.nx, self.x.size
        log_gmx = np.log(gamma + mx)
        pux = p * ux
        ll = (nx @ (gammaln(pux + q) - gammaln(pux)) + n * (q * np.log(gamma) - gammaln(q))
              + p * self.sum_x_log_mx - self.sum_log_m - ((p * x + q) * log_gmx).sum())
        dig = digamma(pux + q)
        d_p = (nx @ (ux * (dig - digamma(pux))) + self.sum_x_log_mx - (x * log_gmx).sum())
        d_q = nx @ dig + n * (np.log(gamma) - digamma(q)) - log_gmx.sum()
        d_gamma = n * q / gamma - ((p * x + q) / (gamma + mx)).sum()
        grad = np.array([d_p * p, d_q * (q - 1), d_gamma * gamma])
        return -float(ll), -grad


def fit_gamma_gamma(x: object, m: object) -> GammaGammaParams:
    """Maximum-likelihood fit on repeat customers (``x >= 1``, ``m > 0``)."""
    x = np.asarray(x, dtype=np.float64)
    m = np.asarray(m, dtype=np.float64)
    if x.size == 0 or (x < 1).any() or (m <= 0).any():
        raise ValueError("Gamma-Gamma needs repeat customers (x >= 1) with positive mean spend")
    mean, var = float(m.mean()), float(m.var())
    # Moment start: spend ~ Gamma(p, nu) with nu ~ Gamma(q, gamma); q = 3 gives a finite variance.
    p0 = max(mean ** 2 / var, 0.1) if var > 0 else 1.0
    start = np.array([np.log(p0), np.log(2.0), np.log(max(2.0 * mean / p0, 1e-3))])
    bounds = [(_LOG_MIN, _LOG_MAX)] * 3
    res = minimize(_Objective(x, m), np.clip(start, _LOG_MIN, _LOG_MAX), jac=True,
                   method="L-BFGS-B", bounds=bounds,
                   options={"maxiter": 2000, "ftol": 1e-12, "gtol": 1e-9})
    p, q, gamma = _unpack(res.x)
    return GammaGammaParams(p, q, gamma, float(-res.fun))


def conditional_spend(params: GammaGammaParams, x: object, m: object) -> np.ndarray:
    """Expected spend per future purchase given ``x`` repeat purchases with mean ``m``.

    A weighted average of the population mean and the customer's own mean; customers without
    repeat purchases (``x = 0``) get the population mean. A negative mean (returns above
    purchases) counts as 0.
    """
    p, q, gamma = params.p, params.q, params.gamma
    x = np.asarray(x, dtype=np.float64)
    m = np.clip(np.nan_to_num(np.asarray(m, dtype=np.float64), nan=0.0), 0.0, None)
    m = np.where(x > 0, m, 0.0)
    return p * (gamma + m * x) / (p * x + q - 1)


__all__ = ["GammaGammaParams", "conditional_spend", "fit_gamma_gamma", "spend_log_likelihood"]
