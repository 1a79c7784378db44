"""Which churn model the business's own history backs (SPEC "churn_probability").

Two candidates: BG/NBD (``churn_model``, the simpler: four parameters, no training windows) and
the supervised regression of ``churn_supervised``. ``choose_model`` backtests both on held-out
time: as of ``as_of - outcome`` each is fitted on the history up to that date only and scored;
the outcome is what happened in the following ``outcome`` days (the horizon, or half the
history when that is shorter, with a note). The supervised model is chosen only when its AUC
gain over BG/NBD is beyond noise: the lower end of a paired bootstrap's 90 % interval
(:data:`BOOTSTRAP_SAMPLES` resamples of the same customers for both) is above zero. Otherwise
BG/NBD stays. A BG/NBD fit that lands on a boundary ("nobody ever drops out") is degenerate,
said in words and never chosen.

``chosen_predictions`` fits both as of a date, chooses, and returns ``churn_model``'s
prediction table with the chosen ``churn_probability`` plus ``model`` and ``money_at_risk``.
Nothing dated after the as-of date is read.

The choice is made in two steps so that it can be made once and reused: ``make_choice`` (the
backtest, ``backtest_choice``, and the supervised model trained as of the same date; the
services cache it per data version, date and horizon) and ``settle`` (the fits as of the date
it is used for: a degenerate or missing BG/NBD fit there, or no supervised model, overrule
the backtest as above). A choice made as of a date serves that date and later ones, never
earlier ones; a month-end snapshot uses the one made as of ``choice_date`` (the last
31 December on or before it).
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from dashboard.analytics.churn_bgnbd import PARAM_MAX, PARAM_MIN, BGNBDParams, prob_no_purchase
from dashboard.analytics.churn_model import (
    DAYS_PER_WEEK,
    DEFAULT_HORIZON_DAYS,
    ChurnFit,
    ChurnPredictions,
    fit_churn_model,
    predict,
    purchase_occasions,
    purchase_summary,
)
from dashboard.analytics.churn_supervised import (
    MIN_LABEL_DAYS,
    SupervisedParams,
    fit_supervised,
    no_purchase_in,
    window_features,
)

BGNBD, SUPERVISED = "bgnbd", "supervised"
CANDIDATES = (BGNBD, SUPERVISED)
BOOTSTRAP_SAMPLES = 200
BOOTSTRAP_LEVEL = 0.90  # two-sided; its lower end must be above 0 to leave the simpler model
BOOTSTRAP_SEED = 20050101
BOOTSTRAP_MAX_CUSTOMERS = 20_000  # a fixed random subset beyond this keeps the choice fast
# BG/NBD "nobody ever drops out": the mean drop-out chance per purchase a / (a + b) below this.
MIN_DROPOUT = 1e-3
SPEND_WINDOW_DAYS = 365
# A month-end snapshot (the recompute's backfill) uses the choice made as of the end of the
# latest period of this many calendar months on or before it (12: the last 31 December).
CHOICE_MONTHS = 12
# Why a model was chosen (worded by the CLI and the cockpit's backtest card).
REASONS = ("supervised_better", "within_noise", "bgnbd_better", "bgnbd_degenerate",
           "bgnbd_unavailable", "supervised_unavailable", "no_backtest", "nothing_fits")


def degenerate(params: BGNBDParams | None) -> bool:
    """A fit on a parameter boundary, or one in which customers (almost) never drop out
    (``a -> 0`` or ``b -> inf``): its churn probability then ignores recency."""
    if params is None:
        return False
    on_bound = any(v <= PARAM_MIN * 1.01 or v >= PARAM_MAX / 1.01 for v in params.values)
    return on_bound or params.a / (params.a + params.b) < MIN_DROPOUT


@dataclass(frozen=True)
class Candidate:
    """One candidate in the backtest: its AUC, its mean predicted chance of stopping and
    whether it may be used (``note`` says why not)."""

    name: str
    auc: float | None
    predicted_share: float | None
    usable: bool
    note: str | None = None


@dataclass(frozen=True)
class ModelChoice:
    """The choice as of ``as_of`` and the backtest behind it (scored as of ``scored_as_of``,
    judged on the ``outcome_days`` after it)."""

    as_of: str
    horizon_days: int
    chosen: str | None
    reason: str
    scored_as_of: str | None = None
    outcome_days: int | None = None
    customers: int = 0
    observed_share: float | None = None
    auc_recency: float | None = None
    gain: float | None = None
    gain_low: float | None = None
    gain_high: float | None = None
    bgnbd: Candidate | None = None
    supervised: Candidate | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelChoice:
        parts = {k: Candidate(**data[k]) if data.get(k) else None for k in CANDIDATES}
        return cls(**{**data, **parts})


def fast_auc(scores: np.ndarray, positive: np.ndarray) -> float | None:
    """AUC (Mann-Whitney, ties averaged) along the last axis; ``None`` without both classes."""
    y = np.asarray(positive, dtype=bool)
    n1 = int(y.sum())
    n0 = y.size - n1
    if n1 == 0 or n0 == 0:
        return None
    ranks = rankdata(scores, method="average")
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _weighted_auc(groups: np.ndarray, size: int, weights: np.ndarray,
                  positive: np.ndarray) -> float:
    """AUC with each customer counted ``weights`` times; ``groups``: each customer's rank
    among the distinct scores (ties share one), ``size`` distinct scores."""
    pos = np.bincount(groups, weights * positive, minlength=size)
    neg = np.bincount(groups, weights * ~positive, minlength=size)
    below = np.cumsum(neg) - neg
    total = pos.sum() * neg.sum()
    return float((pos * (below + 0.5 * neg)).sum() / total) if total else np.nan


def paired_bootstrap(a: np.ndarray, b: np.ndarray, positive: np.ndarray,
                     samples: int = BOOTSTRAP_SAMPLES) -> tuple[float, float]:
    """Interval (:data:`BOOTSTRAP_LEVEL`) of ``AUC(a) - AUC(b)`` over resampled customers,
    the same resample for both (each resample as multiplicities, so the scores are ranked
    once)."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    n = len(positive)
    y = np.asarray(positive, dtype=bool)
    if n > BOOTSTRAP_MAX_CUSTOMERS:
        keep = rng.choice(n, BOOTSTRAP_MAX_CUSTOMERS, replace=False)
        a, b, y, n = a[keep], b[keep], y[keep], BOOTSTRAP_MAX_CUSTOMERS
    ranked = [np.unique(s, return_inverse=True) for s in (a, b)]
    gains = []
    for _sample in range(samples):
        weights = np.bincount(rng.integers(0, n, size=n), minlength=n).astype(np.float64)
        gains.append(_weighted_auc(ranked[0][1], len(ranked[0][0]), weights, y)
                     - _weighted_auc(ranked[1][1], len(ranked[1][0]), weights, y))
    gain = np.asarray(gains)
    gain = gain[~np.isnan(gain)]
    tail = (1 - BOOTSTRAP_LEVEL) / 2
    return float(np.quantile(gain, tail)), float(np.quantile(gain, 1 - tail))


