"""Customer lists: the quick search, column filters and sort the list grid asks for, applied to
the customer list table (the customer table of ``table.py`` with the list's extra columns).

The grid (AG Grid's infinite row model) sends a sort model and a filter model with every
request for rows. Nothing in them is trusted: :func:`parse_sort_model` and
:func:`parse_filter_model` keep only the columns of :data:`COLUMNS`, the operators of their
kind and well-formed values, and drop everything else. A list request can therefore only
narrow or order the rows it is applied to; which rows those are (the user's scope, the page
filters, the list selector) is decided before, by the service.

Filters, per kind of column (AG Grid's names; at most :data:`MAX_CONDITIONS` conditions joined
by AND or OR):

- text — ``contains``, ``notContains``, ``equals``, ``notEqual``, ``startsWith``,
  ``endsWith``, ``blank``, ``notBlank``; case-insensitive, a blank value is the empty text;
- number — ``equals``, ``notEqual``, ``greaterThan``, ``greaterThanOrEqual``, ``lessThan``,
  ``lessThanOrEqual``, ``inRange`` (both ends included), ``blank``, ``notBlank``; a blank value
  passes only ``notEqual`` and ``blank``;
- date — ``equals``, ``notEqual``, ``greaterThan`` (after), ``lessThan`` (before),
  ``inRange`` (both days included), ``blank``, ``notBlank``; compared by calendar day.

The quick search (the filter model's ``q`` entry) keeps rows whose name, code, phone, e-mail,
region or account manager contain every word typed, ignoring case.

Sorting: up to :data:`MAX_SORT_KEYS` columns; blanks come last in both directions; rows that
tie keep the table's order (by customer code). Text sorts by its case-folded characters.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

TEXT, NUMBER, DATE, CATEGORY = "text", "number", "date", "category"
COLUMNS: dict[str, str] = {
    "customer_name": TEXT, "customer_code": TEXT, "region": TEXT, "account_manager": TEXT,
    "contact": TEXT, "suggest": TEXT,
    "customer_type": CATEGORY, "abc_tier": CATEGORY, "abc_tier_prev": CATEGORY,
    "status": CATEGORY, "tier_move": CATEGORY, "action": CATEGORY,
    "orders": NUMBER, "orders_prev": NUMBER, "revenue": NUMBER, "revenue_prev": NUMBER,
    "growth_pct": NUMBER, "gross_margin": NUMBER, "margin_pct": NUMBER,
    "avg_order_value": NUMBER, "receivable": NUMBER, "overdue": NUMBER, "risk_score": NUMBER,
    "risk_change_pct": NUMBER, "churn_pct": NUMBER, "expected_orders_next_90d": NUMBER,
    "expected_value_next_90d": NUMBER, "days_since_last_order": NUMBER,
    "money_at_risk": NUMBER,
    "mean_gap_days": NUMBER, "usual_gap_days": NUMBER, "potential": NUMBER,
    "headroom": NUMBER,
    "last_order_date": DATE, "first_order_date": DATE, "last_visit": DATE, "last_call": DATE,
    "last_coupon": DATE,
}
FILTERABLE = frozenset(c for c, kind in COLUMNS.items() if kind != CATEGORY)
SEARCH_KEY = "q"
OPERATORS = {
    TEXT: ("contains", "notContains", "equals", "notEqual", "startsWith", "endsWith",
           "blank", "notBlank"),
    NUMBER: ("equals", "notEqual", "greaterThan", "greaterThanOrEqual", "lessThan",
             "lessThanOrEqual", "inRange", "blank", "notBlank"),
    DATE: ("equals", "notEqual", "greaterThan", "lessThan", "inRange", "blank", "notBlank"),
}
NO_VALUE = ("blank", "notBlank")
MAX_CONDITIONS = 2
MAX_SORT_KEYS = 3
MAX_TEXT = 120
MAX_SEARCH_WORDS = 8
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")


@dataclass(frozen=True)
class Condition:
    op: str
    value: Any = None  # str (text), float (number), datetime.date (date)
    value_to: Any = None  # the upper end of inRange


@dataclass(frozen=True)
class ColumnFilter:
    column: str
    conditions: tuple[Condition, ...]
    join: str = "AND"  # AND | OR


@dataclass(frozen=True)
class ListQuery:
    """What a list request asks for beyond its rows' scope: search, filters and sort."""

    search: str = ""
    filters: tuple[ColumnFilter, ...] = ()
    sort: tuple[tuple[str, bool], ...] = ()  # (column, descending), most significant first

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe copy (dates as ISO text), read back by :func:`query_from_dict`."""
        def value(v: Any) -> Any:
            return v.isoformat() if isinstance(v, dt.date) else v

        return {"search": self.search,
                "sort": [[c, d] for c, d in self.sort],
                "filters": [{"column": f.column, "join": f.join,
                             "conditions": [{"op": c.op, "value": value(c.value),
                                             "value_to": value(c.value_to)}
                                            for c in f.conditions]} for f in self.filters]}


# --- parsing (never raises; anything unexpected is dropped) ------------------------------


def _text(value: Any) -> str | None:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text or len(text) > MAX_TEXT or any(ord(ch) < 0x20 or ord(ch) == 0x7F
                                               for ch in text):
        return None
    return text


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and abs(number) < 1e15 else None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    if not isinstance(value, str):
        return None
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        day = dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2199 else None


_VALUE = {TEXT: ("filter", None, _text), NUMBER: ("filter", "filterTo", _number),
          DATE: ("dateFrom", "dateTo", _date)}


def _condition(kind: str, raw: Any) -> Condition | None:
    if not isinstance(raw, Mapping) or raw.get("type") not in OPERATORS[kind]:
        return None
    op = str(raw["type"])
    if op in NO_VALUE:
        return Condition(op)
    first, second, read = _VALUE[kind]
    value = read(raw.get(first))
    if value is None:
        return None
    if op != "inRange":
        return Condition(op, value)
    upper = read(raw.get(second)) if second else None
    if upper is None:
        return None
    low, high = sorted((value, upper))
    return Condition(op, low, high)


def _column_filter(column: str, raw: Any) -> ColumnFilter | None:
    kind = COLUMNS[column]
    if not isinstance(raw, Mapping) or raw.get("filterType") not in (None, kind):
        return None
    if "conditions" in raw:
        items = raw.get("conditions")
        if not isinstance(items, list) or not items or len(items) > MAX_CONDITIONS:
            return None
        join = raw.get("operator")
        if join not in ("AND", "OR"):
            return None
        parsed = [_condition(kind, item) for item in items]
        if any(p is None for p in parsed):
            return None
        return ColumnFilter(column, tuple(parsed), str(join))  # type: ignore[arg-type]
    single = _condition(kind, raw)
    return None if single is None else ColumnFilter(column, (single,))


def parse_search(raw: Any) -> str:
    """The quick-search words (the ``q`` entry of a filter model, or plain text)."""
    if isinstance(raw, Mapping):
        raw = raw.get("filter")
    text = _text(raw)
    if text is None:
        return ""
    return " ".join(text.split()[:MAX_SEARCH_WORDS])


def parse_filter_model(model: Any) -> tuple[str, tuple[ColumnFilter, ...]]:
    """(quick search, column filters) of an AG Grid filter model."""
    if not isinstance(model, Mapping):
        return "", ()
    search = parse_search(model.get(SEARCH_KEY))
    filters = []
    for column in sorted(k for k in model if isinstance(k, str) and k in FILTERABLE):
        parsed = _column_filter(column, model[column])
        if parsed is not None:
            filters.append(parsed)
    return search, tuple(filters)


def parse_sort_model(model: Any) -> tuple[tuple[str, bool], ...]:
    """(column, descending) pairs of an AG Grid sort model, most significant first."""
    if not isinstance(model, list):
        return ()
    keys: list[tuple[str, bool]] = []
    for item in model:
        if not isinstance(item, Mapping):
            continue
        column, direction = item.get("colId"), item.get("sort")
        if (isinstance(column, str) and column in COLUMNS and direction in ("asc", "desc")
                and column not in {c for c, _d in keys}):
            keys.append((column, direction == "desc"))
    return tuple(keys[:MAX_SORT_KEYS])


def list_query(sort_model: Any = None, filter_model: Any = None) -> ListQuery:
    search, filters = parse_filter_model(filter_model)
    return ListQuery(search=search, filters=filters, sort=parse_sort_model(sort_model))


def query_from_dict(data: Any) -> ListQuery:
    """:meth:`ListQuery.to_dict` read back (as strictly as a request)."""
    if not isinstance(data, Mapping):
        return ListQuery()
    model: dict[str, Any] = {SEARCH_KEY: data.get("search")}
    for item in data.get("filters") or []:
        if not isinstance(item, Mapping) or item.get("column") not in FILTERABLE:
            continue
        kind = COLUMNS[item["column"]]
        first, second, _read = _VALUE[kind]
        conditions = [{"type": c.get("op"), first: c.get("value"),
                       **({second: c.get("value_to")} if second else {})}
                      for c in item.get("conditions") or [] if isinstance(c, Mapping)]
        model[item["column"]] = {"filterType": kind, "operator": item.get("join"),
                                 "conditions": conditions}
    sort = [{"colId": pair[0], "sort": "desc" if pair[1] else "asc"}
            for pair in data.get("sort") or [] if isinstance(pair, (list, tuple))
            and len(pair) == 2]
    return list_query(sort, model)


# --- applying ------------------------------------------------------------------------------


class Source(Protocol):
    """The rows a query is applied to (see :class:`FrameSource`)."""

    def __len__(self) -> int: ...

    def column(self, name: str) -> pd.Series: ...

    def folded(self, name: str) -> pd.Series: ...

    def sort_key(self, name: str, descending: bool) -> np.ndarray: ...

    def sort_order(self, name: str, descending: bool) -> np.ndarray: ...


def folded_text(values: pd.Series) -> pd.Series:
    """Case-folded text with blanks as the empty text (for search and text filters)."""
    return values.astype("string").fillna("").str.casefold()


def sort_key(values: pd.Series, kind: str, descending: bool) -> np.ndarray:
    """A float key per row sorting ``values`` ascending (or descending), blanks last."""
    if kind == CATEGORY:
        codes = values.cat.codes.to_numpy().astype(np.float64)
        key = np.where(codes < 0, np.nan, codes)
    elif kind == TEXT:
        text = folded_text(values)
        _uniques, rank = np.unique(text.to_numpy(dtype=object), return_inverse=True)
        key = np.where(text.eq("").to_numpy(), np.nan, rank.astype(np.float64))
    elif kind == DATE:
        days = pd.to_datetime(values).to_numpy(dtype="datetime64[D]")
        key = np.where(np.isnat(days), np.nan, days.astype(np.int64).astype(np.float64))
    else:
        key = pd.to_numeric(values).to_numpy(dtype=np.float64, na_value=np.nan)
    key = -key if descending else key
    return np.where(np.isnan(key), np.inf, key)


class FrameSource:
    """A :class:`Source` over a DataFrame, remembering folded text and sort keys."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._memo: dict[tuple[str, ...], Any] = {}

    def __len__(self) -> int:
        return len(self.frame)

    def column(self, name: str) -> pd.Series:
        return self.frame[name]

    def _remember(self, key: tuple[str, ...], make: Any) -> Any:
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def folded(self, name: str) -> pd.Series:
        return self._remember(("folded", name), lambda: folded_text(self.frame[name]))

    def sort_key(self, name: str, descending: bool) -> np.ndarray:
        return self._remember(("key", name, str(descending)),
                              lambda: sort_key(self.frame[name], COLUMNS[name], descending))

    def sort_order(self, name: str, descending: bool) -> np.ndarray:
        return self._remember(("order", name, str(descending)), lambda: np.argsort(
            self.sort_key(name, descending), kind="stable"))


