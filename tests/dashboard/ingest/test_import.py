"""Importing into the database (SQLite, and PostgreSQL when configured): what is written,
strict / skip-bad / dry-run, idempotent re-imports, rollups, atomicity."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.data.rollups import rebuild_rollups
from dashboard.db import data_version, session_scope
from dashboard.ingest import run as run_module
from dashboard.ingest.run import ImportOptions, run_import
from dashboard.models import (
    AnonymousDay,
    AuditLog,
    Customer,
    CustomerDay,
    ImportBatch,
    Order,
    OrderLine,
    Product,
    Rep,
)
from tests.dashboard.ingest.helpers import LINE_HEADER, checksum, counts, csv_bytes, line_rows

FULL_HEADER = [*LINE_HEADER, "unit_cost", "coupon_code", "customer_name", "customer_type",
               "region", "account_manager", "product_name", "category"]
GOOD = [
    ["SO-1", "C1", "2026-03-01", "P1", "2", "10.50", "4", "", "Alpha", "Trade", "East", "Wang",
     "Bolt", "Hardware"],
    ["SO-1", "C1", "2026-03-01", "P2", "1", "5", "", "", "Alpha", "", "", "", "Nut", ""],
    ["SO-2", "C1", "2026-03-01 15:30", "P1", "1", "10.50", "4", "CP-9", "", "", "", "", "",
     ""],
    ["SO-3", "C2", "2026-03-02", "P1", "-1", "10.50", "4", "", "Beta", "零售", "North", "Li",
     "", ""],
    ["SO-4", "", "2026-03-02", "P2", "3", "5", "", "", "", "", "", "", "", ""],
]


def _import(engine, data: bytes, kind: str = "orders", name: str = "orders.csv",  # noqa: ANN001
            **options):  # noqa: ANN003, ANN202
    return run_import(engine, kind, data, filename=name, options=ImportOptions(**options))


def _rollups(engine) -> list[tuple]:  # noqa: ANN001
    with session_scope(engine) as s:
        days = [(r.customer_id, r.day, r.revenue, r.orders, r.return_orders, r.return_amount,
                 r.costed_revenue, r.cost, r.coupon_orders)
                for r in s.execute(select(CustomerDay).order_by(CustomerDay.customer_id,
                                                                CustomerDay.day)).scalars()]
        anon = [(r.day, r.revenue, r.orders) for r in s.execute(
            select(AnonymousDay).order_by(AnonymousDay.day)).scalars()]
    return days + anon


def _rebuilt(engine) -> list[tuple]:  # noqa: ANN001
    with session_scope(engine, write=True) as s:
        rebuild_rollups(s)
    return _rollups(engine)


def test_orders_import_writes_every_table(engine) -> None:  # noqa: ANN001
    version = _version(engine)
    report = _import(engine, csv_bytes([FULL_HEADER, *GOOD]))
    assert report.status == "imported" and report.errors == []
    assert (report.rows_read, report.rows_written, report.anonymous_rows,
            report.return_rows) == (5, 5, 1, 1)
    assert report.created == {"reps": 2, "customers": 2, "products": 2, "orders": 4,
                              "lines": 5}
    with session_scope(engine) as s:
        customers = {c.code: c for c in s.execute(select(Customer)).scalars()}
        reps = {r.id: r.name for r in s.execute(select(Rep)).scalars()}
        assert (customers["C1"].name, customers["C1"].customer_type, customers["C1"].region,
                reps[customers["C1"].rep_id]) == ("Alpha", "Trade", "East", "Wang")
        assert (customers["C2"].customer_type, reps[customers["C2"].rep_id]) == ("Retail", "Li")
        products = {p.sku: (p.name, p.category, p.unit_cost) for p in
                    s.execute(select(Product)).scalars()}
        assert products == {"P1": ("Bolt", "Hardware", 4.0), "P2": ("Nut", None, None)}
        orders = {o.order_no: o for o in s.execute(select(Order)).scalars()}
        assert (orders["SO-1"].amount, orders["SO-1"].is_return) == (26.0, False)
        assert orders["SO-2"].coupon_code == "CP-9"
        assert str(orders["SO-2"].ordered_at) == "2026-03-01 15:30:00"
        assert orders["SO-1"].ordered_at is None
        assert (orders["SO-3"].amount, orders["SO-3"].is_return) == (-10.5, True)
        assert orders["SO-4"].customer_id is None
        lines = s.execute(select(OrderLine.line_key, OrderLine.quantity, OrderLine.unit_cost,
                                 OrderLine.amount).order_by(OrderLine.id)).all()
        # a line is keyed by its position among its order's rows in the file
        assert [tuple(r) for r in lines] == [("1", 2, 4.0, 21.0), ("2", 1, None, 5.0),
                                             ("1", 1, 4.0, 10.5), ("1", -1, 4.0, -10.5),
                                             ("1", 3, None, 15.0)]
        batch = s.execute(select(ImportBatch)).scalar_one()
        assert (batch.kind, batch.status, batch.rows_read, batch.rows_written,
                batch.anonymous_rows, batch.return_rows) == ("orders", "imported", 5, 5, 1, 1)
        audit = s.execute(select(AuditLog)).scalar_one()
        assert (audit.action, audit.object_id, audit.username) == ("import", str(batch.id),
                                                                   "cli")
        assert audit.detail["created"]["orders"] == 4
        assert all(o.batch_id == batch.id for o in orders.values())
    assert _version(engine) == version + 1
    rollups = _rollups(engine)
    assert rollups == _rebuilt(engine)
    c1, c2 = customers["C1"].id, customers["C2"].id
    day1, day2 = orders["SO-1"].order_date, orders["SO-3"].order_date
    assert sorted(rollups[:2]) == sorted([(c1, day1, 36.5, 2, 0, 0.0, 31.5, 12.0, 1),
                                          (c2, day2, -10.5, 0, 1, -10.5, -10.5, -4.0, 0)])
    assert rollups[2:] == [(day2, 15.0, 1)]


def _version(engine) -> int:  # noqa: ANN001
    with session_scope(engine) as s:
        return data_version(s)


def test_strict_mode_writes_nothing_when_one_row_is_bad(engine) -> None:  # noqa: ANN001
    _import(engine, csv_bytes([FULL_HEADER, *GOOD[:2]]))
    before = checksum(engine)
    rows = [[f"SO-{i}", "C1", "2026-03-01", "P1", "1", "2"] for i in range(10, 60)]
    rows[-1][2] = "2026-02-31"
    report = _import(engine, line_rows(*rows))
    assert report.status == "rejected" and report.rows_written == 0
    assert [(e.row, e.column) for e in report.errors] == [(51, "order_date")]
    assert (report.rows_accepted, report.rows_rejected, report.rows_skipped) == (49, 1, 0)
    assert checksum(engine) == before


def test_skip_bad_writes_exactly_the_good_rows(engine) -> None:  # noqa: ANN001
    rows = [[f"SO-{i}", "C1", "2026-03-01", "P1", "1", "2"] for i in range(1, 101)]
    rows[41][4] = "lots"
    rows[98][5] = "-3"
    report = _import(engine, line_rows(*rows), skip_bad=True)
    assert report.status == "imported"
    assert (report.rows_read, report.rows_accepted, report.rows_rejected, report.rows_written,
            report.rows_skipped) == (100, 98, 2, 98, 2)
    assert [e.row for e in report.errors] == [43, 100]
    assert counts(engine)["order_lines"] == 98
    with session_scope(engine) as s:
        numbers = set(s.execute(select(Order.order_no)).scalars())
        assert "SO-42" not in numbers and "SO-99" not in numbers and len(numbers) == 98
        assert s.execute(select(ImportBatch.rows_skipped)).scalar_one() == 2


def test_dry_runs_write_nothing(engine) -> None:  # noqa: ANN001
    _import(engine, csv_bytes([FULL_HEADER, *GOOD[:2]]))
    before = checksum(engine)
    for _ in range(5):
        report = _import(engine, csv_bytes([FULL_HEADER, *GOOD]), dry_run=True)
        assert report.status == "preview" and report.rows_accepted == 5
    assert checksum(engine) == before


def test_reimport_changes_nothing(engine) -> None:  # noqa: ANN001
    data = csv_bytes([FULL_HEADER, *GOOD])
    _import(engine, data)
    before, rows_before = checksum(engine), counts(engine)
    report = _import(engine, data)
    assert report.status == "unchanged"
    assert report.created == {"reps": 0, "customers": 0, "products": 0, "orders": 0,
                              "lines": 0}
    assert all(v == 0 for v in report.updated.values())
    assert counts(engine) == rows_before
    assert checksum(engine) == before  # no second batch, audit event or version bump


def test_order_level_reimport_changes_nothing(engine) -> None:  # noqa: ANN001
    data = csv_bytes([["customer", "order_date", "amount", "customer_name"],
                      ["C1", "2026-03-01", "100", "Alpha"], ["C1", "2026-03-01", "100", ""],
                      ["", "2026-03-01", "-20", ""]])
    report = _import(engine, data)
    assert report.created["orders"] == 3 and report.mode == "order"
    before = checksum(engine)
    assert _import(engine, data).status == "unchanged"
    assert checksum(engine) == before
    assert _rollups(engine) == _rebuilt(engine)


@pytest.mark.parametrize("share", [0, 1000], ids=["refresh", "rebuild"])
def test_moved_order_refreshes_old_and_new_rollup_rows(engine, monkeypatch,  # noqa: ANN001
                                                       share: int) -> None:
    monkeypatch.setattr(run_module, "REBUILD_SHARE", share)
    base = [["SO-1", "C1", "2026-03-01", "P1", "2", "10"],
            ["SO-2", "C1", "2026-03-03", "P1", "1", "10"],
            ["SO-3", "C2", "2026-03-01", "P1", "1", "7"]]
    _import(engine, line_rows(*base, *[[f"X-{i}", f"C{i}", "2026-01-01", "P1", "1", "1"]
                                       for i in range(3, 30)]))
    moved = [["SO-1", "C2", "2026-03-05", "P1", "2", "10"]]
    report = _import(engine, line_rows(*moved))
    assert report.updated["orders"] == 1 and report.status == "imported"
    rows = _rollups(engine)
    with session_scope(engine) as s:
        ids = dict(s.execute(select(Customer.code, Customer.id)).all())
    by_key = {(r[0], str(r[1])): r for r in rows if len(r) == 9}
    assert (ids["C1"], "2026-03-01") not in by_key  # the old pair is emptied
    assert by_key[(ids["C2"], "2026-03-05")][2] == 20.0
    assert by_key[(ids["C2"], "2026-03-01")][2] == 7.0
    assert rows == _rebuilt(engine)


def test_reimport_with_changed_and_removed_lines(engine) -> None:  # noqa: ANN001
    _import(engine, line_rows(["SO-1", "C1", "2026-03-01", "P1", "2", "10"],
                              ["SO-1", "C1", "2026-03-01", "P2", "1", "5"],
                              ["SO-2", "C1", "2026-03-02", "P1", "1", "10"]))
    report = _import(engine, line_rows(["SO-1", "C1", "2026-03-01", "P1", "3", "10"]))
    assert (report.updated["orders"], report.updated["lines"], report.deleted["lines"]) == (
        1, 1, 1)
    with session_scope(engine) as s:
        amounts = dict(s.execute(select(Order.order_no, Order.amount)).all())
        assert amounts == {"SO-1": 30.0, "SO-2": 10.0}
        assert s.execute(select(OrderLine.line_key).join(Order).where(
            Order.order_no == "SO-1")).scalars().all() == ["1"]
    assert _rollups(engine) == _rebuilt(engine)


def test_partial_order_keeps_its_other_lines(engine) -> None:  # noqa: ANN001
    _import(engine, line_rows(["SO-1", "C1", "2026-03-01", "P1", "2", "10"],
                              ["SO-1", "C1", "2026-03-01", "P2", "1", "5"]))
    report = _import(engine, line_rows(["SO-1", "C1", "2026-03-01", "P1", "4", "10"],
                                       ["SO-1", "C1", "2026-03-01", "P3", "x", "5"]),
                     skip_bad=True)
    assert report.rows_written == 1 and report.deleted["lines"] == 0
    with session_scope(engine) as s:
        order = s.execute(select(Order)).scalar_one()
        assert order.amount == 45.0  # 4 x 10 from the file + the stored P2 line
    assert _rollups(engine) == _rebuilt(engine)


def test_order_rows_fill_blanks_customer_files_overwrite(engine) -> None:  # noqa: ANN001
    header = [*LINE_HEADER, "customer_name", "region", "customer_type"]
    _import(engine, line_rows(["SO-1", "C1", "2026-03-01", "P1", "1", "2", "", "", ""],
                              header=header))
    _import(engine, line_rows(["SO-2", "C1", "2026-03-02", "P1", "1", "2", "Alpha", "East",
                               "Trade"], header=header))
    _import(engine, line_rows(["SO-3", "C1", "2026-03-03", "P1", "1", "2", "Old", "West",
                               "Distributor"], header=header))
    with session_scope(engine) as s:
        c = s.execute(select(Customer)).scalar_one()
        assert (c.name, c.region, c.customer_type) == ("Alpha", "East", "Retail")
    report = _import(engine, csv_bytes([["customer", "customer_name", "region", "phone",
                                         "customer_type"],
                                        ["C1", "Alpha Ltd", "", "+86 21 5555 1234", "批发"],
                                        ["C7", "", "", "", ""]]), kind="customers",
                     name="customers.csv")
    assert (report.created["customers"], report.updated["customers"]) == (1, 1)
    with session_scope(engine) as s:
        c = s.execute(select(Customer).where(Customer.code == "C1")).scalar_one()
        assert (c.name, c.region, c.phone, c.customer_type) == (
            "Alpha Ltd", "East", "+86 21 5555 1234", "Trade")


def test_products_and_targets(engine) -> None:  # noqa: ANN001
    products = csv_bytes([["商品编码", "商品名称", "类别", "标签", "成本价", "售价"],
                          ["P1", "螺栓", "五金", "热销，新品", "1.20", "2.50"]])
    report = _import(engine, products, kind="products", name="products.csv")
    assert report.created["products"] == 1
    _import(engine, line_rows(["SO-1", "C1", "2026-03-01", "P1", "1", "2"]))
    targets = csv_bytes([["客户编码", "月份", "目标"], ["C1", "2026-03", "1000"],
                         ["C1", "2026年4月", "1200"], ["C404", "2026-03", "5"]])
    report = _import(engine, targets, kind="targets", name="targets.csv")
    assert report.status == "rejected"
    assert [(e.row, e.column, e.reason) for e in report.errors] == [
        (4, "客户编码", "unknown customer (import the customer first)")]
    report = _import(engine, targets, kind="targets", name="targets.csv", skip_bad=True)
    assert report.created["targets"] == 2
    changed = csv_bytes([["customer", "month", "target"], ["C1", "2026-03", "1500"]])
    report = _import(engine, changed, kind="targets", name="t.csv")
    assert (report.created["targets"], report.updated["targets"]) == (0, 1)
    assert _import(engine, changed, kind="targets", name="t.csv").status == "unchanged"
    with session_scope(engine) as s:
        p = s.execute(select(Product)).scalar_one()
        assert (p.name, p.category, p.tags, p.unit_cost, p.list_price) == (
            "螺栓", "五金", "热销,新品", 1.2, 2.5)


def test_a_crash_before_commit_leaves_the_database_as_it_was(engine, monkeypatch) -> None:  # noqa: ANN001
    _import(engine, csv_bytes([FULL_HEADER, *GOOD[:2]]))
    before = checksum(engine)

    def crash(*_args, **_kwargs) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(run_module, "update_rollups", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        _import(engine, csv_bytes([FULL_HEADER, *GOOD]))
    assert checksum(engine) == before


def test_the_same_rows_in_every_format_give_the_same_data(engine) -> None:  # noqa: ANN001
    import io

    import pandas as pd

    from tests.dashboard.ingest.helpers import xlsx_bytes

    rows = [["单据编号", "客户编码", "单据日期", "商品编码", "数量", "单价", "客户名称"],
            ["SO-1", "C1", "2026-03-01", "P1", "2", "10.5", "杭州恒达五金商行"],
            ["SO-2", "C2", "2026-03-02", "P1", "1", "3", "Müller"]]
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    parquet = io.BytesIO()
    frame.to_parquet(parquet)
    files = [("gbk.csv", csv_bytes(rows, encoding="gb18030")),
             ("bom.csv", csv_bytes(rows, encoding="utf-8-sig", delimiter=";")),
             ("utf16.csv", csv_bytes(rows, encoding="utf-16", delimiter="\t")),
             ("book.xlsx", xlsx_bytes(rows)), ("rows.parquet", parquet.getvalue())]
    for name, data in files:
        report = _import(engine, data, name=name)
        assert report.errors == [] and report.rows_read == 2, name
        with session_scope(engine) as s:
            names = dict(s.execute(select(Customer.code, Customer.name)).all())
            assert names == {"C1": "杭州恒达五金商行", "C2": "Müller"}, name
            amounts = dict(s.execute(select(Order.order_no, Order.amount)).all())
            assert amounts == {"SO-1": 21.0, "SO-2": 3.0}, name
    assert counts(engine)["import_batches"] == 1  # the later formats changed nothing


def test_a_concurrent_conflict_is_a_clear_error_and_writes_nothing(engine,  # noqa: ANN001
                                                                   monkeypatch) -> None:
    from sqlalchemy.exc import IntegrityError

    from dashboard.ingest.errors import ImportValidationError

    before = checksum(engine)

    def clash(*_args, **_kwargs) -> None:
        raise IntegrityError("INSERT INTO order_lines ...", {}, Exception("duplicate key"))

    monkeypatch.setattr(run_module, "update_rollups", clash)
    with pytest.raises(ImportValidationError, match="at the same time") as caught:
        _import(engine, csv_bytes([FULL_HEADER, *GOOD]))
    assert caught.value.code == "conflict"
    assert checksum(engine) == before


def test_a_first_import_leaves_every_index_and_constraint_as_declared(engine) -> None:  # noqa: ANN001
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from dashboard.models import Base

    rows = [[f"SO-{i}", f"C{i % 7}", "2026-03-01", f"P{i % 5}", "1", "2"] for i in range(200)]
    assert _import(engine, line_rows(*rows)).created["lines"] == 200
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    duplicate = line_rows(["SO-1", "C1", "2026-03-01", "P1", "5", "2"])
    assert _import(engine, duplicate).updated["lines"] == 1  # the unique key works again
