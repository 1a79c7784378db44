"""Membership history: where each customer stands, and what changed since the last look.

A customer's place in every classification is a membership row: source ``status`` (label
active / churning / lost / never), ``abc`` (tier A-D), ``scheme:<id>`` (the band's label) and
``rule:<id>`` (``dashboard.analytics.rules``). A row is open while the customer stays there;
when the place changes, the open row is closed on the as-of date and a new one opens with the
reason (valid from the as-of date: intervals are ``[valid_from, valid_to)``). A customer who
leaves every band of a scheme, or stops meeting a rule, has no open row of that source.

:func:`wanted_rows` says where every customer stands now; :func:`changes` compares that with
the open rows and returns only the differences, so that writing them twice changes nothing
the second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboard.analytics import reasons as texts
from dashboard.analytics.classification import Scheme
from dashboard.analytics.kinds import SCHEME_KINDS
from dashboard.analytics.settings import FigureSettings

COLUMNS = ["customer_id", "source", "label", "value", "reason"]
OPEN_COLUMNS = ["id", "customer_id", "source", "label", "valid_from"]


def empty_rows() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else "object")
                         for c in COLUMNS}).astype({"customer_id": "int64"})


def status_rows(table: pd.DataFrame, rules: FigureSettings, *,
                reasons: bool = True) -> pd.DataFrame:
    """One ``status`` row per customer, with the figure that decided it (``reasons`` False:
    empty reasons, for a first comparison that only needs the labels)."""
    status = table["status"].astype(str).to_numpy()
    risk = table["risk_score"]
    rows = pd.DataFrame({"customer_id": table["customer_id"].to_numpy(), "source": "status",
                         "label": status, "value": risk.to_numpy(dtype=np.float64,
                                                                 na_value=np.nan),
                         "reason": ""})
    if not reasons:
        return rows
    size = len(table)
    since = table["days_since_last_order"].to_numpy(dtype=np.float64, na_value=np.nan)
    risk_values = risk.to_numpy(dtype=np.float64, na_value=np.nan)
    by_days = since > rules.lost_days
    risk_json = texts.numbers(risk)

    never, lost = status == "never", status == "lost"
    reason = texts.choose(size, [
        (never, "status.no_order", {}),
        (lost & by_days, "status.no_order_for", {
            "days": texts.numbers(since), "limit": texts.literal(int(rules.lost_days))}),
        (lost, "status.risk_above", {"risk": risk_json,
                                     "limit": texts.literal(float(rules.risk_lost))}),
        (status == "churning", "status.risk_above", {
            "risk": risk_json, "limit": texts.literal(float(rules.risk_churning))}),
        (np.isnan(risk_values), "status.no_gap", {"days": texts.literal(int(rules.lost_days))}),
        (None, "status.risk_at_most", {"risk": risk_json,
                                       "limit": texts.literal(float(rules.risk_churning))})])
    return rows.assign(reason=reason)


def tier_rows(table: pd.DataFrame, period: Mapping[str, Any], *,
              reasons: bool = True) -> pd.DataFrame:
    """One ``abc`` row per customer: the tier of the period's revenue (``period``: the
    values :func:`period_args` gives)."""
    revenue = table["revenue"]
    rows = pd.DataFrame({"customer_id": table["customer_id"].to_numpy(), "source": "abc",
                         "label": table["abc_tier"].astype(str).to_numpy(),
                         "value": revenue.to_numpy(dtype=np.float64), "reason": ""})
    if not reasons:
        return rows
    size = len(table)
    when = {name: texts.literal(value) for name, value in period.items()}
    return rows.assign(reason=texts.choose(size, [
        (revenue.to_numpy() > 0, "tier.revenue", {"revenue": texts.numbers(revenue, 2), **when}),
        (None, "tier.no_revenue", when)]))


def scheme_rows(assignment: pd.DataFrame, schemes: Mapping[int, Scheme],
                teams: Mapping[int, int | None] | None = None,
                customer_teams: pd.DataFrame | None = None, *,
                reasons: bool = True) -> pd.DataFrame:
    """One ``scheme:<id>`` row per customer in a band, from ``classify_many``'s frame.
    A team's scheme keeps only that team's customers (``customer_teams``: ``customer_id``,
    ``team_id``)."""
    placed = assignment.loc[assignment["band"].notna()]
    if teams and customer_teams is not None:
        team_of = placed["scheme"].map(dict(teams))
        their = placed["customer_id"].map(customer_teams.set_index("customer_id")["team_id"])
        keep = team_of.isna().to_numpy() | (team_of == their).to_numpy(dtype=bool,
                                                                      na_value=False)
        placed = placed.loc[keep]
    if placed.empty:
        return empty_rows()
    names = {key: f"scheme:{key}" for key in pd.unique(placed["scheme"])}  # a few schemes
    rows = pd.DataFrame({"customer_id": placed["customer_id"].astype("int64").to_numpy(),
                         "source": placed["scheme"].map(names).to_numpy(dtype=object),
                         "label": placed["label"].to_numpy(dtype=object),
                         "value": placed["value"].to_numpy(dtype=np.float64), "reason": ""})
    if not reasons:
        return rows
    size = len(placed)
    kinds = placed["scheme"].map({k: s.kind for k, s in schemes.items()})
    rank = kinds.map({key: kind.ranked for key, kind in SCHEME_KINDS.items()}).to_numpy(
        dtype=bool, na_value=False)
    common = {"band": texts.strings(placed["label"]), "figure": texts.strings(kinds)}
    value = texts.numbers(placed["value"])
    reason = texts.choose(size, [
        (rank, "scheme.band_top", {**common, "top": texts.numbers(_band_uppers(placed, schemes)),
                                   "value": value}),
        (None, "scheme.band", {**common, "value": value})])
    return rows.assign(reason=reason)


def _band_uppers(placed: pd.DataFrame, schemes: Mapping[int, Scheme]) -> pd.Series:
    """The upper bound of each placed customer's band."""
    bounds = pd.DataFrame(
        [(key, i, band.upper) for key, scheme in schemes.items()  # schemes x bands, not rows
         for i, band in enumerate(scheme.bands)], columns=["scheme", "band", "upper"])
    keys = placed[["scheme", "band"]].astype({"band": "int64"})
    found = keys.merge(bounds.astype({"band": "int64"}), on=["scheme", "band"], how="left")
    return pd.Series(found["upper"].to_numpy(), index=placed.index)


