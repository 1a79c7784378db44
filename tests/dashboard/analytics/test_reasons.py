"""Stored texts built column by column: valid JSON, numbers rounded, names kept as typed, the
first matching case per row, and old plain texts read back as they were."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.analytics import reasons


def test_numbers_are_json_rounded_and_empty_ones_null() -> None:
    out = reasons.numbers([2.5, np.nan, np.inf, -0.00001, 12345.678912, 2.0, -3.0, None])
    assert out.tolist() == ["2.5", "null", "null", "0.0", "12345.6789", "2.0", "-3.0", "null"]
    assert reasons.numbers(pd.Series([1.005, 99.999], dtype="Float64"), 2).tolist() == [
        "1.0", "100.0"]
    assert reasons.numbers([1.7976931348623157e308, -1e305]).tolist() == [
        "1.7976931348623157e+308", "-1e+305"]  # too large to round: kept, still JSON


def test_strings_and_dates_are_json_with_names_as_typed() -> None:
    names = ['Sales "slowing"', "大客户", None, "a\\b"]
    assert [json.loads(s) for s in reasons.strings(names)] == names
    assert reasons.dates(pd.to_datetime(["2026-11-22", None])).tolist() == ['"2026-11-22"',
                                                                           "null"]


def test_texts_and_choose_build_one_stored_text_per_row() -> None:
    value = reasons.numbers([0.5, 2.5, 5.0])
    out = reasons.choose(3, [
        (np.array([False, True, True]), "status.risk_above",
         {"risk": value, "limit": reasons.literal(2.0)}),
        (np.array([False, False, True]), "status.no_order", {}),  # row 3 was taken above
        (None, "status.risk_at_most", {"risk": value, "limit": reasons.literal(2.0)})])
    assert [reasons.decode(t) for t in out] == [
        ("status.risk_at_most", {"risk": 0.5, "limit": 2.0}),
        ("status.risk_above", {"risk": 2.5, "limit": 2.0}),
        ("status.risk_above", {"risk": 5.0, "limit": 2.0})]
    assert reasons.choose(2, [(np.array([True, False]), "status.no_order", {})]).tolist() == [
        '{"key":"status.no_order","args":{}}', ""]
    with pytest.raises(KeyError):
        reasons.texts("no.such.key", 1, {})


def test_decode_reads_old_and_broken_texts_as_written() -> None:
    assert reasons.decode("risk score 2.5 > 2") == ("text", {"text": "risk score 2.5 > 2"})
    assert reasons.decode('{"key": "status.no_order"') == (
        "text", {"text": '{"key": "status.no_order"'})
    assert reasons.decode('{"key": "unknown", "args": {}}')[0] == "text"
    assert reasons.decode("") == ("", {}) and reasons.decode(None) == ("", {})
    assert reasons.decode(float("nan")) == ("", {})


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True) | st.none(), max_size=20),
       st.lists(st.text(max_size=12) | st.none(), min_size=20, max_size=20))
def test_every_built_text_is_valid_json_with_the_given_values(values: list, names: list) -> None:
    size = len(values)
    out = reasons.texts("scheme.band", size, {"band": reasons.strings(names[:size]),
                                              "figure": reasons.literal("orders"),
                                              "value": reasons.numbers(values)})
    for text, value, name in zip(out, values, names, strict=False):
        key, args = reasons.decode(text)
        assert key == "scheme.band" and args["band"] == name and args["figure"] == "orders"
        if value is None or not np.isfinite(value):
            assert args["value"] is None
        else:
            assert args["value"] == pytest.approx(round(value, 4), rel=1e-12, abs=1e-12)