def outcome_days(days: pd.DataFrame, as_of: pd.Timestamp, horizon_days: int) -> int:
    """Days the choice's backtest judges on: the horizon, or half the history if shorter."""
    bought = (days.loc[days["day"] <= as_of, "day"] if days.attrs.get("occasions") else
              days.loc[(days["day"] <= as_of) & (days["orders"] > 0), "day"])
    if bought.empty:
        return 0
    return min(int(horizon_days), (as_of - bought.min().normalize()).days // 2)


def _scores(days: pd.DataFrame, cut: pd.Timestamp, horizon: int
            ) -> tuple[pd.DataFrame, ChurnFit, SupervisedParams | None, str | None]:
    """Both candidates' churn probability per customer as of ``cut`` (history up to it)."""
    # the purchase occasions up to the cut are all either model reads: cut once, rather than
    # a copy of the whole rollup up to it (at 10M orders, 600 MB; decision 247)
    known = purchase_occasions(days, cut)
    known.attrs["occasions"] = True
    summary = purchase_summary(known, cut)
    fit = fit_churn_model(summary, cut, horizon, spend=False)
    cols = (summary["frequency"], summary["recency_weeks"], summary["age_weeks"])
    bg_p = (prob_no_purchase(fit.bgnbd, *cols, horizon / DAYS_PER_WEEK)
            if fit.bgnbd is not None else np.full(len(summary), np.nan))
    sup, why = fit_supervised(known, cut, horizon)
    sup_p = (sup.probability(window_features(known, cut)) if sup is not None
             else np.full(len(summary), np.nan))
    table = summary[["customer_id", "days_since_last_order"]].reset_index(drop=True)
    return (table.assign(bgnbd_probability=bg_p, supervised_probability=sup_p), fit, sup, why)


def _candidate(name: str, p: np.ndarray, stopped: np.ndarray, usable: bool,
               note: str | None) -> Candidate:
    ok = usable and not np.isnan(p).any()
    return Candidate(name, fast_auc(p, stopped) if ok else None,
                     float(p.mean()) if ok and len(p) else None, ok, note)


def choose_model(days: pd.DataFrame, as_of: Any, horizon_days: int = DEFAULT_HORIZON_DAYS,
                 bgnbd_now: str | None = None, supervised_now: bool = True) -> ModelChoice:
    """Backtest both candidates on the history up to ``as_of`` and choose one. How the fits
    as of ``as_of`` itself went: ``bgnbd_now`` None (fine), "degenerate" or "no_fit";
    ``supervised_now`` whether the supervised model could be trained."""
    return settle(backtest_choice(days, as_of, horizon_days), bgnbd_now, supervised_now)


def backtest_choice(days: pd.DataFrame, as_of: Any,
                    horizon_days: int = DEFAULT_HORIZON_DAYS) -> ModelChoice:
    """The backtest's choice on the history up to ``as_of``, before the fits as of the date
    it is used for are looked at (:func:`settle` does that). ``days``: the rollup or its
    purchase occasions (``attrs["occasions"]``)."""
    cut = pd.Timestamp(as_of).normalize()
    info: dict[str, Any] = {"as_of": cut.date().isoformat(), "horizon_days": int(horizon_days)}
    outcome = outcome_days(days, cut, horizon_days)
    if outcome < MIN_LABEL_DAYS:
        return _fallback(info, None, True, "no_backtest")
    scored_at = cut - pd.Timedelta(days=outcome)
    table, fit, sup, why = _scores(days, scored_at, outcome)
    # the outcome window ends on the cut: nothing after it is read
    stopped = no_purchase_in(days, table["customer_id"].to_numpy(), scored_at, outcome)
    bg_then = "no_fit" if fit.bgnbd is None else ("degenerate" if degenerate(fit.bgnbd)
                                                   else None)
    bg = _candidate(BGNBD, table["bgnbd_probability"].to_numpy(), stopped, bg_then is None,
                    bg_then)
    su = _candidate(SUPERVISED, table["supervised_probability"].to_numpy(), stopped,
                    sup is not None, why)
    info.update(scored_as_of=scored_at.date().isoformat(), outcome_days=outcome,
                customers=len(table),
                observed_share=float(stopped.mean()) if len(stopped) else None,
                auc_recency=fast_auc(table["days_since_last_order"].to_numpy(), stopped),
                bgnbd=bg, supervised=su)
    if bg.auc is None or su.auc is None:
        return _fallback(info, bg_then, su.auc is not None,
                         "supervised_unavailable" if bg.auc is not None else "nothing_fits")
    low, high = paired_bootstrap(table["supervised_probability"].to_numpy(),
                                 table["bgnbd_probability"].to_numpy(), stopped)
    chosen, reason = ((SUPERVISED, "supervised_better") if low > 0 else
                      (BGNBD, "within_noise" if high > 0 else "bgnbd_better"))
    return ModelChoice(**info, chosen=chosen, reason=reason, gain=su.auc - bg.auc,
                       gain_low=low, gain_high=high)


def settle(choice: ModelChoice, bgnbd_now: str | None = None,
           supervised_now: bool = True) -> ModelChoice:
    """A backtest's choice (:func:`backtest_choice`) given how the fits as of the date it is
    used for went: a BG/NBD fit that is degenerate or missing there (``bgnbd_now``), or a
    supervised model that could not be trained (``supervised_now`` false), is not used."""
    if bgnbd_now is None and supervised_now:
        return choice
    info = {k: v for k, v in dataclasses.asdict(choice).items()
            if k not in ("chosen", "reason", "gain", "gain_low", "gain_high", "bgnbd",
                         "supervised")}
    if choice.scored_as_of is None:  # no backtest
        return _fallback(info, bgnbd_now, supervised_now, "no_backtest")
    then = choice.bgnbd
    bg_note = bgnbd_now or (then.note if then is not None else None)
    bg = then if bgnbd_now is None else Candidate(BGNBD, None, None, False, bgnbd_now)
    su = choice.supervised if supervised_now else Candidate(
        SUPERVISED, None, None, False, choice.supervised.note if choice.supervised else None)
    info.update(bgnbd=bg, supervised=su)
    if bg is None or su is None or bg.auc is None or su.auc is None:
        return _fallback(info, bg_note, su is not None and su.auc is not None,
                         "supervised_unavailable" if bg is not None and bg.auc is not None
                         else "nothing_fits")
    return choice


def _fallback(info: dict[str, Any], bgnbd_problem: str | None, supervised_ok: bool,
              default: str) -> ModelChoice:
    """Without a two-sided backtest: BG/NBD if it fits, else the supervised model if it
    does, else nothing."""
    if bgnbd_problem is None:
        return ModelChoice(**info, chosen=BGNBD, reason=default)
    if supervised_ok:
        return ModelChoice(**info, chosen=SUPERVISED,
                           reason="bgnbd_degenerate" if bgnbd_problem == "degenerate"
                           else "bgnbd_unavailable")
    return ModelChoice(**info, chosen=None, reason="nothing_fits")


def spend_rate(days: pd.DataFrame, customer_ids: np.ndarray, as_of: Any,
               horizon_days: int, first: pd.Series | None = None) -> np.ndarray:
    """Expected revenue of the next horizon had the customer stayed: revenue of the last
    :data:`SPEND_WINDOW_DAYS` days (net of returns, as the rollup's revenue is) per day of that window — or of the days
    since the first purchase when shorter, but never fewer than the horizon — times the
    horizon. Never below 0. ``first``: each customer's first purchase day by customer id,
    when known (the purchase summary's ``first_day``)."""
    cut = pd.Timestamp(as_of).normalize()
    start = cut - pd.Timedelta(days=SPEND_WINDOW_DAYS)
    day = days["day"].to_numpy()
    inside = (day > start.to_datetime64()) & (day <= cut.to_datetime64())
    revenue = pd.Series(days["revenue"].to_numpy()[inside]).groupby(
        days["customer_id"].to_numpy()[inside]).sum()
    if first is None:
        first = days.loc[(days["day"] <= cut) & (days["orders"] > 0)].groupby(
            "customer_id")["day"].min()
    known = pd.Index(customer_ids)
    tenure = (cut - first.reindex(known)).dt.days.to_numpy(dtype=np.float64) + 1.0
    window = np.clip(np.nan_to_num(tenure, nan=SPEND_WINDOW_DAYS), horizon_days,
                     SPEND_WINDOW_DAYS)
    own = revenue.reindex(known).fillna(0.0).to_numpy(dtype=np.float64)
    return np.clip(own / np.maximum(window, 1.0) * horizon_days, 0.0, None)


@dataclass(frozen=True)
class ChoiceAt:
    """The choice made as of a date (:func:`backtest_choice`, before :func:`settle`) and the
    supervised model trained as of that date (``None`` with ``supervised_why``): what
    predicting as of that date or a later one needs besides the BG/NBD fit of the day."""

    choice: ModelChoice
    supervised: SupervisedParams | None
    supervised_why: str | None = None

    @property
    def as_of(self) -> str:
        return self.choice.as_of

    @property
    def horizon_days(self) -> int:
        return self.choice.horizon_days


def occasions_of(days: pd.DataFrame, as_of: Any) -> pd.DataFrame:
    """The purchase occasions up to ``as_of``, sorted once and marked (``attrs["occasions"]``)
    so that the fits, the features and the backtest only cut them at their own dates."""
    if days.attrs.get("occasions"):
        return days.loc[days["day"] <= pd.Timestamp(as_of).normalize()]
    occ = purchase_occasions(_dated(days), as_of)
    occ.attrs["occasions"] = True
    return occ


def make_choice(days: pd.DataFrame, as_of: Any,
                horizon_days: int = DEFAULT_HORIZON_DAYS) -> ChoiceAt:
    """Backtest and choose as of ``as_of`` and train the supervised model as of it (only
    the history up to ``as_of`` is read)."""
    occ = occasions_of(days, as_of)
    sup, why = fit_supervised(occ, as_of, int(horizon_days))
    return ChoiceAt(backtest_choice(occ, as_of, int(horizon_days)), sup, why)


def choice_date(as_of: Any) -> pd.Timestamp:
    """The date a month-end snapshot's choice is made as of: the end of the latest period of
    :data:`CHOICE_MONTHS` calendar months (a year: 31 December) ending on or before
    ``as_of`` (``as_of`` itself when it ends one)."""
    cut = pd.Timestamp(as_of).normalize()
    months = (cut.year * 12 + cut.month) // CHOICE_MONTHS * CHOICE_MONTHS  # 1-based count
    end = _month_end(months)
    return end if end <= cut else _month_end(months - CHOICE_MONTHS)


def _month_end(months: int) -> pd.Timestamp:
    """The last day of month number ``months`` (``year * 12 + month``)."""
    year, month = divmod(months - 1, 12)
    return pd.Timestamp(year=year, month=month + 1, day=1) + pd.offsets.MonthEnd(0)


def _dated(days: pd.DataFrame) -> pd.DataFrame:
    if pd.api.types.is_datetime64_any_dtype(days["day"]):
        return days
    return days.assign(day=pd.to_datetime(days["day"]).astype("datetime64[ns]"))


def chosen_predictions(days: pd.DataFrame, as_of: Any,
                       horizon_days: int = DEFAULT_HORIZON_DAYS,
                       fit: ChurnFit | None = None, *,
                       apply: bool = False, choice: ChoiceAt | None = None) -> ChurnPredictions:
    """Fit both candidates as of ``as_of`` (or reuse ``fit`` for the same date and horizon),
    choose one, and predict: ``churn_model``'s columns with the chosen ``churn_probability``,
    plus ``model``, ``bgnbd_probability``, ``supervised_probability``,
    ``revenue_if_stayed`` and ``money_at_risk``. ``apply``: use ``fit`` (made as of a view's
    later as-of date) on the history up to ``as_of`` without fitting again: the previous
    period's figures of that view. ``choice``: the choice (and supervised model) made as of
    ``as_of`` or an earlier date (:func:`make_choice`, made here when not given); one made
    after ``as_of`` is refused."""
    cut = pd.Timestamp(as_of).normalize()
    days = _dated(days)
    known = days.loc[days["day"] <= cut, ["customer_id", "day", "orders", "revenue"]]
    occ = occasions_of(known, cut)
    summary = purchase_summary(occ, cut)
    if (fit is None or (fit.as_of != cut.date().isoformat() and not apply)
            or fit.horizon_days != int(horizon_days) or fit.choice is None):
        if choice is None:
            choice = make_choice(occ, cut, int(horizon_days))
        elif choice.as_of > cut.date().isoformat() or choice.horizon_days != int(horizon_days):
            raise ValueError(f"a choice made as of {choice.as_of} for {choice.horizon_days} "
                             f"days cannot serve {cut.date().isoformat()} and {horizon_days}")
        fit = _fit(summary, cut, int(horizon_days), choice)
    table = predict(summary, fit)
    sup = SupervisedParams.from_dict(fit.supervised) if fit.supervised else None
    sup_p = (sup.probability(window_features(occ, cut)) if sup is not None
             else np.full(len(table), np.nan))
    chosen = fit.choice.get("chosen")
    bg_p = table["churn_probability"].to_numpy()
    p = {BGNBD: bg_p, SUPERVISED: sup_p}.get(chosen, np.full(len(table), np.nan))
    stayed = spend_rate(known, table["customer_id"].to_numpy(), cut, int(horizon_days),
                        pd.Series(summary["first_day"].to_numpy(),
                                  index=summary["customer_id"].to_numpy()))
    out = table.assign(churn_probability=p, bgnbd_probability=bg_p,
                       supervised_probability=sup_p,
                       model=pd.array([chosen] * len(table), dtype="string"),
                       revenue_if_stayed=stayed, money_at_risk=p * stayed)
    return ChurnPredictions(out, fit)


def _fit(summary: pd.DataFrame, cut: pd.Timestamp, horizon: int, made: ChoiceAt) -> ChurnFit:
    fit = fit_churn_model(summary, cut, horizon)
    bad = degenerate(fit.bgnbd)
    sup = made.supervised
    choice = settle(made.choice,
                    bgnbd_now="no_fit" if fit.bgnbd is None else ("degenerate" if bad else None),
                    supervised_now=sup is not None)
    notes = list(fit.notes)
    if bad:
        notes.insert(0, "the BG/NBD fit lands on its boundary (customers would never drop "
                        "out), so its churn probability ignores recency: it is not used")
    if sup is not None:
        notes.extend(sup.notes)
    return dataclasses.replace(fit, notes=tuple(notes), bgnbd_degenerate=bad,
                               supervised=None if sup is None else sup.to_dict(),
                               choice=choice.to_dict())


__all__ = ["BGNBD", "CANDIDATES", "CHOICE_MONTHS", "Candidate", "ChoiceAt", "ModelChoice", "REASONS",
           "SUPERVISED", "backtest_choice", "choice_date", "choose_model", "chosen_predictions",
           "degenerate", "fast_auc", "make_choice", "occasions_of", "outcome_days",
           "paired_bootstrap", "settle", "spend_rate"]
