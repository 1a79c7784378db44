"""The BG/NBD buy-till-you-die model (Fader, Hardie & Lee 2005), in log space.

Each customer is summarised by ``x`` (repeat purchase occasions), ``t_x`` (time from the first
to the last purchase occasion) and ``T`` (time from the first purchase occasion to the as-of
date), all in weeks as in the paper. While alive a customer buys as a Poisson process with rate
``lambda ~ Gamma(r, alpha)``; after every purchase the customer drops out with probability
``p ~ Beta(a, b)``.

Given alive at ``T``, the posterior of ``lambda`` is ``Gamma(r + x, alpha + T)`` and that of
``p`` is ``Beta(a, b + x)``, independent; a customer can only drop out right after a purchase,
so "no purchase in the next ``tau`` weeks" has probability
``(1 - P(alive)) + P(alive) * ((alpha + T) / (alpha + T + tau)) ** (r + x)``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import betainccinv, betaincinv, betaln, digamma, expit, gammaln, hyp2f1

# Bounds of every parameter during the fit (log-parametrised optimiser).
PARAM_MIN = 1e-6
PARAM_MAX = 1e6
# Around a = 1 the closed form of E[Y(t)] is 0/0; it is evaluated at 1 -/+ this and blended.
_A_NEAR_ONE = 1e-4
# Tanh-sinh rule on (0, 1): nodes as distances from 0 and from 1, and weights.
_TS_STEP = 0.05
_TS_S = np.pi / 2 * np.sinh(np.arange(-80, 81) * _TS_STEP)
_TS_FROM_0 = 1.0 / (1.0 + np.exp(2 * _TS_S))[::-1]
_TS_FROM_1 = 1.0 / (1.0 + np.exp(2 * _TS_S))
_TS_WEIGHT = (_TS_STEP * np.pi / 4 * np.cosh(np.arange(-80, 81) * _TS_STEP)
              / np.cosh(_TS_S) ** 2)
_CHUNK = 20_000


@dataclass(frozen=True)
class BGNBDParams:
    """Fitted BG/NBD parameters (time unit: weeks) and the maximised log-likelihood."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @property
    def values(self) -> tuple[float, float, float, float]:
        return self.r, self.alpha, self.a, self.b


def _arrays(*columns: object) -> list[np.ndarray]:
    return [np.asarray(c, dtype=np.float64) for c in columns]


def log_likelihood(params: tuple[float, float, float, float], x: object, t_x: object,
                   T: object) -> np.ndarray:
    """Per-customer log-likelihood of ``(x, t_x, T)`` under ``(r, alpha, a, b)``."""
    r, alpha, a, b = params
    x, t_x, T = _arrays(x, t_x, T)
    head = (gammaln(r + x) - gammaln(r) + r * np.log(alpha)
            + betaln(a, b + x) - betaln(a, b))
    still_alive = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    dropped = np.full_like(x, -np.inf)
    dropped[repeat] = (np.log(a) - np.log(b + x[repeat] - 1)
                       - (r + x[repeat]) * np.log(alpha + t_x[repeat]))
    return head + np.logaddexp(still_alive, dropped)


