"""Order money at the file's precision: unit prices with 3-4 decimals and sub-cent line amounts
are kept (4 decimals), so sums equal the file's and are rounded to the cent only when shown;
importing the same file again changes nothing. SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from dashboard.cli import main
from dashboard.db import session_scope
from dashboard.ingest.run import ImportOptions, run_import
from dashboard.models import Customer, CustomerDay, Order, OrderLine
from tests.dashboard.ingest.helpers import LINE_HEADER, checksum, line_rows

COST_HEADER = [*LINE_HEADER, "unit_cost"]
# 3 x 0.3333 + 7 x 1.2345 = 0.9999 + 8.6415 = 9.6414; cost 3 x 0.1234 + 7 x 0.5 = 3.8702;
# K2: three lines of 0.005 on two days = 0.015
ROWS = [
    ("A1", "K1", "2026-01-05", "P1", 3, "0.3333", "0.1234"),
    ("A1", "K1", "2026-01-05", "P2", 7, "1.2345", "0.5"),
    ("B1", "K2", "2026-01-06", "P3", 1, "0.005", ""),
    ("B1", "K2", "2026-01-06", "P3", 1, "0.005", ""),
    ("B2", "K2", "2026-01-07", "P3", 1, "0.005", ""),
]
AMOUNT_HEADER = ["order_id", "customer", "order_date", "product", "quantity", "amount"]
# line amounts as an invoice-line export gives them (Superstore's Sales): kept as they are,
# the unit price derived from them: 11.784 / 3 = 3.928, 10 / 7 = 1.4286 (to 4 decimals)
AMOUNT_ROWS = [
    ("S1", "K3", "2026-02-01", "P1", 3, "11.784"),
    ("S1", "K3", "2026-02-01", "P2", 7, "10"),
    ("S2", "K3", "2026-02-02", "P1", -1, "-3.928"),
]


def _import(engine, data: bytes):  # noqa: ANN001, ANN202
    return run_import(engine, "orders", data, filename="orders.csv", options=ImportOptions())


def _d(value: float | None) -> Decimal | None:
    """A stored figure as the 4-decimal number it is."""
    return None if value is None else Decimal(repr(round(float(value), 4))).normalize()


def _days(engine) -> dict[str, tuple]:  # noqa: ANN001
    """Per customer, the sums of its rollup rows (revenue, return_amount, costed_revenue,
    cost)."""
    totals: dict[str, list[Decimal]] = {}
    with session_scope(engine) as s:
        rows = s.execute(select(Customer.code, CustomerDay.revenue, CustomerDay.return_amount,
                                CustomerDay.costed_revenue, CustomerDay.cost)
                         .join(CustomerDay, CustomerDay.customer_id == Customer.id)).all()
    for code, *figures in rows:
        sums = totals.setdefault(code, [Decimal(0)] * 4)
        totals[code] = [a + _d(b) for a, b in zip(sums, figures, strict=True)]
    return {code: tuple(v.normalize() for v in sums) for code, sums in totals.items()}


def _lines(engine, order_no: str) -> list[tuple]:  # noqa: ANN001
    with session_scope(engine) as s:
        rows = s.execute(select(OrderLine.unit_price, OrderLine.unit_cost, OrderLine.amount)
                         .join(Order).where(Order.order_no == order_no)
                         .order_by(OrderLine.line_key)).all()
    return [tuple(_d(v) for v in row) for row in rows]


def _order_amounts(engine) -> dict[str, Decimal]:  # noqa: ANN001
    with session_scope(engine) as s:
        return {no: _d(amount) for no, amount in s.execute(select(Order.order_no, Order.amount))}


def test_unit_prices_with_four_decimals_are_kept_to_the_last_decimal(engine) -> None:  # noqa: ANN001
    report = _import(engine, line_rows(*ROWS, header=COST_HEADER))
    assert report.status == "imported" and report.errors == [], report.summary_lines()
    assert report.created["lines"] == 5
    D = Decimal
    assert _lines(engine, "A1") == [(D("0.3333"), D("0.1234"), D("0.9999")),
                                    (D("1.2345"), D("0.5"), D("8.6415"))]
    assert _lines(engine, "B1") == [(D("0.005"), None, D("0.005"))] * 2
    assert _order_amounts(engine) == {"A1": D("9.6414"), "B1": D("0.01"), "B2": D("0.005")}
    # revenue, returns, costed revenue, cost: the exact sums, not sums of cents
    assert _days(engine) == {"K1": (D("9.6414"), D(0), D("9.6414"), D("3.8702")),
                             "K2": (D("0.015"), D(0), D(0), D(0))}
    before = checksum(engine)
    again = _import(engine, line_rows(*ROWS, header=COST_HEADER))
    assert again.status == "unchanged", again.summary_lines()
    assert checksum(engine) == before


def test_line_amounts_given_by_the_file_are_kept_and_reimport_changes_nothing(
        engine) -> None:  # noqa: ANN001
    report = _import(engine, line_rows(*AMOUNT_ROWS, header=AMOUNT_HEADER))
    assert report.status == "imported" and report.errors == [], report.summary_lines()
    D = Decimal
    assert _lines(engine, "S1") == [(D("3.928"), None, D("11.784")),
                                    (D("1.4286"), None, D("10"))]
    assert _order_amounts(engine) == {"S1": D("21.784"), "S2": D("-3.928")}
    assert _days(engine) == {"K3": (D("17.856"), D("-3.928"), D(0), D(0))}
    before = checksum(engine)
    again = _import(engine, line_rows(*AMOUNT_ROWS, header=AMOUNT_HEADER))
    assert again.status == "unchanged", again.summary_lines()
    assert checksum(engine) == before
    # a corrected amount (a tenth of a cent) is a change of that line only
    fixed = [*AMOUNT_ROWS[:1], ("S1", "K3", "2026-02-01", "P2", 7, "10.001"), AMOUNT_ROWS[2]]
    third = _import(engine, line_rows(*fixed, header=AMOUNT_HEADER))
    assert third.status == "imported" and third.updated.get("lines") == 1, third.summary_lines()
    assert _lines(engine, "S1")[1] == (D("1.4287"), None, D("10.001"))
    assert _days(engine)["K3"] == (D("17.857"), D("-3.928"), D(0), D(0))


PROFIT_HEADER = [*AMOUNT_HEADER, "Profit"]
# Superstore's first line: Sales 16.448 for 2 units, Profit 5.5512 -> line cost 10.8968, unit
# cost 5.4484; a loss-making line: 10 for 1 unit, Profit -2.5 -> cost 12.5; a row without a
# profit has no known cost.
PROFIT_ROWS = [
    ("P1", "K4", "2026-03-01", "A", 2, "16.448", "5.5512"),
    ("P1", "K4", "2026-03-01", "B", 1, "10", "-2.5"),
    ("P2", "K4", "2026-03-02", "C", 4, "8", ""),
]


def test_a_line_profit_gives_the_unit_cost(engine) -> None:  # noqa: ANN001
    report = _import(engine, line_rows(*PROFIT_ROWS, header=PROFIT_HEADER))
    assert report.status == "imported" and report.errors == [], report.summary_lines()
    D = Decimal
    assert _lines(engine, "P1") == [(D("8.224"), D("5.4484"), D("16.448")),
                                    (D("10"), D("12.5"), D("10"))]
    assert _lines(engine, "P2") == [(D("2"), None, D("8"))]
    # revenue 34.448; costed revenue 26.448, cost 23.3968: margin 3.0512 = 5.5512 - 2.5
    assert _days(engine) == {"K4": (D("34.448"), D(0), D("26.448"), D("23.3968"))}


def _cli(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_export_shows_the_exact_sums_to_the_cent(database_url: str, tmp_path: Path) -> None:
    env = {"COCKPIT_DATABASE_URL": database_url, "COCKPIT_DATA_DIR": str(tmp_path / "data"),
           "COCKPIT_SECRET_KEY": "k" * 40}
    orders = tmp_path / "orders.csv"
    orders.write_bytes(line_rows(*ROWS, header=COST_HEADER))
    _cli(env, "import", "orders", str(orders))
    out = tmp_path / "customers.csv"
    _cli(env, "export", "customers", "--as-of", "2026-01-31", "--out", str(out))
    rows = {r["customer_code"]: r for r in
            csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig")))}
    assert set(rows) == {"K1", "K2"}
    # 9.6414 -> 9.64; margin 9.6414 - 3.8702 = 5.7712 -> 5.77; 0.015 -> 0.02 (to the cent
    # once summed; each line rounded to the cent, to the even cent, would make 0.00)
    assert rows["K1"]["revenue"] == "9.64"
    assert rows["K1"]["gross_margin"] == "5.77"
    assert rows["K2"]["revenue"] == "0.02"
