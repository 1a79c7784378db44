"""The customer table: columns, order, inputs and their errors."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.analytics.table import TABLE_COLUMNS, customer_table
from dashboard.config import load_settings

from .builders import AS_OF, DEFAULTS, customers_frame, days_frame, row_of, sale

REQUIRED = ["customer_id", "customer_code", "customer_name", "customer_type", "region",
            "account_manager", "status", "is_new", "abc_tier", "abc_tier_prev", "tier_move",
            "action", "revenue", "revenue_prev", "growth_pct", "orders", "orders_prev",
            "gross_margin", "margin_pct", "first_order_date", "last_order_date",
            "days_since_last_order", "mean_gap_days", "risk_score", "risk_score_prev",
            "risk_change_pct", "rank_in_type"]


def test_every_column_the_product_shows() -> None:
    t = customer_table(days_frame(sale(1, "2026-11-01", 5.0)), customers_frame((1, "C1")),
                       AS_OF, "30d", DEFAULTS)
    assert list(t.columns) == TABLE_COLUMNS
    assert set(REQUIRED) <= set(t.columns)
    assert str(t["days_since_last_order"].dtype) == "Int64"
    assert str(t["rank_in_type"].dtype) == "Int64"
    assert str(t["first_order_date"].dtype) == "datetime64[ns]"
    assert str(t["abc_tier"].dtype) == "category"


def test_one_row_per_customer_listed_by_code() -> None:
    customers = customers_frame((3, "B-2"), (1, "C-1"), (2, "A-3"))
    t = customer_table(days_frame(), customers, AS_OF, "30d", DEFAULTS)
    assert list(t["customer_code"]) == ["A-3", "B-2", "C-1"]
    assert list(t["customer_id"]) == [2, 3, 1]
    r = row_of(t, "A-3")
    assert (r.customer_name, r.customer_type, r.region, r.account_manager) == (
        "Name A-3", "Retail", "North", "Rep One")


def test_records_created_after_the_as_of_date_without_orders_did_not_exist_yet() -> None:
    customers = customers_frame((1, "LATE", "Retail", "2026-12-01"),
                                (2, "IMPORTED", "Retail", "2026-12-01"),
                                (3, "TODAY", "Retail", "2026-11-22"))
    days = days_frame(sale(2, "2025-05-01", 10.0))
    t = customer_table(days, customers, AS_OF, "30d", DEFAULTS)
    assert list(t["customer_code"]) == ["IMPORTED", "TODAY"]


def test_product_settings_are_accepted() -> None:
    days = days_frame(sale(1, "2026-11-01", 20_000.0))
    settings = load_settings(environ={}, ABC_METHOD="fixed")
    t = customer_table(days, customers_frame((1, "C1")), AS_OF, "30d", settings)
    assert row_of(t, "C1").abc_tier == "C"


def test_optional_customer_columns_may_be_missing() -> None:
    customers = pd.DataFrame({"customer_id": [1], "code": ["C1"]})
    t = customer_table(days_frame(sale(1, "2026-11-01", 5.0)), customers, AS_OF, "30d",
                       DEFAULTS)
    assert row_of(t, "C1").revenue == 5.0 and pd.isna(row_of(t, "C1").customer_type)


def test_no_customers_gives_an_empty_table_with_every_column() -> None:
    t = customer_table(days_frame(sale(1, "2026-11-01", 5.0)),
                       customers_frame((1, "C1")).iloc[:0], AS_OF, "30d", DEFAULTS)
    assert t.empty and list(t.columns) == TABLE_COLUMNS


@pytest.mark.parametrize(
    ("days", "customers", "message"),
    [
        (days_frame().drop(columns="orders"), customers_frame((1, "C1")),
         "customer-day rows lack the column\\(s\\) orders"),
        (days_frame(), customers_frame((1, "C1")).drop(columns="code"),
         "customer records lack the column\\(s\\) code"),
        (days_frame(), customers_frame((1, "C1"), (1, "C2")),
         "Customer id 1 appears more than once"),
    ],
)
def test_bad_inputs_are_explained(days: pd.DataFrame, customers: pd.DataFrame,
                                  message: str) -> None:
    with pytest.raises(ValueError, match=message):
        customer_table(days, customers, AS_OF, "30d", DEFAULTS)


def test_unknown_period_is_explained() -> None:
    with pytest.raises(ValueError, match="Unknown period 'week'"):
        customer_table(days_frame(), customers_frame((1, "C1")), AS_OF, "week", DEFAULTS)


def test_sparse_customer_ids_are_matched() -> None:
    customers = customers_frame((10**12, "BIG"), (5, "SMALL"))
    days = days_frame(sale(10**12, "2026-11-01", 7.0), sale(5, "2026-11-02", 3.0),
                      sale(6, "2026-11-02", 100.0))
    t = customer_table(days, customers, AS_OF, "30d", DEFAULTS)
    assert row_of(t, "BIG").revenue == 7.0 and row_of(t, "SMALL").revenue == 3.0