class _Objective:
    """Negative log-likelihood and its gradient in log-parameters.

    Terms that depend on ``x`` only (``gammaln``, ``betaln``, ``digamma``) are computed once per
    distinct ``x`` and weighted by its count, so a fit over 200k customers costs a few hundred
    special-function calls per step; the rest is plain logs over the customer arrays.
    """

    def __init__(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> None:
        self.x, self.t_x, self.T = x, t_x, T
        self.ux, self.inv, self.nx = np.unique(x, return_inverse=True, return_counts=True)

    def __call__(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, a, b = np.exp(theta)
        x, t_x, T = self.x, self.t_x, self.T
        ux, nx, n = self.ux, self.nx, x.size
        log_a_T, log_a_tx = np.log(alpha + T), np.log(alpha + t_x)
        # log(b + x - 1) per distinct x; +inf for x = 0 makes "dropped" impossible there.
        with np.errstate(divide="ignore", invalid="ignore"):
            log_bx = np.where(ux > 0, np.log(b + ux - 1), np.inf)
        dropped = np.log(a) - log_bx[self.inv] - (r + x) * log_a_tx
        tail = np.logaddexp(-(r + x) * log_a_T, dropped)
        w = np.exp(dropped - tail)  # posterior weight of "dropped out after the last purchase"
        ll = (nx @ (gammaln(r + ux) + betaln(a, b + ux))
              + n * (r * np.log(alpha) - gammaln(r) - betaln(a, b)) + tail.sum())
        w_by_x = np.bincount(self.inv, weights=w, minlength=ux.size)
        d_r = (nx @ digamma(r + ux) + n * (np.log(alpha) - digamma(r))
               - log_a_T.sum() - (w * (log_a_tx - log_a_T)).sum())
        inv_T, inv_tx = 1.0 / (alpha + T), 1.0 / (alpha + t_x)
        d_alpha = n * r / alpha - ((r + x) * (inv_T + w * (inv_tx - inv_T))).sum()
        d_a = n * digamma(a + b) - nx @ digamma(a + b + ux) + w.sum() / a
        d_b = (nx @ (digamma(b + ux) - digamma(a + b + ux)) + n * (digamma(a + b) - digamma(b))
               - (w_by_x[ux > 0] / (b + ux[ux > 0] - 1)).sum())
        grad = np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
        return -ll, -grad


def _start(x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Starting values: r = 1, alpha from the mean purchase rate, a = 1, b = 2."""
    rate = max(x.sum(), 1.0) / max(T.sum(), 1.0)
    return np.log(np.clip([1.0, 1.0 / rate, 1.0, 2.0], PARAM_MIN * 10, PARAM_MAX / 10))


def fit_bgnbd(x: object, t_x: object, T: object) -> BGNBDParams:
    """Maximum-likelihood BG/NBD fit (L-BFGS-B on log-parameters, analytic gradient)."""
    x, t_x, T = _arrays(x, t_x, T)
    if x.size == 0:
        raise ValueError("BG/NBD needs at least one customer")
    objective = _Objective(x, t_x, T)
    bounds = [(np.log(PARAM_MIN), np.log(PARAM_MAX))] * 4
    best = None
    for start in (_start(x, T), np.zeros(4)):
        res = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": 1000, "ftol": 1e-11, "gtol": 1e-8})
        if best is None or res.fun < best.fun:
            best = res
        if res.success:
            break
    r, alpha, a, b = (float(v) for v in np.exp(best.x))
    return BGNBDParams(r, alpha, a, b, float(-best.fun))


def log_odds_dropped(params: BGNBDParams, x: np.ndarray, t_x: np.ndarray,
                     T: np.ndarray) -> np.ndarray:
    """log of ``P(dropped) / P(alive)`` given the history; ``-inf`` for ``x = 0``."""
    r, alpha, a, b = params.values
    x, t_x, T = _arrays(x, t_x, T)
    out = np.full_like(x, -np.inf)
    rep = x > 0
    out[rep] = (np.log(a) - np.log(b + x[rep] - 1)
                + (r + x[rep]) * (np.log(alpha + T[rep]) - np.log(alpha + t_x[rep])))
    return out


def p_alive(params: BGNBDParams, x: object, t_x: object, T: object) -> np.ndarray:
    """Probability that the customer is still alive at ``T`` (1 for one-time buyers)."""
    return expit(-log_odds_dropped(params, *_arrays(x, t_x, T)))


def prob_no_purchase(params: BGNBDParams, x: object, t_x: object, T: object,
                     tau: float) -> np.ndarray:
    """Probability of no purchase in the next ``tau`` weeks after ``T``."""
    x, t_x, T = _arrays(x, t_x, T)
    alive = p_alive(params, x, t_x, T)
    silent = np.exp((params.r + x) * (np.log(params.alpha + T)
                                      - np.log(params.alpha + T + tau)))
    return np.clip((1.0 - alive) + alive * silent, 0.0, 1.0)


def _expected_if_alive(r: float, alpha: float, a: float, b: float, x: np.ndarray,
                       T: np.ndarray, t: float) -> np.ndarray:
    """E[purchases in (T, T + t] | alive at T] = ``c / (a - 1) * (1 - S)`` with
    ``c = a + b + x - 1``, ``z = t / (alpha + T + t)`` and
    ``S = (1 - z)**(r + x) * 2F1(r + x, b + x; c; z)``.

    ``S`` is computed through Euler's transformation, ``(1 - z)**(a - 1) *
    2F1(a + b - 1 - r, a - 1; c; z)``, whose first two parameters do not grow with ``x``: short
    and accurate series for heavy buyers. Where that is not finite (``c = 0``, a very large
    ``a`` from a fit on little data, ``z`` near 1) the expectation is integrated numerically.
    """
    z = t / (alpha + T + t)
    c = a + b + x - 1
    with np.errstate(all="ignore"):
        s = np.exp((a - 1) * np.log1p(-z)) * hyp2f1(a + b - 1 - r, a - 1, c, z)
        out = c / (a - 1) * (1.0 - s)
    bad = ~np.isfinite(out)
    if bad.any():
        out[bad] = _expected_by_quadrature(r, alpha, a, b, x[bad], T[bad], t)
    return out


def _expected_by_quadrature(r: float, alpha: float, a: float, b: float, x: np.ndarray,
                            T: np.ndarray, t: float) -> np.ndarray:
    """The same expectation as ``E_p[(1 - ((alpha+T) / (alpha+T+p t))**(r+x)) / p]`` with
    ``p ~ Beta(a, b + x)``, by a tanh-sinh rule over the quantiles of ``p`` (robust for every
    ``a, b > 0``; the quantiles are computed once per distinct ``x``)."""
    ux, inv = np.unique(x, return_inverse=True)
    low = _TS_FROM_0 < 0.5
    nodes = np.where(low, betaincinv(a, b + ux[:, None], np.where(low, _TS_FROM_0, 0.5)),
                     betainccinv(a, b + ux[:, None], np.where(low, 0.5, _TS_FROM_1)))
    out = np.empty(x.size)
    for start in range(0, x.size, _CHUNK):
        part = slice(start, start + _CHUNK)
        p = nodes[inv[part]]
        m = (r + x[part])[:, None]
        k = (t / (alpha + T[part]))[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.where(p > 0, -np.expm1(-m * np.log1p(p * k)) / p, m * k)
        out[part] = g @ _TS_WEIGHT
    return out


def expected_purchases(params: BGNBDParams, x: object, t_x: object, T: object,
                       t: float) -> np.ndarray:
    """BG/NBD conditional expectation of purchases in the next ``t`` weeks."""
    x, t_x, T = _arrays(x, t_x, T)
    r, alpha, a, b = params.values
    if abs(a - 1) < _A_NEAR_ONE:
        lo, hi = 1 - _A_NEAR_ONE, 1 + _A_NEAR_ONE
        share = (a - lo) / (hi - lo)
        if_alive = ((1 - share) * _expected_if_alive(r, alpha, lo, b, x, T, t)
                    + share * _expected_if_alive(r, alpha, hi, b, x, T, t))
    else:
        if_alive = _expected_if_alive(r, alpha, a, b, x, T, t)
    return np.maximum(p_alive(params, x, t_x, T) * if_alive, 0.0)


__all__ = ["BGNBDParams", "expected_purchases", "fit_bgnbd",
           "log_likelihood", "p_alive", "prob_no_purchase"]