@dataclass(frozen=True)
class Changes:
    """What to write: the ids of open rows to close, and the rows to open (``COLUMNS``)."""

    close_ids: np.ndarray
    opened: pd.DataFrame

    @property
    def is_empty(self) -> bool:
        return len(self.close_ids) == 0 and self.opened.empty

    def counts(self) -> dict[str, int]:
        """Rows opened per source family (status, abc, scheme, rule) and rows closed."""
        counts: dict[str, int] = {}
        for source, n in self.opened["source"].value_counts().items():  # a few sources
            family = str(source).split(":", 1)[0]
            counts[family] = counts.get(family, 0) + int(n)
        return {**dict(sorted(counts.items())), "closed": int(len(self.close_ids))}


def _keys(customers: np.ndarray, source_codes: np.ndarray, sources: int) -> np.ndarray:
    """One integer per (customer, source): cheap to compare at millions of rows."""
    return customers.astype(np.int64) * (sources + 1) + source_codes


def changes(open_rows: pd.DataFrame, wanted: pd.DataFrame,
            sources: set[str] | None = None) -> Changes:
    """The difference between the open rows (``OPEN_COLUMNS``) and the wanted rows
    (``COLUMNS``, at most one per customer and source). Open rows of a source in ``sources``
    (or of any source when ``None``) that are not wanted any more are closed; a wanted row
    whose label differs from the open one closes it and opens the new one; equal labels
    change nothing."""
    current = open_rows if sources is None else open_rows.loc[
        open_rows["source"].isin(list(sources))]
    open_source = current["source"].to_numpy(dtype=object)
    wanted_source = wanted["source"].to_numpy(dtype=object)
    # numbered over both sides at once (a few sources, millions of rows)
    codes, names = pd.factorize(np.concatenate([open_source, wanted_source]))
    open_key = _keys(current["customer_id"].to_numpy(), codes[:len(open_source)], len(names))
    wanted_key = _keys(wanted["customer_id"].to_numpy(), codes[len(open_source):], len(names))
    at = pd.Index(open_key).get_indexer(wanted_key)  # the open row of each wanted row, or -1
    open_label = current["label"].to_numpy(dtype=object)
    found = at >= 0
    same = np.zeros(len(wanted), dtype=bool)
    same[found] = open_label[at[found]] == wanted["label"].to_numpy(dtype=object)[found]
    kept = np.zeros(len(current), dtype=bool)
    kept[at[same]] = True
    close = current["id"].to_numpy(dtype=np.int64)[~kept]
    opened = wanted.loc[~same, COLUMNS]
    return Changes(close_ids=np.sort(close),
                   opened=opened.astype({"customer_id": "int64"}).reset_index(drop=True))


