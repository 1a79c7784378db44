"""Quick search, column filters and sort of the customer lists: the grid's models parsed
strictly (nothing unexpected survives, nothing raises) and applied as documented."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.analytics.listing import (
    COLUMNS,
    FrameSource,
    ListQuery,
    list_query,
    ordered_positions,
    parse_filter_model,
    parse_sort_model,
    query_from_dict,
    query_mask,
)

FRAME = pd.DataFrame({
    "customer_code": ["A1", "B2", "C3", "D4", "E5"],
    "customer_name": ["Alpha Trading", "beta stores", None, "Delta 五金", "alpha outlet"],
    "region": ["East", "West", "West", None, "East"],
    "account_manager": ["Wang", "Zhao", "Zhao", "Wang", "Li"],
    "contact": ["+86 1", None, "x@y.z", None, None],
    "revenue": [5000.0, 80.0, np.nan, 2000.0, 5000.0],
    "orders": [3, 1, 0, 2, 3],
    "last_order_date": pd.to_datetime(["2026-11-20", "2026-06-01", None, "2026-11-10",
                                       "2026-11-20"]),
    "status": pd.Categorical(["active", "lost", "never", "active", "churning"],
                             categories=["active", "churning", "lost", "never"]),
})
FRAME = FRAME.assign(haystack=(FRAME["customer_name"].fillna("") + "\n" + FRAME["customer_code"]
                               + "\n" + FRAME["region"].fillna("") + "\n"
                               + FRAME["account_manager"]).str.casefold())


def _codes(query: ListQuery) -> list[str]:
    source = FrameSource(FRAME)
    positions = ordered_positions(source, query_mask(source, query), query.sort)
    return FRAME["customer_code"].to_numpy()[positions].tolist()


def _text(op: str, value: str = "") -> dict:
    return {"filterType": "text", "type": op, "filter": value}


def _number(op: str, value: float, upper: float | None = None) -> dict:
    return {"filterType": "number", "type": op, "filter": value, "filterTo": upper}


def test_quick_search_needs_every_word_and_ignores_case() -> None:
    assert _codes(list_query(None, {"q": _text("contains", "ALPHA")})) == ["A1", "E5"]
    assert _codes(list_query(None, {"q": _text("contains", "alpha east wang")})) == ["A1"]
    assert _codes(list_query(None, {"q": _text("contains", "五金")})) == ["D4"]
    assert _codes(list_query(None, {"q": _text("contains", "nobody")})) == []


def test_text_filters() -> None:
    def codes(**model: dict) -> list[str]:
        return _codes(list_query(None, model))

    assert codes(region=_text("equals", "west")) == ["B2", "C3"]
    assert codes(region=_text("notEqual", "west")) == ["A1", "D4", "E5"]
    assert codes(region=_text("blank")) == ["D4"]
    assert codes(customer_name=_text("startsWith", "alpha")) == ["A1", "E5"]
    assert codes(customer_name=_text("endsWith", "金")) == ["D4"]
    assert codes(customer_name=_text("notContains", "a")) == ["C3"]
    assert codes(contact=_text("notBlank")) == ["A1", "C3"]


def test_number_filters_and_blanks() -> None:
    def codes(model: dict) -> list[str]:
        return _codes(list_query(None, {"revenue": model}))

    assert codes(_number("greaterThan", 2000)) == ["A1", "E5"]
    assert codes(_number("greaterThanOrEqual", 2000)) == ["A1", "D4", "E5"]
    assert codes(_number("lessThan", 2000)) == ["B2"]  # the blank one passes no comparison
    assert codes(_number("inRange", 5000, 80)) == ["A1", "B2", "D4", "E5"]  # both ends in
    assert codes(_number("notEqual", 5000)) == ["B2", "C3", "D4"]  # blanks pass notEqual
    assert codes(_number("blank", 0)) == ["C3"]
    assert codes({"filterType": "number", "operator": "OR", "conditions": [
        _number("lessThan", 100), _number("equals", 2000)]}) == ["B2", "D4"]
    assert codes({"filterType": "number", "operator": "AND", "conditions": [
        _number("greaterThan", 100), _number("lessThan", 3000)]}) == ["D4"]


def test_date_filters_by_calendar_day() -> None:
    def codes(model: dict) -> list[str]:
        return _codes(list_query(None, {"last_order_date": {"filterType": "date", **model}}))

    assert codes({"type": "equals", "dateFrom": "2026-11-20 00:00:00"}) == ["A1", "E5"]
    assert codes({"type": "greaterThan", "dateFrom": "2026-11-10"}) == ["A1", "E5"]
    assert codes({"type": "lessThan", "dateFrom": "2026-11-10"}) == ["B2"]
    assert codes({"type": "inRange", "dateFrom": "2026-11-10", "dateTo": "2026-11-20"}) == [
        "A1", "D4", "E5"]
    assert codes({"type": "blank"}) == ["C3"]


def test_sorting_keeps_blanks_last_and_ties_in_code_order() -> None:
    assert _codes(list_query([{"colId": "revenue", "sort": "desc"}])) == [
        "A1", "E5", "D4", "B2", "C3"]
    assert _codes(list_query([{"colId": "revenue", "sort": "asc"}])) == [
        "B2", "D4", "A1", "E5", "C3"]
    assert _codes(list_query([{"colId": "customer_name", "sort": "asc"}])) == [
        "E5", "A1", "B2", "D4", "C3"]  # "alpha outlet" < "Alpha Trading", ignoring case
    assert _codes(list_query([{"colId": "status", "sort": "desc"}])) == [
        "C3", "B2", "E5", "A1", "D4"]
    assert _codes(list_query([{"colId": "last_order_date", "sort": "desc"},
                              {"colId": "orders", "sort": "asc"}])) == [
        "A1", "E5", "D4", "B2", "C3"]
    assert _codes(list_query([{"colId": "orders", "sort": "desc"},
                              {"colId": "customer_code", "sort": "desc"}])) == [
        "E5", "A1", "D4", "B2", "C3"]


def test_unknown_columns_operators_and_values_are_dropped() -> None:
    search, filters = parse_filter_model({
        "haystack": _text("contains", "a"),                 # not a list column
        "status": _text("equals", "lost"),                  # categories are not filtered here
        "revenue": _number("between", 1),                   # no such operator
        "orders": {"filterType": "number", "type": "equals", "filter": "1; DROP TABLE"},
        "region": {"filterType": "number", "type": "equals", "filter": 1},  # wrong kind
        "customer_name": _text("contains", "x" * 500),      # too long
        "customer_code": {"filterType": "text", "operator": "XOR", "conditions": [
            _text("contains", "a"), _text("contains", "b")]},
        "contact": {"filterType": "text", "operator": "AND", "conditions": [
            _text("contains", "a")] * 3},                   # too many conditions
        "last_order_date": {"filterType": "date", "type": "equals", "dateFrom": "22/11/2026"},
        "q": _text("contains", "\x00evil"),
    })
    assert search == "" and filters == ()
    assert parse_sort_model([{"colId": "haystack", "sort": "asc"},
                             {"colId": "revenue", "sort": "sideways"},
                             {"colId": "orders", "sort": "desc"},
                             {"colId": "orders", "sort": "asc"}, "revenue"]) == (
        ("orders", True),)
    assert parse_sort_model({"colId": "orders"}) == ()


def test_a_query_survives_storage() -> None:
    query = list_query([{"colId": "revenue", "sort": "desc"}], {
        "q": _text("contains", "alpha"), "revenue": _number("inRange", 10, 1),
        "last_order_date": {"filterType": "date", "type": "greaterThan",
                            "dateFrom": "2026-11-01"},
        "region": {"filterType": "text", "operator": "OR", "conditions": [
            _text("equals", "East"), _text("blank")]}})
    by_column = {f.column: f for f in query.filters}
    assert [f.column for f in query.filters] == ["last_order_date", "region", "revenue"]
    assert by_column["revenue"].conditions[0].value == 1.0  # inRange ends in order
    assert query_from_dict(query.to_dict()) == query
    assert query_from_dict("junk") == ListQuery()


anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from([*COLUMNS, "q", "type", "filter", "filterTo", "dateFrom", "dateTo",
                         "filterType", "operator", "conditions", "colId", "sort", "x"]),
        inner, max_size=6),
    max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(anything, anything)
def test_any_request_parses_and_only_narrows(sort_model: object, filter_model: object) -> None:
    query = list_query(sort_model, filter_model)
    assert all(c in COLUMNS for c, _desc in query.sort)
    source = FrameSource(FRAME)
    mask = query_mask(source, query)
    positions = ordered_positions(source, mask, query.sort)
    assert sorted(positions.tolist()) == np.flatnonzero(mask).tolist()
    assert query_from_dict(query.to_dict()) == query


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6)), min_size=1, max_size=30),
       st.booleans())
def test_a_numeric_sort_is_ordered_with_blanks_last(values: list, descending: bool) -> None:
    frame = pd.DataFrame({"revenue": pd.array(values, dtype="Float64")})
    source = FrameSource(frame)
    order = ordered_positions(source, np.ones(len(frame), dtype=bool),
                              (("revenue", descending),))
    shown = frame["revenue"].to_numpy(dtype=float, na_value=np.nan)[order]
    present = shown[~np.isnan(shown)]
    assert np.isnan(shown[len(present):]).all()
    assert (np.diff(present) <= 0).all() if descending else (np.diff(present) >= 0).all()
    raw = frame["revenue"].to_numpy(dtype=float, na_value=np.nan)
    ties = [i for i in order if not np.isnan(raw[i])]
    for a, b in zip(ties, ties[1:], strict=False):
        if raw[a] == raw[b]:
            assert a < b


def test_dates_parse_only_as_iso_days() -> None:
    _search, filters = parse_filter_model({"first_order_date": {
        "filterType": "date", "type": "equals", "dateFrom": "2026-02-30"}})
    assert filters == ()
    _search, filters = parse_filter_model({"first_order_date": {
        "filterType": "date", "type": "equals", "dateFrom": "2026-02-28 13:45:00"}})
    assert filters[0].conditions[0].value == dt.date(2026, 2, 28)


@settings(max_examples=100, deadline=None)
@given(anything, st.lists(st.booleans(), min_size=len(FRAME), max_size=len(FRAME)))
def test_searching_within_some_rows_equals_searching_all(filter_model: object,
                                                          within: list[bool]) -> None:
    query = list_query(None, filter_model)
    rows = np.asarray(within, dtype=bool)
    expected = query_mask(FrameSource(FRAME), query) & rows
    assert query_mask(FrameSource(FRAME), query, within=rows).tolist() == expected.tolist()