def search_mask(haystack: pd.Series, search: str) -> np.ndarray:
    """Rows whose (case-folded) ``haystack`` contains every word of ``search``."""
    mask = np.ones(len(haystack), dtype=bool)
    for word in search.casefold().split()[:MAX_SEARCH_WORDS]:
        mask &= haystack.str.contains(word, regex=False).to_numpy(dtype=bool, na_value=False)
    return mask


def _text_match(text: pd.Series, c: Condition) -> np.ndarray:
    value = str(c.value or "").casefold()
    result = {
        "contains": lambda: text.str.contains(value, regex=False),
        "notContains": lambda: ~text.str.contains(value, regex=False),
        "equals": lambda: text == value,
        "notEqual": lambda: text != value,
        "startsWith": lambda: text.str.startswith(value),
        "endsWith": lambda: text.str.endswith(value),
        "blank": lambda: text == "",
        "notBlank": lambda: text != "",
    }[c.op]()
    return result.to_numpy(dtype=bool, na_value=False)


def _compare(values: np.ndarray, c: Condition, low: Any, high: Any) -> np.ndarray:
    blank = np.isnan(values) if values.dtype.kind == "f" else np.isnat(values)
    with np.errstate(invalid="ignore"):
        result = {
            "equals": lambda: values == low,
            "notEqual": lambda: (values != low) | blank,
            "greaterThan": lambda: values > low,
            "greaterThanOrEqual": lambda: values >= low,
            "lessThan": lambda: values < low,
            "lessThanOrEqual": lambda: values <= low,
            "inRange": lambda: (values >= low) & (values <= high),
            "blank": lambda: blank,
            "notBlank": lambda: ~blank,
        }[c.op]()
    return np.asarray(result, dtype=bool) & (~blank | (c.op in ("notEqual", "blank")))


