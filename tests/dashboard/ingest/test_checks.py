"""Row checks without a database: every kind of bad row is reported with its spreadsheet row
number, column, value and reason; ``accepted + rejected == rows read`` for any input."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.ingest.errors import ImportValidationError
from dashboard.ingest.orders import GENERATED_PREFIX, build_order_tables
from dashboard.ingest.run import parse_upload
from tests.dashboard.ingest.helpers import LINE_HEADER, csv_bytes, line_rows


def _errors(checked) -> list[tuple]:  # noqa: ANN001
    return [tuple(r) for r in checked.errors.itertuples(index=False)]


def test_good_line_rows() -> None:
    data = line_rows(["SO-1", "C1", "2026-03-01", "P1", "2", "10.50"],
                     ["SO-1", "C1", "2026-03-01", "P2", "1", "5"],
                     ["SO-2", "", "2026-03-02 09:30", "P1", "-1", "10.50"])
    checked = parse_upload(data, "orders.csv", "orders")
    assert checked.errors.empty
    assert (checked.rows_read, checked.rows_accepted, checked.rows_rejected) == (3, 3, 0)
    tables = build_order_tables(checked)
    orders = tables.orders.set_index("order_no")
    assert orders.loc["SO-1", "amount"] == 26.0 and not orders.loc["SO-1", "is_return"]
    assert orders.loc["SO-2", "amount"] == -10.5 and orders.loc["SO-2", "is_return"]
    assorted = orders.loc["SO-2"]
    assert str(assorted["ordered_at"]) == "2026-03-02 09:30:00"
    assert str(assorted["order_date"])[:10] == "2026-03-02"
    assert tables.lines["line_key"].tolist() == ["1", "2", "1"]  # position in the order
    assert tables.customers["code"].tolist() == ["C1"]


@pytest.mark.parametrize(("row", "column", "value", "reason"), [
    (["SO-1", "C1", "2026-02-30", "P1", "1", "2"], "order_date", "2026-02-30", "not a date"),
    (["SO-1", "C1", "2026-03-01", "P1", "x", "2"], "quantity", "x", "not a number"),
    (["SO-1", "C1", "2026-03-01", "P1", "1", "-2"], "unit_price", "-2", "negative price"),
    (["SO-1", "C1", "2026-03-01", "P1", "0", "2"], "quantity", "0", "zero quantity"),
    (["SO-1", "C1", "2026-03-01", "P1", "0.0004", "2"], "quantity", "0.0004", "zero quantity"),
    (["SO-1", "C1", "", "P1", "1", "2"], "order_date", "", "blank required value"),
    (["", "C1", "2026-03-01", "P1", "1", "2"], "order_id", "", "blank required value"),
    (["SO-1", "C1", "2026-03-01", "", "1", "2"], "product", "", "blank required value"),
    (["SO-1", "C1", "2026-03-01", "P1", "1", ""], "unit_price", "", "blank required value"),
    (["SO-1", "C" * 65, "2026-03-01", "P1", "1", "2"], "customer", "C" * 65,
     "longer than 64 characters"),
])
def test_each_bad_value_is_reported_with_row_column_value_reason(row, column, value,  # noqa: ANN001
                                                                 reason) -> None:
    good = ["SO-0", "C1", "2026-03-01", "P1", "1", "2"]
    checked = parse_upload(line_rows(good, row), "orders.csv", "orders")
    errors = _errors(checked)
    assert len(errors) == 1
    found_row, found_column, found_value, found_reason = errors[0]
    assert (found_row, found_column, found_value) == (3, column, value)
    assert found_reason.startswith(reason)
    assert (checked.rows_accepted, checked.rows_rejected) == (1, 1)


def test_customer_type_outside_the_three_and_chinese_ones_accepted() -> None:
    header = [*LINE_HEADER, "customer_type"]
    data = line_rows(["SO-1", "C1", "2026-03-01", "P1", "1", "2", "批发"],
                     ["SO-2", "C2", "2026-03-01", "P1", "1", "2", "VIP"], header=header)
    checked = parse_upload(data, "orders.csv", "orders")
    assert _errors(checked) == [(3, "customer_type", "VIP", "unknown customer type (use "
                                 "Retail, Trade or Distributor)")]
    assert build_order_tables(checked).customers["customer_type"].tolist() == ["Trade"]


def test_a_product_repeated_in_an_order_is_a_line_of_its_own() -> None:
    """SPEC "Import fields": every row is a line, repeated and identical rows included."""
    data = line_rows(["SO-1", "C1", "2026-03-01", "P1", "1", "2"],
                     ["SO-1", "C1", "2026-03-01", "P2", "1", "2"],
                     ["SO-1", "C1", "2026-03-01", "P1", "3", "2"],
                     ["SO-2", "C1", "2026-03-01", "P1", "1", "2"],
                     ["SO-1", "C1", "2026-03-01", "P1", "3", "2"])
    checked = parse_upload(data, "orders.csv", "orders")
    assert _errors(checked) == []
    assert checked.frame["identical"].tolist() == [False, False, False, False, True]
    tables = build_order_tables(checked)
    assert tables.lines[["order_no", "line_key", "sku", "quantity"]].values.tolist() == [
        ["SO-1", "1", "P1", 1.0], ["SO-1", "2", "P2", 1.0], ["SO-1", "3", "P1", 3.0],
        ["SO-2", "1", "P1", 1.0], ["SO-1", "4", "P1", 3.0]]
    orders = tables.orders.set_index("order_no")["amount"].to_dict()
    assert orders == {"SO-1": 2.0 + 2.0 + 6.0 + 6.0, "SO-2": 2.0}


def test_an_order_number_used_for_several_customers_becomes_one_order_each() -> None:
    data = line_rows(["SO-1", "C1", "2026-03-01", "P1", "1", "2"],
                     ["SO-1", "C2", "2026-03-01", "P2", "1", "3"],
                     ["SO-1", "C1", "2026-03-01", "P3", "1", "4"],
                     ["SO-1", "C2", "2026-03-01", "P1", "2", "2"],
                     ["SO-2", "C3", "2026-03-01", "P1", "1", "2"],
                     ["SO-2", "", "2026-03-01", "P1", "1", "2"])
    checked = parse_upload(data, "orders.csv", "orders")
    # a blank customer in a named order is still a disagreement
    assert _errors(checked) == [
        (6, "customer", "C3", "the rows of order SO-2 disagree on the customer (row 7 has '')"),
        (7, "customer", "", "the rows of order SO-2 disagree on the customer (row 6 has 'C3')"),
    ]
    tables = build_order_tables(checked)
    assert tables.lines[["order_no", "line_key", "sku"]].values.tolist()[:4] == [
        ["SO-1", "1", "P1"], ["SO-1/C2", "1", "P2"], ["SO-1", "2", "P3"],
        ["SO-1/C2", "2", "P1"]]
    orders = tables.orders.set_index("order_no")
    assert orders.loc["SO-1", ["customer_code", "amount"]].tolist() == ["C1", 6.0]
    assert orders.loc["SO-1/C2", ["customer_code", "amount"]].tolist() == ["C2", 7.0]
    assert checked.frame["split_from"].tolist() == ["", "SO-1", "", "SO-1", "", ""]


def test_duplicated_line_no_names_both_rows() -> None:
    header = [*LINE_HEADER, "line_no"]
    data = line_rows(["SO-1", "C1", "2026-03-01", "P1", "1", "2", "10"],
                     ["SO-1", "C1", "2026-03-01", "P2", "1", "2", "20"],
                     ["SO-1", "C1", "2026-03-01", "P3", "3", "2", "10"], header=header)
    checked = parse_upload(data, "orders.csv", "orders")
    assert _errors(checked) == [
        (2, "line_no", "10", "duplicated order line (also on row 4)"),
        (4, "line_no", "10", "duplicated order line (also on row 2)"),
    ]


def test_line_no_keys_lines_so_one_product_may_repeat() -> None:
    header = [*LINE_HEADER, "line_no"]
    data = line_rows(["SO-1", "C1", "2026-03-01", "P1", "1", "2", "1"],
                     ["SO-1", "C1", "2026-03-01", "P1", "3", "2", "2"],
                     ["SO-1", "C1", "2026-03-01", "P2", "3", "2", "2"], header=header)
    checked = parse_upload(data, "orders.csv", "orders")
    assert _errors(checked) == [(3, "line_no", "2", "duplicated order line (also on row 4)"),
                                (4, "line_no", "2", "duplicated order line (also on row 3)")]


def test_rows_of_one_order_must_agree_on_customer_and_date() -> None:
    data = line_rows(["SO-1", "C1", "2026-03-01", "P1", "1", "2"],
                     ["SO-1", "", "2026-03-01 10:00", "P2", "1", "2"],  # blank in a named order
                     ["SO-2", "C1", "2026-03-01", "P1", "1", "2"],
                     ["SO-2", "C1", "2026-03-02", "P2", "1", "2"],
                     ["SO-3", "C1", "2026-03-01 08:00", "P1", "1", "2"],
                     ["SO-3", "C1", "2026-03-01 17:00", "P2", "1", "2"])
    checked = parse_upload(data, "orders.csv", "orders")
    assert _errors(checked) == [
        (2, "customer", "C1", "the rows of order SO-1 disagree on the customer (row 3 has "
                              "'')"),
        (3, "customer", "", "the rows of order SO-1 disagree on the customer (row 2 has "
                            "'C1')"),
        (4, "order_date", "2026-03-01", "the rows of order SO-2 disagree on the date (row 5 "
                                        "has '2026-03-02')"),
        (5, "order_date", "2026-03-02", "the rows of order SO-2 disagree on the date (row 4 "
                                        "has '2026-03-01')"),
    ]  # SO-3: two times on one day is one date


def test_anonymous_and_customer_rows_in_one_order_conflict() -> None:
    data = line_rows(["SO-1", "", "2026-03-01", "P1", "1", "2"],
                     ["SO-1", "C1", "2026-03-01", "P2", "1", "2"])
    checked = parse_upload(data, "orders.csv", "orders")
    assert [e[:2] for e in _errors(checked)] == [(2, "customer"), (3, "customer")]


def test_amount_instead_of_price_and_sign_clash() -> None:
    header = ["order_id", "customer", "order_date", "product", "quantity", "amount"]
    data = line_rows(["SO-1", "C1", "2026-03-01", "P1", "4", "10"],
                     ["SO-2", "C1", "2026-03-01", "P1", "-2", "-5"],
                     ["SO-3", "C1", "2026-03-01", "P1", "-2", "5"], header=header)
    checked = parse_upload(data, "orders.csv", "orders")
    assert _errors(checked) == [(4, "amount", "5", "amount and quantity have different signs")]
    lines = build_order_tables(checked).lines
    assert lines[["unit_price", "amount"]].values.tolist() == [[2.5, 10.0], [2.5, -5.0]]


def test_order_level_rows_get_stable_distinct_numbers() -> None:
    rows = [["customer", "order_date", "amount"], ["C1", "2026-03-01", "100"],
            ["C1", "2026-03-01", "100"], ["", "2026-03-01", "-20"], ["C2", "2026-03-01", "0"]]
    first = parse_upload(csv_bytes(rows), "orders.csv", "orders")
    again = parse_upload(csv_bytes(rows), "orders.csv", "orders")
    assert first.mode == "order"
    assert _errors(first) == []  # a zero amount is a real order (free goods, a 100 % coupon)
    numbers = first.good()["order_no"].tolist()
    assert numbers == again.good()["order_no"].tolist()
    assert len(set(numbers)) == 4 and all(n.startswith(GENERATED_PREFIX) for n in numbers)
    tables = build_order_tables(first)
    assert tables.lines["quantity"].tolist() == [1.0, 1.0, -1.0, 1.0]
    assert tables.lines["unit_price"].tolist() == [100.0, 100.0, 20.0, 0.0]
    assert tables.orders["is_return"].tolist() == [False, False, True, False]


def test_generated_numbers_count_every_identical_row_and_keep_given_numbers() -> None:
    """Only the rows without an order number get one, and it is the number they always had:
    sha1 of customer|date-time|amount to the cent|occurrence among every identical row (rows
    with a number of their own count too)."""
    import hashlib

    rows = [["order_id", "customer", "order_date", "amount"],
            ["SO-9", "C1", "2026-03-01", "100"], ["", "C1", "2026-03-01", "100.001"],
            ["", "C1", "2026-03-01", "100"], ["", "", "2026-03-02", "-20.5"]]
    checked = parse_upload(csv_bytes(rows), "orders.csv", "orders")

    def number(text: str) -> str:
        return GENERATED_PREFIX + hashlib.sha1(text.encode()).hexdigest()[:20].upper()

    assert checked.good()["order_no"].tolist() == [
        "SO-9", number("C1|2026-03-01T00:00:00|100.00|1"),
        number("C1|2026-03-01T00:00:00|100.00|2"), number("|2026-03-02T00:00:00|-20.50|0")]


def test_order_level_rows_with_a_repeated_order_id() -> None:
    rows = [["order_id", "customer", "order_date", "amount"], ["A", "C1", "2026-03-01", "1"],
            ["A", "C1", "2026-03-01", "2"]]
    checked = parse_upload(csv_bytes(rows), "orders.csv", "orders")
    assert [e[:3] for e in _errors(checked)] == [(2, "order_id", "A"), (3, "order_id", "A")]


def test_row_with_too_many_values() -> None:
    data = b"order_id,customer,order_date,product,quantity,unit_price\n" \
           b"SO-1,ACME, Inc,2026-03-01,P1,1,2\n"
    checked = parse_upload(data, "orders.csv", "orders")
    assert (2, "", "", "the row has 7 values but the header has 6 columns") in _errors(checked)


def test_blank_lines_are_skipped_not_errors() -> None:
    data = line_rows(["SO-1", "C1", "2026-03-01", "P1", "1", "2"], [], ["", "", "", "", "", ""],
                     ["SO-2", "C1", "2026-03-01", "P1", "x", "2"])
    checked = parse_upload(data, "orders.csv", "orders")
    assert checked.blank_lines == 2 and checked.rows_read == 2
    assert [e[0] for e in _errors(checked)] == [5]


def test_header_only_file() -> None:
    with pytest.raises(ImportValidationError, match="no data rows"):
        parse_upload(line_rows(), "orders.csv", "orders")


def test_size_limit() -> None:
    with pytest.raises(ImportValidationError, match="largest accepted is 1 MB") as caught:
        parse_upload(b"x" * (1024 * 1024 + 1), "orders.csv", "orders", max_bytes=1024 * 1024)
    assert caught.value.code == "too_large"


def test_customers_file_checks() -> None:
    rows = [["customer", "customer_name", "customer_type", "email", "phone", "created_date"],
            ["C1", "Alpha", "Retail", "a@alpha.cn", "+86 21 5555 1234", "2024-01-31"],
            ["C2", "Beta", "Online", "beta", "12", "31/01/2024"],
            ["C1", "Alpha again", "", "", "", ""],
            ["", "Nameless", "", "", "", ""]]
    checked = parse_upload(csv_bytes(rows), "customers.csv", "customers")
    assert _errors(checked) == [
        (2, "customer", "C1", "duplicated customer code (also on row 4)"),
        (3, "customer_type", "Online",
         "unknown customer type (use Retail, Trade or Distributor)"),
        (3, "email", "beta", "not an e-mail address"),
        (3, "phone", "12", "not a phone number"),
        (4, "customer", "C1", "duplicated customer code (also on row 2)"),
        (5, "customer", "", "blank required value"),
    ]


def test_targets_file_checks() -> None:
    rows = [["customer", "month", "target"], ["C1", "2026-03", "1000"],
            ["C1", "2026年3月", "2000"], ["C2", "2026-13", "5"], ["C3", "2026-04", "-1"]]
    checked = parse_upload(csv_bytes(rows), "targets.csv", "targets")
    assert _errors(checked) == [
        (2, "month", "2026-03", "duplicated target for this customer and month (also on row 3)"),
        (3, "month", "2026年3月", "duplicated target for this customer and month (also on row 2)"),
        (4, "month", "2026-13", "not a month (use e.g. 2026-03)"),
        (5, "target", "-1", "negative target"),
    ]


_cell = st.one_of(st.sampled_from(["", "SO-1", "SO-2", "C1", "P1", "2026-03-01", "0", "-1",
                                   "2.5", "x", "2026-02-30", "零售", "1,234.5"]),
                  st.text(alphabet=string.printable + "客户单价", max_size=8))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_cell, min_size=0, max_size=8), min_size=1, max_size=12),
       st.sampled_from([",", ";", "\t"]))
def test_any_rows_either_fail_as_a_file_or_account_for_every_row(rows, delimiter) -> None:  # noqa: ANN001
    data = csv_bytes([[*LINE_HEADER, "amount", "customer_type"], *rows], delimiter=delimiter,
                     newline="\r\n")
    try:
        checked = parse_upload(data, "orders.csv", "orders")
    except ImportValidationError:
        return
    assert checked.rows_accepted + checked.rows_rejected == checked.rows_read
    assert checked.rows_read + checked.blank_lines == len(rows)
    assert set(checked.errors["row"]) <= set(checked.frame["row"])
    tables = build_order_tables(checked)
    assert len(tables.lines) == checked.rows_accepted


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300), st.sampled_from(["a.csv", "a.xlsx", "a.parquet", "a"]))
def test_any_bytes_raise_only_the_importers_error(data: bytes, name: str) -> None:
    try:
        checked = parse_upload(data, name, "orders")
    except ImportValidationError:
        return
    assert checked.rows_accepted + checked.rows_rejected == checked.rows_read
