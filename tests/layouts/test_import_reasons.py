"""The import page words every row problem in the reader's language: the importer's reasons
(English, as the command line prints them) are all declared in ``dashboard.ingest.reasons``
with their values, and the page's words for each key are in both catalogs."""

from __future__ import annotations

import pytest

from dashboard.i18n import use_language
from dashboard.ingest.errors import RowError
from dashboard.ingest.reasons import REASONS, WHATS
from dashboard.ingest.run import parse_upload
from layouts.import_parts import REASON_WORDS, problem_line, reason_words

ORDERS = """order_no,order_date,customer,product,quantity,unit_price,amount
O1,2026-01-05,C1,P1,2,10,20
O1,2026-01-05,C1,P1,2,10,20
O2,notadate,C1,P1,1,5,5
O3,2026-01-05,C1,P1,abc,5,5
O4,2026-01-05,C1,P1,0,5,0
O5,2026-01-05,C1,P1,1,-5,-5
O6,2026-01-05,C1,P1,2,5,-10
O7,1800-01-01,C1,P1,1,5,5
O8,2026-01-05,C1,P2,1,5,5
O8,2026-01-06,C2,P3,1,5,5
O9,2026-01-05,C1,,1,5,5
O10,2026-01-05,C1,P1,1,5,5,extra
O11,2026-01-05,C1,P1,1e30,5,5
O12,2026-01-05,C1,P1,1,5,5
O12,2026-01-07,C1,P2,1,5,5
"""
CUSTOMERS = """customer,name,customer_type,email,phone
C1,Alpha,Alien,nope,abc
C1,Alpha again,Retail,a@example.com,13800000000
"""
TARGETS = """customer,month,target
C1,2026-13,100
C2,1800-01,5
C3,2026-03,-5
C4,2026-04,5
C4,2026-04,6
"""


def _errors(kind: str, text: str) -> list[RowError]:
    checked = parse_upload(text.encode(), f"{kind}.csv", kind)
    return [RowError(int(r.row), str(r.column), str(r.value), str(r.reason))
            for r in checked.errors.itertuples(index=False)]


def test_every_reason_the_importer_gives_is_declared() -> None:
    errors = _errors("orders", ORDERS) + _errors("customers", CUSTOMERS) + _errors(
        "targets", TARGETS)
    keys = {e.reason_key[0] for e in errors if e.reason_key is not None}
    assert [e.reason for e in errors if e.reason_key is None] == []
    assert {"duplicated", "not_a_date", "not_a_number", "zero_quantity", "negative_price",
            "signs_differ", "date_out_of_range", "order_disagrees", "blank_required",
            "too_many_values", "number_too_large", "unknown_customer_type", "not_an_email",
            "not_a_phone", "not_a_month", "month_out_of_range", "negative_target"} <= keys
    for error in errors:  # every value a reason names is a known thing
        what = (error.reason_key or ("", {}))[1].get("what")
        assert what is None or what in WHATS, what
    assert set(REASON_WORDS) == set(REASONS)


def test_the_chinese_page_words_the_reasons() -> None:
    errors = {e.row: e for e in _errors("orders", ORDERS)}
    with use_language("zh"):
        assert reason_words(errors[4]) == "不是日期（例如 2026-03-01）"
        assert reason_words(errors[13]) == "此行有 8 个值，但表头只有 7 列"
        assert reason_words(errors[15]) == "订单 O12 的各行日期不一致（第 16 行为“2026-01-07”）"
        first = _errors("customers", CUSTOMERS)[0]
        assert reason_words(first) == "重复的客户编号（第 3 行也有）"
        assert reason_words(_errors("targets", TARGETS)[-1]) == (
            "重复的该客户该月的目标（第 5 行也有）")
    with use_language("en"):  # English as the command line has it
        assert reason_words(errors[4]) == errors[4].reason == "not a date (use e.g. 2026-03-01)"


@pytest.mark.parametrize("reason", ["a reason nobody declared", ""])
def test_an_undeclared_reason_is_shown_as_given(reason: str) -> None:
    with use_language("zh"):
        assert reason_words(RowError(2, "x", "y", reason)) == reason


def test_the_targets_page_words_a_problem_line() -> None:
    error = RowError(4, "target", "-5", "negative target")
    with use_language("zh"):
        assert problem_line(error) == "第 4 行，“target”列: 目标为负数 （文件中为 -5）"
    with use_language("en"):
        assert problem_line(error) == "row 4, column target: negative target (found -5)"