def _as_day(value: dt.date | None) -> np.datetime64 | None:
    return None if value is None else np.datetime64(value, "D")


def _condition_mask(source: Source, column: str, c: Condition) -> np.ndarray:
    kind = COLUMNS[column]
    if kind == TEXT:
        return _text_match(source.folded(column), c)
    if kind == DATE:
        days = pd.to_datetime(source.column(column)).to_numpy(dtype="datetime64[D]")
        return _compare(days, c, _as_day(c.value), _as_day(c.value_to))
    values = pd.to_numeric(source.column(column)).to_numpy(dtype=np.float64, na_value=np.nan)
    return _compare(values, c, c.value, c.value_to)


def filter_mask(source: Source, filters: tuple[ColumnFilter, ...]) -> np.ndarray:
    mask = np.ones(len(source), dtype=bool)
    for item in filters:
        parts = [_condition_mask(source, item.column, c) for c in item.conditions]
        joined = np.logical_or.reduce(parts) if item.join == "OR" else np.logical_and.reduce(
            parts)
        mask &= joined
    return mask


class Subset:
    """The rows ``rows`` (positions) of a :class:`Source`, as a source of their own."""

    def __init__(self, source: Source, rows: np.ndarray) -> None:
        self.source, self.rows = source, rows

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> pd.Series:
        return self.source.column(name).take(self.rows).reset_index(drop=True)

    def folded(self, name: str) -> pd.Series:
        return self.source.folded(name).take(self.rows).reset_index(drop=True)


