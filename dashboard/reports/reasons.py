"""The plain-words reason beside every prediction, in the reader's language.

It is written from the same figures the screen shows beside it, so the words and the numbers
never disagree: the usual gap is ``mean_gap_days`` and the "× the usual gap" is the
``risk_score`` (days since the last order / usual gap)::

    usually orders every 12 days, last order 41 days ago — 3.4× the usual gap
    bought once, 200 days ago
    usually orders every 9 days, last order today

Built column by column (no loop over customers), so a 200,000-row export costs a fraction of
a second.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dashboard.i18n import N_, current_language, format_number, translate

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
TODAY, ONE_DAY_AGO, DAYS_AGO = N_("today"), N_("1 day ago"), N_("{n} days ago")
EVERY_DAY, EVERY_DAYS = N_("every day"), N_("every {n} days")
USUAL = N_("usually orders {every}, last order {ago} — {ratio}× the usual gap")
USUAL_TODAY = N_("usually orders {every}, last order today")
ONCE = N_("bought once, {ago}")


def _fill(template: str, values: dict[str, pd.Series], index: pd.Index) -> pd.Series:
    """``template`` with each ``{name}`` replaced by the column ``values[name]``."""
    parts = _PLACEHOLDER.split(template)
    out = pd.Series(parts[0], index=index, dtype=object)
    for i in range(1, len(parts), 2):
        out = out + values[parts[i]].astype(str) + parts[i + 1]
    return out


def _numbers(values: pd.Series, digits: int, language: str) -> pd.Series:
    """Numbers formatted once per distinct value (few distinct values, many rows)."""
    clean = values.astype("float64").round(digits)
    uniques = pd.unique(clean.dropna())
    text = {v: format_number(v, digits, language) for v in uniques}
    return clean.map(text).fillna("")


def _days_phrase(days: pd.Series, language: str, zero: str, one: str, many: str) -> pd.Series:
    n = _numbers(days, 0, language)
    many_text = _fill(translate(many, language), {"n": n}, days.index)
    return pd.Series(np.where(days == 0, translate(zero, language),
                              np.where(days == 1, translate(one, language), many_text)),
                     index=days.index, dtype=object)


def churn_reasons(table: pd.DataFrame, language: str | None = None) -> pd.Series:
    """One line per row of a customer table (empty for customers who never ordered)."""
    language = language or current_language()
    index = table.index
    since = table["days_since_last_order"].astype("float64")
    gap = table["mean_gap_days"].astype("float64").round()
    ago = _days_phrase(since, language, TODAY, ONE_DAY_AGO, DAYS_AGO)
    every = _days_phrase(gap, language, EVERY_DAY, EVERY_DAY, EVERY_DAYS)
    ratio = _numbers(table["risk_score"], 1, language)
    values = {"every": every, "ago": ago, "ratio": ratio}
    usual = _fill(translate(USUAL, language), values, index)
    today = _fill(translate(USUAL_TODAY, language), values, index)
    once = _fill(translate(ONCE, language), values, index)
    one_purchase = table["gap_borrowed"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    never = since.isna().to_numpy()
    text = np.where(one_purchase, once, np.where(since.to_numpy() == 0, today, usual))
    return pd.Series(np.where(never, "", text), index=index, dtype=object)


def _number(value: float, digits: int, language: str) -> str:
    """One number as :func:`_numbers` formats it (rounded as numpy rounds; empty if none)."""
    return "" if np.isnan(value) else format_number(float(np.round(value, digits)), digits,
                                                    language)


def _days_words(days: float, language: str, zero: str, one: str, many: str) -> str:
    if days == 0:
        return translate(zero, language)
    if days == 1:
        return translate(one, language)
    return _PLACEHOLDER.sub(lambda m: _number(days, 0, language), translate(many, language))


def _as_float(value: object) -> float:
    return np.nan if value is None or value is pd.NA else float(value)  # type: ignore[arg-type]


def churn_reason(row: pd.Series | dict, language: str | None = None) -> str:
    """The reason of one customer (a row of the customer table): :func:`churn_reasons` for
    one row, word for word, without building a frame (a portrait's prediction card)."""
    language = language or current_language()
    since = _as_float(row.get("days_since_last_order"))
    if np.isnan(since):
        return ""
    gap = np.round(_as_float(row.get("mean_gap_days")))
    values = {"ago": _days_words(since, language, TODAY, ONE_DAY_AGO, DAYS_AGO),
              "every": _days_words(gap, language, EVERY_DAY, EVERY_DAY, EVERY_DAYS),
              "ratio": _number(_as_float(row.get("risk_score")), 1, language)}
    borrowed = row.get("gap_borrowed")
    one_purchase = not (borrowed is None or borrowed is pd.NA or pd.isna(borrowed)) and bool(
        borrowed)
    template = ONCE if one_purchase else USUAL_TODAY if since == 0 else USUAL
    return _PLACEHOLDER.sub(lambda m: values[m[1]], translate(template, language))
