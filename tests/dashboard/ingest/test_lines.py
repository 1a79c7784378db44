"""Every row of a line-level file is a line (SPEC "Import fields"), customers dated by their first
order (SPEC "Time": no look-ahead), and the time the user waited: on SQLite and, when configured,
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from dashboard.cli import main
from dashboard.db import session_scope
from dashboard.i18n import use_language
from dashboard.ingest.run import ImportOptions, run_import
from dashboard.models import Customer, CustomerDay, Order, OrderLine
from tests.dashboard.ingest.helpers import LINE_HEADER, checksum, csv_bytes, line_rows


def _import(engine, data: bytes, kind: str = "orders", **options):  # noqa: ANN001, ANN003, ANN202
    return run_import(engine, kind, data, filename=f"{kind}.csv",
                      options=ImportOptions(**options))


def _revenue(engine) -> dict[str, float]:  # noqa: ANN001
    with session_scope(engine) as s:
        rows = s.execute(select(Customer.code, func.sum(CustomerDay.revenue))
                         .join(CustomerDay, CustomerDay.customer_id == Customer.id)
                         .group_by(Customer.code)).all()
    return {code: round(float(total), 2) for code, total in rows}


def _lines(engine, order_no: str) -> list[tuple]:  # noqa: ANN001
    with session_scope(engine) as s:
        return [tuple(r) for r in s.execute(
            select(OrderLine.line_key, OrderLine.quantity, OrderLine.unit_price, OrderLine.amount)
            .join(Order).where(Order.order_no == order_no).order_by(OrderLine.line_key))]


def _created(engine) -> dict[str, dt.date | None]:  # noqa: ANN001
    with session_scope(engine) as s:
        return dict(s.execute(select(Customer.code, Customer.created_date)).all())


def test_the_k1_example_keeps_both_p1_lines(engine) -> None:  # noqa: ANN001
    report = _import(engine, line_rows(["A1", "K1", "2026-01-05", "P1", "10", "2.00"],
                                       ["A1", "K1", "2026-01-05", "P1", "5", "1.50"],
                                       ["A1", "K1", "2026-01-05", "P2", "1", "3.00"]))
    assert report.status == "imported" and report.errors == []
    assert report.created["lines"] == 3 and report.identical_rows == 0
    # 10 x 2.00 + 5 x 1.50 + 1 x 3.00
    assert _revenue(engine) == {"K1": 30.50}
    with session_scope(engine) as s:
        assert s.execute(select(Order.amount)).scalar_one() == 30.50
    assert _lines(engine, "A1") == [("1", 10, 2.0, 20.0), ("2", 5, 1.5, 7.5),
                                    ("3", 1, 3.0, 3.0)]


REPEATED = [["S-1", "C1", "2026-02-01", "P1", "2", "10"],
            ["S-1", "C1", "2026-02-01", "P1", "1", "0"],     # free goods
            ["S-1", "C1", "2026-02-01", "P2", "4", "2.5"],
            ["S-1", "C1", "2026-02-01", "P1", "2", "10"],     # identical to the first row
            ["S-2", "C2", "2026-02-02", "P3", "1", "7"],
            ["S-2", "C2", "2026-02-02", "P3", "1", "7"],      # identical
            ["S-2", "C2", "2026-02-02", "P3", "1", "7"],      # identical again
            ["S-3", "C1", "2026-02-03", "P1", "-1", "10"]]    # a return of one P1


def test_repeated_and_identical_rows_are_all_lines_and_reimport_changes_nothing(
        engine) -> None:  # noqa: ANN001
    data = line_rows(*REPEATED)
    report = _import(engine, data)
    assert report.status == "imported" and report.errors == []
    assert (report.rows_written, report.created["lines"], report.identical_rows) == (8, 8, 3)
    assert report.created["orders"] == 3
    # C1: 20 + 0 + 10 + 20 - 10 = 40; C2: 3 x 7 = 21
    assert _revenue(engine) == {"C1": 40.0, "C2": 21.0}
    summary = report.summary_lines()
    assert ("3 rows repeated an earlier row of their order exactly; each was kept as a line "
            "of its own.") in summary
    with use_language("zh"):
        assert "3 行与同一订单中前面的某一行完全相同，每行都已作为单独的订单明细保留。" in \
            report.summary_lines()
    before = checksum(engine)
    again = _import(engine, data)
    assert again.status == "unchanged" and again.created.get("lines", 0) == 0
    assert checksum(engine) == before


def test_a_corrected_file_replaces_the_lines_of_its_orders(engine) -> None:  # noqa: ANN001
    _import(engine, line_rows(*REPEATED))
    corrected = line_rows(["S-1", "C1", "2026-02-01", "P1", "2", "10"],
                          ["S-1", "C1", "2026-02-01", "P2", "4", "2.5"],
                          ["S-2", "C2", "2026-02-02", "P3", "1", "7"],
                          ["S-2", "C2", "2026-02-02", "P3", "2", "7"])
    report = _import(engine, corrected)
    assert report.status == "imported"
    # S-1: line 2 becomes the P2 row, lines 3 and 4 go; S-2: line 2 doubles, line 3 goes
    assert (report.updated["orders"], report.updated["lines"], report.deleted["lines"]) == (
        2, 2, 3)
    assert _lines(engine, "S-1") == [("1", 2, 10.0, 20.0), ("2", 4, 2.5, 10.0)]
    assert _lines(engine, "S-2") == [("1", 1, 7.0, 7.0), ("2", 2, 7.0, 14.0)]
    # C1: 30 in S-1 and the untouched return S-3 (-10); C2: 7 + 14
    assert _revenue(engine) == {"C1": 20.0, "C2": 21.0}
    with session_scope(engine) as s:
        amounts = dict(s.execute(select(Order.order_no, Order.amount)).all())
    assert amounts == {"S-1": 30.0, "S-2": 21.0, "S-3": -10.0}


def test_a_mapped_line_no_keys_the_lines(engine) -> None:  # noqa: ANN001
    header = [*LINE_HEADER, "line_no"]
    _import(engine, line_rows(["S-1", "C1", "2026-02-01", "P1", "2", "10", "20"],
                              ["S-1", "C1", "2026-02-01", "P1", "1", "10", "10"],
                              header=header))
    assert _lines(engine, "S-1") == [("10", 1, 10.0, 10.0), ("20", 2, 10.0, 20.0)]
    # the same lines in another row order: nothing changes
    report = _import(engine, line_rows(["S-1", "C1", "2026-02-01", "P1", "1", "10", "10"],
                                       ["S-1", "C1", "2026-02-01", "P1", "2", "10", "20"],
                                       header=header))
    assert report.status == "unchanged"


def test_order_import_customers_are_created_on_their_first_order(engine) -> None:  # noqa: ANN001
    _import(engine, csv_bytes([["customer", "customer_name", "created_date"],
                               ["C9", "Given", "2025-06-30"], ["C8", "Undated", ""]]),
            kind="customers")
    _import(engine, line_rows(["S-2", "C1", "2026-03-04 10:15", "P1", "1", "5"],
                              ["S-1", "C1", "2026-03-02", "P1", "1", "5"],
                              ["S-3", "C2", "2026-03-05", "P1", "1", "5"],
                              ["S-4", "C9", "2026-03-05", "P1", "1", "5"],
                              ["S-5", "C8", "2026-03-06", "P1", "1", "5"],
                              ["S-6", "", "2026-01-01", "P1", "1", "5"]))
    assert _created(engine) == {"C1": dt.date(2026, 3, 2), "C2": dt.date(2026, 3, 5),
                                "C9": dt.date(2025, 6, 30), "C8": dt.date(2026, 3, 6)}
    # an import of later orders changes no created date; one of earlier orders moves the
    # dates that were the first order's, never the one a customers file gave
    _import(engine, line_rows(["S-7", "C1", "2026-04-01", "P1", "1", "5"]))
    assert _created(engine)["C1"] == dt.date(2026, 3, 2)
    report = _import(engine, line_rows(["S-8", "C1", "2026-02-20", "P1", "1", "5"],
                                       ["S-9", "C9", "2025-01-01", "P1", "1", "5"],
                                       ["S-10", "C8", "2026-03-07", "P1", "1", "5"]))
    assert report.updated["customers"] == 1
    assert _created(engine) == {"C1": dt.date(2026, 2, 20), "C2": dt.date(2026, 3, 5),
                                "C9": dt.date(2025, 6, 30), "C8": dt.date(2026, 3, 6)}


def test_a_blank_created_date_takes_the_first_stored_order(engine) -> None:  # noqa: ANN001
    _import(engine, line_rows(["S-1", "C1", "2026-03-02", "P1", "1", "5"]))
    with session_scope(engine, write=True) as s:  # a record from before dates were kept
        s.execute(Customer.__table__.update().values(created_date=None))
    _import(engine, line_rows(["S-2", "C1", "2026-05-01", "P1", "1", "5"]))
    assert _created(engine) == {"C1": dt.date(2026, 3, 2)}


def test_the_summary_tells_the_time_up_to_the_end_of_the_recompute(runtime,  # noqa: ANN001
                                                                  monkeypatch) -> None:
    from dashboard.services import imports

    recomputed_at = []

    def slow(*_args, **_kwargs) -> None:  # noqa: ANN002, ANN003
        time.sleep(0.4)
        recomputed_at.append(time.perf_counter())

    monkeypatch.setattr(imports, "run_recompute", slow)
    began = time.perf_counter()
    outcome = imports.import_file(runtime, "orders",
                                  line_rows(["S-1", "C1", "2026-03-02", "P1", "1", "5"]),
                                  filename="orders.csv")
    total = time.perf_counter() - began
    report = outcome.report
    assert recomputed_at and report.status == "imported"
    # from the start of the import to the end of the recompute, no more
    assert began <= report.started and report.started + report.seconds >= recomputed_at[0]
    assert 0.4 <= report.seconds <= total
    assert f"in {report.seconds:.1f} s." in report.summary_lines()[0]
    # a caller that does more afterwards completes the time
    time.sleep(0.2)
    assert report.finish() >= 0.6


# --- no look-ahead: an export as of a date is the same before and after later imports ---

HISTORY = [["H-1", "C1", "2026-01-10", "P1", "3", "10"],
           ["H-2", "C1", "2026-02-14", "P2", "1", "25"],
           ["H-3", "C2", "2026-02-01", "P1", "2", "10"],
           ["H-4", "C2", "2026-03-03", "P1", "-1", "10"],
           ["H-5", "C3", "2026-03-20", "P2", "4", "25"],
           ["H-6", "", "2026-03-21", "P1", "1", "10"]]
LATER = [["L-1", "C1", "2026-04-02", "P1", "5", "10"],
         ["L-2", "C2", "2026-04-03", "P2", "1", "25"],
         ["L-3", "N1", "2026-04-01", "P1", "1", "10"],      # brand-new customers
         ["L-4", "N2", "2026-05-01", "P2", "2", "25"],
         ["L-4", "N2", "2026-05-01", "P2", "2", "25"],
         ["L-5", "", "2026-04-05", "P1", "1", "10"]]


def _cli(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_an_export_as_of_a_date_ignores_later_orders_and_customers(database_url: str,
                                                                   tmp_path: Path) -> None:
    env = {"COCKPIT_DATABASE_URL": database_url, "COCKPIT_DATA_DIR": str(tmp_path / "data"),
           "COCKPIT_SECRET_KEY": "k" * 40}
    history, later = tmp_path / "history.csv", tmp_path / "later.csv"
    history.write_bytes(line_rows(*HISTORY))
    later.write_bytes(line_rows(*LATER))
    _cli(env, "import", "orders", str(history))
    exports = {}
    for name in ("before", "after"):
        for as_of in ("2026-03-31", "2026-03-25"):
            out = tmp_path / f"{name}-{as_of}.csv"
            _cli(env, "export", "customers", "--as-of", as_of, "--out", str(out))
            exports[name, as_of] = out.read_bytes()
        if name == "before":
            _cli(env, "import", "orders", str(later))
    for as_of in ("2026-03-31", "2026-03-25"):
        assert exports["after", as_of] == exports["before", as_of], as_of
    text = exports["before", "2026-03-31"].decode("utf-8-sig")
    codes = [line.split(",")[0] for line in text.splitlines()[1:]]
    assert codes == ["C1", "C2", "C3"]
    # as of a date after the new customers' first orders they are there
    late = tmp_path / "late.csv"
    _cli(env, "export", "customers", "--as-of", "2026-05-01", "--out", str(late))
    late_codes = [line.split(",")[0] for line in
                  late.read_bytes().decode("utf-8-sig").splitlines()[1:]]
    assert late_codes == ["C1", "C2", "C3", "N1", "N2"]


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_new_summary_lines_in_both_languages(language: str) -> None:
    from dashboard.ingest.report import ImportReport

    report = ImportReport(kind="orders", filename="f.csv", status="imported",
                          identical_rows=1, split_orders=2)
    with use_language(language):
        lines = report.summary_lines()
    expected = {"en": ["1 row repeated an earlier row of its order exactly; it was kept as a "
                       "line of its own.",
                       "2 order numbers were used for several customers; their rows became "
                       "one order per customer, numbered <order number>/<customer code>."],
                "zh": ["1 行与同一订单中前面的某一行完全相同，每行都已作为单独的订单明细保留。",
                       "有 2 个订单号被多个客户使用；这些行已按客户拆分为单独的订单，编号为"
                       "“订单号/客户编码”。"]}
    assert lines[2:4] == expected[language]


FIRST = [["order_id", "customer", "order_date", "product", "quantity", "unit_price",
          "unit_cost", "coupon_code"],
         ["F-1", "K1", "2026-03-01 09:30", "P1", "2", "10", "6", "SPRING"],
         ["F-1", "K1", "2026-03-01 09:30", "P2", "1", "4.5", "", "SPRING"],
         ["F-2", "", "2026-03-02", "P1", "1", "10", "6", ""],          # an anonymous sale
         ["F-3", "K2", "2026-03-02", "P2", "-3", "4.5", "", ""],       # a return
         ["F-4", "K1", "2026-03-05", "P1", "1", "9.99", "6", ""],
         ["F-4", "K1", "2026-03-05", "P1", "1", "9.99", "6", ""]]      # an identical line


def _stored_orders(engine) -> list[tuple]:  # noqa: ANN001
    with session_scope(engine) as s:
        orders = s.execute(select(Order.order_no, Customer.code, Order.order_date,
                                  Order.ordered_at, Order.coupon_code, Order.amount,
                                  Order.is_return)
                           .outerjoin(Customer, Customer.id == Order.customer_id)
                           .where(Order.order_no.like("F-%")).order_by(Order.order_no)).all()
        lines = s.execute(select(Order.order_no, OrderLine.line_key, OrderLine.product_id,
                                 OrderLine.quantity, OrderLine.unit_price,
                                 OrderLine.unit_cost, OrderLine.amount).join(Order)
                          .where(Order.order_no.like("F-%"))
                          .order_by(Order.order_no, OrderLine.line_key)).all()
    return [tuple(r) for r in orders] + [tuple(r) for r in lines]


def test_a_first_import_writes_what_the_compared_path_writes(engine) -> None:  # noqa: ANN001
    """Into an empty orders table the orders go straight in; into one that holds an order
    they are staged and compared. Both store the same orders and lines."""
    first = _import(engine, csv_bytes(FIRST))
    assert first.status == "imported" and first.created["orders"] == 4
    assert first.created["lines"] == 6
    straight = _stored_orders(engine)
    assert straight[0][:3] == ("F-1", "K1", dt.date(2026, 3, 1))
    assert straight[0][3] == dt.datetime(2026, 3, 1, 9, 30) and straight[0][4] == "SPRING"
    assert straight[1][1] is None and straight[2][6] is True  # anonymous; the return
    with session_scope(engine, write=True) as s:
        s.execute(OrderLine.__table__.delete())
        s.execute(Order.__table__.delete())
    _import(engine, line_rows(["OLD-1", "K9", "2026-01-02", "P1", "1", "10"]))
    again = _import(engine, csv_bytes(FIRST))
    assert again.created["orders"] == 4 and again.created["lines"] == 6
    assert _stored_orders(engine) == straight
    assert _import(engine, csv_bytes(FIRST)).created.get("orders", 0) == 0  # idempotent
