"""Column mapping: names, synonyms, --map, and the errors raised before any value is read."""

from __future__ import annotations

import pytest

from dashboard.ingest.errors import ImportValidationError
from dashboard.ingest.mapping import parse_map_options, resolve_columns

ERP = ["单据编号", "单据日期", "客户编码", "客户名称", "商品编码", "商品名称", "数量", "单价",
       "金额", "经手人", "备注"]


def test_canonical_names_need_no_mapping_case_and_spaces_ignored() -> None:
    cmap = resolve_columns("orders", ["Order ID", "CUSTOMER", "order-date", "Product",
                                      "Quantity", "unit price", "notes"])
    assert cmap.mode == "line"
    assert cmap.columns == {"order_id": 0, "customer": 1, "order_date": 2, "product": 3,
                            "quantity": 4, "unit_price": 5}
    assert cmap.ignored == ["notes"]


def test_chinese_erp_headers_are_understood() -> None:
    cmap = resolve_columns("orders", ERP)
    assert cmap.names == {"order_id": "单据编号", "order_date": "单据日期", "customer": "客户编码",
                          "customer_name": "客户名称", "product": "商品编码",
                          "product_name": "商品名称", "quantity": "数量", "unit_price": "单价",
                          "amount": "金额", "account_manager": "经手人"}
    assert cmap.ignored == ["备注"]


def test_map_option_wins_over_names() -> None:
    headers = ["No", "Cust", "Date", "Item", "Qty", "Price", "customer"]
    cmap = resolve_columns("orders", headers, parse_map_options(
        ["order_id=No", "customer=Cust", "order_date=Date", "product=Item", "quantity=Qty",
         "unit_price=price"]))
    assert cmap.columns["customer"] == 1 and cmap.columns["unit_price"] == 5
    assert "customer" in cmap.ignored


def test_order_level_rows() -> None:
    cmap = resolve_columns("orders", ["customer", "date", "amount", "region"])
    assert cmap.mode == "order"
    assert set(cmap.columns) == {"customer", "order_date", "amount", "region"}


def test_line_level_may_give_amount_instead_of_unit_price() -> None:
    cmap = resolve_columns("orders", ["order_id", "customer", "order_date", "product", "qty",
                                      "amount"])
    assert cmap.mode == "line" and "unit_price" not in cmap.columns


@pytest.mark.parametrize(("kind", "headers", "maps", "message"), [
    ("orders", ["a"], ["colour=a"], "Unknown field 'colour' in --map for orders"),
    ("customers", ["code"], ["order_id=code"], "Unknown field 'order_id'"),
    ("orders", ERP, ["customer=客户"], "the file has no column '客户'"),
    ("orders", ["order_id", "customer", "order_date", "product", "quantity"], [],
     r"Missing required column\(s\) for orders: unit_price"),
    ("orders", ["customer", "order_date"], [], "order_id.*product.*quantity.*either"),
    ("customers", ["name"], [], "Missing required column.*customer"),
    ("targets", ["customer", "target"], [], "month"),
    ("orders", ["单号", "订单号", "customer", "order_date", "amount"], [],
     "'单号' and '订单号' both look like the field 'order_id'"),
])
def test_mapping_errors_before_any_row(kind: str, headers: list[str], maps: list[str],
                                       message: str) -> None:
    with pytest.raises(ImportValidationError, match=message) as caught:
        resolve_columns(kind, headers, parse_map_options(maps))
    assert caught.value.code in {"mapping", "missing_column"}


@pytest.mark.parametrize("item", ["customer", "=x", "customer=", "customer x"])
def test_malformed_map_option(item: str) -> None:
    with pytest.raises(ImportValidationError, match="FIELD=COLUMN"):
        parse_map_options([item])


def test_same_field_mapped_twice() -> None:
    with pytest.raises(ImportValidationError, match="mapped twice"):
        parse_map_options(["customer=a", "customer=b"])


def test_the_field_name_itself_wins_over_a_synonym() -> None:
    cmap = resolve_columns("orders", ["order_id", "customer", "order_date", "sku", "product",
                                      "quantity", "unit_price"])
    assert cmap.columns["product"] == 4 and "sku" in cmap.ignored


def test_two_synonyms_for_one_field_need_a_choice() -> None:
    with pytest.raises(ImportValidationError, match="both look like the field 'order_date'"):
        resolve_columns("orders", ["customer", "date", "日期", "amount"])
    cmap = resolve_columns("orders", ["customer", "date", "日期", "amount"],
                           {"order_date": "日期"})
    assert cmap.columns["order_date"] == 2