def query_mask(source: Source, query: ListQuery, within: np.ndarray | None = None,
               haystack: str = "haystack") -> np.ndarray:
    """True for the rows (of ``within``, when given) that pass the quick search and every
    column filter. Text is searched only in the rows of ``within`` when they are few (an
    eighth or less): a rep's list does not pay for the whole customer base."""
    if within is not None and not query.filters and not query.search:
        return within
    if within is not None and within.sum() <= len(source) // 8:
        rows = np.flatnonzero(within)
        inside = _mask(Subset(source, rows), query, haystack)
        mask = np.zeros(len(source), dtype=bool)
        mask[rows[inside]] = True
        return mask
    mask = _mask(source, query, haystack)
    return mask if within is None else mask & within


def _mask(source: Any, query: ListQuery, haystack: str) -> np.ndarray:
    mask = filter_mask(source, query.filters)
    if query.search:
        mask &= search_mask(source.column(haystack), query.search)  # already case-folded
    return mask


def ordered_positions(source: Source, mask: np.ndarray,
                      sort: tuple[tuple[str, bool], ...]) -> np.ndarray:
    """Positions of the rows in ``mask``, in the order ``sort`` asks for (table order when
    it asks for none, and between rows that tie)."""
    if not sort:
        return np.flatnonzero(mask)
    if len(sort) == 1:
        order = source.sort_order(*sort[0])
        return order[mask[order]]
    positions = np.flatnonzero(mask)
    keys = [source.sort_key(name, desc)[positions] for name, desc in reversed(sort)]
    return positions[np.lexsort([positions, *keys])]


__all__ = ["CATEGORY", "COLUMNS", "DATE", "FILTERABLE", "NUMBER", "SEARCH_KEY", "TEXT",
           "ColumnFilter", "Condition", "FrameSource", "ListQuery", "Source", "Subset",
           "filter_mask",
           "folded_text", "list_query", "ordered_positions", "parse_filter_model",
           "parse_search", "parse_sort_model", "query_from_dict", "query_mask",
           "search_mask", "sort_key"]
