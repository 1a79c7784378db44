"""``cockpit import`` end to end: the summary, exit codes and what lands in the database."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from dashboard.cli import main
from dashboard.db import make_engine, session_scope
from dashboard.models import Customer, Order
from tests.dashboard.ingest.helpers import csv_bytes

ERP_ROWS = [["单据编号", "单据日期", "客户编码", "客户名称", "商品编码", "商品名称", "数量", "单价",
             "金额", "经手人", "往来单位类型"],
            ["XS-001", "2026-03-01", "K001", "杭州恒达五金商行", "SP01", "螺栓", "10", "1.5", "15",
             "王芳", "批发"],
            ["XS-001", "2026-03-01", "K001", "杭州恒达五金商行", "SP02", "螺母", "20", "0.5", "10",
             "王芳", "批发"],
            ["XS-002", "2026-03-02", "", "", "SP01", "螺栓", "-2", "1.5", "-3", "", ""]]


def _invoke(database_url: str, tmp_path: Path, *args: str):  # noqa: ANN202
    env = {"COCKPIT_DATABASE_URL": database_url, "COCKPIT_DATA_DIR": str(tmp_path / "data")}
    return CliRunner().invoke(main, ["import", *args], env=env, catch_exceptions=False)


def test_cli_imports_a_gbk_erp_export_with_a_mapping(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "销售单.csv"
    path.write_bytes(csv_bytes(ERP_ROWS, encoding="gbk"))
    result = _invoke(database_url, tmp_path, "orders", str(path), "--map",
                     "customer_type=往来单位类型")
    assert result.exit_code == 0, result.output
    assert "Imported orders from 销售单.csv (csv, gb18030, line-level rows)" in result.output
    assert "Rows: 3 read, 3 accepted, 0 rejected, 3 written (1 anonymous, 1 returns)" \
        in result.output
    assert "customer_type <- '往来单位类型'" in result.output
    assert "orders 2 new; lines 3 new" in result.output
    engine = make_engine(database_url)
    with session_scope(engine) as s:
        customer = s.execute(select(Customer)).scalar_one()
        assert (customer.code, customer.name, customer.customer_type) == (
            "K001", "杭州恒达五金商行", "Trade")
        assert dict(s.execute(select(Order.order_no, Order.amount)).all()) == {
            "XS-001": 25.0, "XS-002": -3.0}
    engine.dispose()
    again = _invoke(database_url, tmp_path, "orders", str(path), "--map",
                    "customer_type=往来单位类型")
    assert again.exit_code == 0 and "nothing changed" in again.output


def test_cli_strict_rejection_and_skip_bad(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    rows = [r[:] for r in ERP_ROWS]
    rows[2][1] = "2026-02-30"
    path.write_bytes(csv_bytes(rows))
    result = _invoke(database_url, tmp_path, "orders", str(path))
    assert result.exit_code == 1
    assert "REJECTED: nothing was written" in result.output
    assert "row 3, column '单据日期': not a date" in result.output
    result = _invoke(database_url, tmp_path, "orders", str(path), "--skip-bad")
    assert result.exit_code == 0
    assert "Rows: 3 read, 1 accepted, 2 rejected, 1 written" in result.output
    assert "the rows of order XS-001 disagree on the date" in result.output


def test_cli_dry_run_and_unusable_files(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes(ERP_ROWS))
    result = _invoke(database_url, tmp_path, "orders", str(path), "--dry-run")
    assert result.exit_code == 0 and "Preview of orders" in result.output
    result = _invoke(database_url, tmp_path, "orders", str(path), "--map", "colour=数量")
    assert result.exit_code == 2 and "Unknown field 'colour'" in result.output
    fake = tmp_path / "orders.xlsx"
    fake.write_bytes(b"<html><body>export</body></html>")
    result = _invoke(database_url, tmp_path, "orders", str(fake))
    assert result.exit_code == 2 and "web page" in result.output
    result = _invoke(database_url, tmp_path, "orders", str(path), "--encoding", "ascii")
    assert result.exit_code == 2 and "not valid ascii text" in result.output


def test_the_readme_example_imports_as_documented(database_url: str, tmp_path: Path) -> None:
    fixture = Path(__file__).resolve().parents[2] / "data" / "import" / "销售明细表_gbk.csv"
    maps = ["--map", "customer=往来单位编号", "--map", "customer_name=往来单位", "--map",
            "region=部门"]
    preview = _invoke(database_url, tmp_path, "orders", str(fixture), *maps, "--dry-run")
    assert preview.exit_code == 0 and "Rows: 5 read, 5 accepted, 0 rejected" in preview.output
    result = _invoke(database_url, tmp_path, "orders", str(fixture), *maps)
    assert result.exit_code == 0, result.output
    assert "(1 anonymous, 1 returns)" in result.output
    assert "customers 2 new; products 3 new; reps 2 new; orders 4 new; lines 5 new" \
        in result.output
    engine = make_engine(database_url)
    with session_scope(engine) as s:
        names = dict(s.execute(select(Customer.code, Customer.region)).all())
        assert names == {"K001": "华东", "K002": "华东"}
        amounts = dict(s.execute(select(Order.order_no, Order.amount)).all())
        assert amounts["XS-2026-0301-001"] == 47.0 and amounts["XT-2026-0305-001"] == -3.5
    engine.dispose()
