"""Real invoice-line exports: the same stock code several times in an invoice, cancellations as
negative quantities, Excel-style date-times, ``dd/mm/yy`` dates, one order number used for
several customers. Revenue per customer must be the file's. SQLite and, when configured,
PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from dashboard.db import session_scope
from dashboard.ingest.run import ImportOptions, run_import
from dashboard.models import AnonymousDay, Customer, CustomerDay, Order, OrderLine, Product
from tests.dashboard.ingest.helpers import checksum, csv_bytes

SUPERSTORE = Path("/work/shared/datasets/superstore/superstore.csv")
SUPERSTORE_MAP = {"order_id": "Order ID", "customer": "Customer ID", "order_date": "Order Date",
                  "product": "Product ID", "quantity": "Quantity", "amount": "Sales",
                  "customer_name": "Customer Name", "region": "Region",
                  "product_name": "Product Name", "category": "Category"}

INVOICE_HEADER = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate",
                  "UnitPrice", "CustomerID", "Country"]
INVOICE_MAP = {"order_id": "InvoiceNo", "product": "StockCode", "product_name": "Description",
               "quantity": "Quantity", "order_date": "InvoiceDate", "unit_price": "UnitPrice",
               "customer": "CustomerID"}
# (invoice, stock code, description, quantity, when, unit price, customer): an online-retail
# export, with the date-time written three ways below
INVOICES = [
    ("536365", "85123A", "WHITE HANGING HEART", 6, "2010-12-01 08:26", "2.55", "17850"),
    ("536365", "71053", "WHITE METAL LANTERN", 6, "2010-12-01 08:26", "3.39", "17850"),
    ("536365", "85123A", "WHITE HANGING HEART", 6, "2010-12-01 08:26", "2.55", "17850"),
    ("536365", "85123A", "WHITE HANGING HEART", 2, "2010-12-01 08:26", "0", "17850"),
    ("536366", "22633", "HAND WARMER UNION JACK", 6, "2010-12-13 10:05", "1.85", "17850"),
    ("C536379", "D", "Discount", -1, "2010-12-13 11:00", "27.50", "14527"),
    ("536380", "22086", "PAPER CHAIN KIT", 12, "2011-12-09 12:50", "2.95", "14527"),
    ("536380", "22086", "PAPER CHAIN KIT", -2, "2011-12-09 12:50", "2.95", "14527"),
    ("536381", "22086", "PAPER CHAIN KIT", 3, "2011-12-09 12:50", "2.95", ""),
    ("C536383", "35004C", "SET OF 3 COLOURED FLYING DUCKS", -1, "2011-12-09 13:00", "4.65",
     "15311"),
    ("536384", "35004C", "SET OF 3 COLOURED FLYING DUCKS", 4, "2011-12-09 13:00", "4.65",
     "15311"),
]
# hand-computed: 17850: 6 x 2.55 + 6 x 3.39 + 6 x 2.55 + 2 x 0 + 6 x 1.85;
# 14527: -27.50 + 12 x 2.95 - 2 x 2.95; 15311: -4.65 + 4 x 4.65; anonymous: 3 x 2.95
EXPECTED = {"17850": 62.04, "14527": 2.00, "15311": 13.95}
ANONYMOUS = 8.85
# the same moments as Excel serial day numbers (days since 1899-12-30)
SERIALS = {"2010-12-01 08:26": "40513.3513889", "2010-12-13 10:05": "40525.4201389",
           "2010-12-13 11:00": "40525.4583333", "2011-12-09 12:50": "40886.5347222",
           "2011-12-09 13:00": "40886.5416667"}


def _month_first(when: str) -> str:  # "12/9/2011 12:50", as spreadsheets write US dates
    t = dt.datetime.fromisoformat(when)
    return f"{t.month}/{t.day}/{t.year} {t.hour}:{t.minute:02d}"


WRITERS = {"iso": lambda w: w + ":00", "month-first": _month_first, "excel": SERIALS.get}


def _invoice_file(style: str) -> bytes:
    rows = [[no, code, text, qty, WRITERS[style](when), price, customer, "United Kingdom"]
            for no, code, text, qty, when, price, customer in INVOICES]
    return csv_bytes([INVOICE_HEADER, *rows])


def _revenue(engine) -> dict[str, float]:  # noqa: ANN001
    with session_scope(engine) as s:
        rows = s.execute(select(Customer.code, func.sum(CustomerDay.revenue))
                         .join(CustomerDay, CustomerDay.customer_id == Customer.id)
                         .group_by(Customer.code)).all()
    return {code: round(float(total), 2) for code, total in rows}


@pytest.mark.parametrize("style", list(WRITERS))
def test_an_invoice_line_export_keeps_every_line(engine, style: str) -> None:  # noqa: ANN001
    data = _invoice_file(style)
    report = run_import(engine, "orders", data, filename="invoices.csv",
                        options=ImportOptions(mapping=INVOICE_MAP))
    assert report.status == "imported", report.summary_lines()
    assert (report.rows_written, report.return_rows, report.anonymous_rows,
            report.identical_rows) == (11, 3, 1, 1)
    assert report.created["lines"] == 11 and report.created["orders"] == 7
    assert _revenue(engine) == EXPECTED
    with session_scope(engine) as s:
        anonymous = s.execute(select(func.sum(AnonymousDay.revenue))).scalar_one()
        assert round(float(anonymous), 2) == ANONYMOUS
        orders = {o.order_no: o for o in s.execute(select(Order)).scalars()}
        assert orders["536365"].ordered_at == dt.datetime(2010, 12, 1, 8, 26)
        assert orders["536366"].order_date == dt.date(2010, 12, 13)
        assert orders["536380"].ordered_at == dt.datetime(2011, 12, 9, 12, 50)
        assert (orders["C536379"].amount, orders["C536379"].is_return) == (-27.5, True)
        assert (orders["536380"].amount, orders["536380"].is_return) == (29.5, False)
        assert orders["536365"].amount == 50.94
        hearts = s.execute(select(func.count()).select_from(OrderLine).join(Product)
                           .where(Product.sku == "85123A")).scalar_one()
        assert hearts == 3
        created = dict(s.execute(select(Customer.code, Customer.created_date)).all())
    assert created == {"17850": dt.date(2010, 12, 1), "14527": dt.date(2010, 12, 13),
                       "15311": dt.date(2011, 12, 9)}
    before = checksum(engine)
    again = run_import(engine, "orders", data, filename="invoices.csv",
                       options=ImportOptions(mapping=INVOICE_MAP))
    assert again.status == "unchanged" and checksum(engine) == before


CENT = Decimal("0.01")


def _decimal(value: float) -> Decimal:
    """A stored money figure as the 4-decimal number it is (without the float's noise)."""
    return Decimal(repr(round(float(value), 4))).quantize(Decimal("0.0001"))


def _exact_sums(frame: pd.DataFrame, key: str, column: str) -> dict[str, Decimal]:
    """Per ``key``, the exact decimal sum of ``column`` as the file writes it."""
    sums: dict[str, Decimal] = {}
    for code, text in zip(frame[key], frame[column], strict=True):
        sums[code] = sums.get(code, Decimal(0)) + Decimal(text)
    return {code: total.quantize(Decimal("0.0001")) for code, total in sums.items()}


@pytest.mark.skipif(not SUPERSTORE.exists(), reason="the Superstore sample is not here")
def test_superstore_revenue_per_customer_is_the_files(engine) -> None:  # noqa: ANN001
    report = run_import(engine, "orders", SUPERSTORE, options=ImportOptions(
        mapping=SUPERSTORE_MAP))
    assert report.status == "imported" and report.errors == [], report.summary_lines()
    assert report.rows_written == 10_194 and report.created["lines"] == 10_194
    # two order numbers name four customers each: one order per customer
    assert report.split_orders == 2 and report.created["orders"] == 5_111 + 2 * 3
    assert report.created["customers"] == 804 and report.created["products"] == 1_862
    frame = pd.read_csv(SUPERSTORE, encoding="utf-8-sig", dtype={"Customer ID": "str",
                                                                 "Sales": "str"})
    # line money is kept at the file's precision (16.448 stays 16.448): each customer's revenue
    # is the file's sum of Sales, rounded to the cent only once summed
    exact = _exact_sums(frame, "Customer ID", "Sales")
    with session_scope(engine) as s:
        rows = s.execute(select(Customer.code, func.sum(CustomerDay.revenue))
                         .join(CustomerDay, CustomerDay.customer_id == Customer.id)
                         .group_by(Customer.code)).all()
    stored = {code: _decimal(total) for code, total in rows}
    assert stored == exact  # to the last of the file's decimals
    cents = {code: total.quantize(CENT, ROUND_HALF_UP) for code, total in exact.items()}
    assert {code: total.quantize(CENT, ROUND_HALF_UP) for code, total in stored.items()} == cents
    # the dataset's README: total of Sales 2,326,534.35 (line by line to the cent: .10)
    assert sum(stored.values()).quantize(CENT, ROUND_HALF_UP) == Decimal("2326534.35")
    with session_scope(engine) as s:
        lines = s.execute(select(OrderLine.amount).join(Order).where(
            Order.order_no == "US-2019-112326").order_by(OrderLine.line_key)).scalars().all()
    assert lines == [3.54, 11.784, 272.736]  # the file's Sales, not 11.78 and 272.74
    with session_scope(engine) as s:
        first = s.execute(select(Order.order_date).where(
            Order.order_no == "US-2019-103800")).scalar_one()
        assert first == dt.date(2019, 1, 3)  # 03/01/19 is 3 January 2019
        split = s.execute(select(Order.order_no).where(
            Order.order_no.like("CA-2021-121465%")).order_by(Order.order_no)).scalars().all()
    assert split == ["CA-2021-121465", "CA-2021-121465/HO-15231", "CA-2021-121465/HO-15232",
                     "CA-2021-121465/HO-15233"]