class Ledger:
    """The open rows, held in memory while one or more as-of dates are applied in date order
    (the first recompute replays the last month-ends before today). Rows that were open when
    the ledger started keep their database id as ``key``; rows opened here get negative keys.

    At the end, :attr:`closed` says which stored rows to close on which date and
    :attr:`inserts` which rows to write (with their ``valid_from`` and, for rows opened and
    closed again during the replay, ``valid_to``)."""

    def __init__(self, open_rows: pd.DataFrame) -> None:
        self.open = pd.DataFrame({
            "key": open_rows["id"].to_numpy(dtype=np.int64),
            "customer_id": open_rows["customer_id"].to_numpy(dtype=np.int64),
            "source": open_rows["source"].astype(str).to_numpy(dtype=object),
            "label": open_rows["label"].astype(str).to_numpy(dtype=object),
            "valid_from": pd.to_datetime(open_rows["valid_from"]).to_numpy(
                dtype="datetime64[ns]"),
            "value": np.nan, "reason": None})
        self._next = -1
        self.closed: dict[dt.date, np.ndarray] = {}
        self._finished: list[pd.DataFrame] = []
        self.opened_counts: dict[str, int] = {}
        self.closed_count = 0

    def apply(self, wanted: pd.DataFrame, as_of: dt.date,
              sources: set[str] | None = None) -> Changes:
        """Move the ledger to ``as_of``: where every customer stands then is ``wanted``
        (sources outside ``sources`` are left alone when it is given)."""
        found = changes(self.open.rename(columns={"key": "id"}), wanted, sources)
        is_closed = self.open["key"].isin(found.close_ids).to_numpy()
        closing = self.open.loc[is_closed]
        stored = closing["key"].to_numpy()
        if (stored > 0).any():
            self.closed[as_of] = np.concatenate(
                [self.closed.get(as_of, np.zeros(0, np.int64)), stored[stored > 0]])
        if (stored < 0).any():
            self._finished.append(closing.loc[stored < 0].assign(valid_to=pd.Timestamp(as_of)))
        keys = np.arange(self._next, self._next - len(found.opened), -1, dtype=np.int64)
        self._next -= len(found.opened)
        opened = found.opened.assign(key=keys, valid_from=pd.Timestamp(as_of))
        self.open = pd.concat([self.open.loc[~is_closed], opened[self.open.columns]],
                              ignore_index=True)
        for family, n in found.counts().items():
            if family != "closed":
                self.opened_counts[family] = self.opened_counts.get(family, 0) + n
        self.closed_count += len(found.close_ids)
        return found

    def fill_reasons(self, described: pd.DataFrame) -> None:
        """Give the rows opened here their reasons (``described``: ``customer_id``,
        ``source``, ``reason``), computed only for them after a comparison of labels."""
        new = (self.open["key"] < 0).to_numpy() & (self.open["reason"].fillna("") == "")
        if not new.any() or described.empty:
            return
        keyed = described.set_index(["customer_id", "source"])["reason"]
        index = pd.MultiIndex.from_arrays([self.open.loc[new, "customer_id"],
                                           self.open.loc[new, "source"]])
        found = keyed.reindex(index).to_numpy(dtype=object)
        self.open.loc[new, "reason"] = np.where(pd.isna(found), "", found)

    def open_rows(self, sources: Iterable[str] | None = None) -> pd.DataFrame:
        """The open rows now (``customer_id``, ``source``, ``label``, ``valid_from``), of
        ``sources`` (every source when ``None``)."""
        rows = self.open if sources is None else self.open.loc[
            self.open["source"].isin(list(sources))]
        return rows[["customer_id", "source", "label", "valid_from"]]

    @property
    def inserts(self) -> pd.DataFrame:
        """Rows to write: ``customer_id``, ``source``, ``label``, ``value``, ``reason``,
        ``valid_from``, ``valid_to`` (empty while open)."""
        still = self.open.loc[self.open["key"] < 0].assign(valid_to=pd.NaT)
        frame = pd.concat([*self._finished, still], ignore_index=True)
        return frame[[*COLUMNS, "valid_from", "valid_to"]].sort_values(
            ["valid_from", "customer_id", "source"], kind="stable").reset_index(drop=True)

    @property
    def changed(self) -> bool:
        return bool(self.closed) or bool((self.open["key"] < 0).any()) or bool(self._finished)


def period_args(start: dt.date, end: dt.date) -> dict[str, Any]:
    """The period of the tier reasons as stored values: its length in days and last day."""
    return {"days": (end - start).days + 1, "end": end.isoformat()}


__all__ = ["COLUMNS", "Changes", "Ledger", "OPEN_COLUMNS", "changes", "empty_rows", "period_args",
           "scheme_rows", "status_rows", "tier_rows"]
