"""The one writer of the pages' exports: headers and coded values in the reader's language,
numbers as numbers and dates as dates (XLSX cells read back with openpyxl), and text that a
spreadsheet would run as a formula kept as text in both formats."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from dashboard.reports.tables import Column, Table, export_url
from dashboard.reports.words import STATUS_NAMES

COLUMNS = (
    Column("code", "Code"),
    Column("status", "Status", words=STATUS_NAMES),
    Column("is_new", "New this period", "bool"),
    Column("revenue", "Revenue", "number", 2),
    Column("orders", "Orders", "int"),
    Column("last_order_date", "Last order", "date"),
    Column("created_at", "Raised", "datetime"),
    Column("scheme_1", "Value tiers =1+1", literal=True),
)


def _table() -> Table:
    rows = pd.DataFrame({
        "code": ["C1", "=HYPERLINK(\"http://x\")", "+86 138", "-2+3", "@SUM(A1)", None],
        "status": ["active", "churning", "lost", "never", "new", "mystery"],
        "is_new": [True, False, None, True, False, True],
        "revenue": [1234.567, -30.0, 0.0, None, 2.005, 1e6],
        "orders": pd.array([3, 0, None, 12, 1, 7], dtype="Int64"),
        "last_order_date": pd.to_datetime(["2026-11-30", None, "2026-01-02", "2025-12-31",
                                           "2026-02-28", "2026-11-01"]),
        "created_at": pd.to_datetime(["2026-11-30 08:15:42.123456", None, None, None, None,
                                      "2026-12-01 23:59:59"], format="ISO8601"),
        "scheme_1": ["A", "B", None, "C", "=cmd|' /C calc'!A0", "D"],
        "ignored": range(6),
    })
    return Table(name="things-2026-11-30", columns=COLUMNS, rows=rows)


def _csv(table: Table, language: str) -> list[list[str]]:
    data = table.to_csv(language)
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _xlsx(table: Table, language: str) -> list[list[object]]:
    book = openpyxl.load_workbook(io.BytesIO(table.to_xlsx(language)))
    sheet = book.worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_csv_headers_and_words_in_both_languages() -> None:
    english, chinese = _csv(_table(), "en"), _csv(_table(), "zh")
    assert english[0] == ["Code", "Status", "New this period", "Revenue", "Orders",
                          "Last order", "Raised", "Value tiers =1+1"]
    assert chinese[0] == ["编号", "状态", "本期新增交易", "销售额", "订单数", "最近交易日期",
                          "发出时间", "Value tiers =1+1"]
    assert [r[1] for r in english[1:]] == ["Active", "Churning", "Lost", "Never traded",
                                          "New this period", "mystery"]
    assert [r[1] for r in chinese[1:]] == ["活跃", "即将流失", "已流失", "从未交易",
                                          "本期新增交易", "mystery"]
    assert [r[2] for r in english[1:]] == ["yes", "no", "", "yes", "no", "yes"]
    assert [r[2] for r in chinese[1:]] == ["是", "否", "", "是", "否", "是"]


def test_csv_numbers_dates_and_missing_values() -> None:
    rows = _csv(_table(), "en")[1:]
    assert [r[3] for r in rows] == ["1234.57", "-30.00", "0.00", "", "2.00", "1000000.00"]
    assert [r[4] for r in rows] == ["3", "0", "", "12", "1", "7"]
    assert [r[5] for r in rows] == ["2026-11-30", "", "2026-01-02", "2025-12-31",
                                    "2026-02-28", "2026-11-01"]
    assert rows[0][6] == "2026-11-30 08:15:42" and rows[1][6] == ""


def test_csv_formula_guard() -> None:
    rows = _csv(_table(), "en")[1:]
    assert [r[0] for r in rows] == ["C1", "'=HYPERLINK(\"http://x\")", "'+86 138", "'-2+3",
                                    "'@SUM(A1)", ""]
    assert rows[4][7] == "'=cmd|' /C calc'!A0"
    assert rows[1][3] == "-30.00"  # a negative number is a number, not a formula


def test_xlsx_cells_are_typed() -> None:
    english = _xlsx(_table(), "en")
    assert english[0][:3] == ["Code", "Status", "New this period"]
    body = english[1:]
    assert [r[3] for r in body] == [1234.57, -30.0, 0, None, 2.0, 1e6]
    assert all(isinstance(r[3], (int, float)) for r in body if r[3] is not None)
    assert [r[4] for r in body] == [3, 0, None, 12, 1, 7]
    assert all(isinstance(r[4], int) for r in body if r[4] is not None)
    assert body[0][5] == dt.datetime(2026, 11, 30) and body[1][5] is None
    assert body[0][6] == dt.datetime(2026, 11, 30, 8, 15, 42)
    assert body[5][6] == dt.datetime(2026, 12, 1, 23, 59, 59)
    chinese = _xlsx(_table(), "zh")
    assert chinese[0][:4] == ["编号", "状态", "本期新增交易", "销售额"]
    assert [r[1] for r in chinese[1:3]] == ["活跃", "即将流失"]


def test_xlsx_number_formats_and_no_formulas() -> None:
    book = openpyxl.load_workbook(io.BytesIO(_table().to_xlsx("en")))
    sheet = book.worksheets[0]
    assert sheet["D2"].number_format == "#,##0.00" and sheet["D2"].data_type == "n"
    assert sheet["E2"].number_format == "#,##0"
    assert sheet["F2"].number_format == "yyyy-mm-dd" and sheet["F2"].is_date
    assert sheet.freeze_panes == "A2"
    texts = [sheet.cell(row=r, column=1) for r in range(2, 7)]
    assert all(c.data_type == "s" for c in texts)
    assert [c.value for c in texts] == ["C1", "'=HYPERLINK(\"http://x\")", "'+86 138",
                                        "'-2+3", "'@SUM(A1)"]
    assert sheet["H6"].value == "'=cmd|' /C calc'!A0" and sheet["H6"].data_type == "s"
    with zipfile_text(_table().to_xlsx("en")) as xml:
        assert "<f>" not in xml  # no formula anywhere in the workbook


class zipfile_text:  # noqa: N801 - a tiny context manager for the sheet's XML
    def __init__(self, data: bytes) -> None:
        import zipfile
        self.archive = zipfile.ZipFile(io.BytesIO(data))

    def __enter__(self) -> str:
        names = [n for n in self.archive.namelist() if n.startswith("xl/worksheets/")]
        return "".join(self.archive.read(n).decode() for n in names)

    def __exit__(self, *_exc: object) -> None:
        self.archive.close()


def test_an_empty_table_still_has_its_headers() -> None:
    table = Table(name="none", columns=COLUMNS, rows=_table().rows.iloc[:0])
    assert _csv(table, "en") == [["Code", "Status", "New this period", "Revenue", "Orders",
                                  "Last order", "Raised", "Value tiers =1+1"]]
    assert _xlsx(table, "zh")[0][0] == "编号" and len(_xlsx(table, "zh")) == 1


def test_formats_and_kinds_are_checked() -> None:
    with pytest.raises(ValueError):
        _table().write("pdf", "en")
    with pytest.raises(ValueError):
        Column("x", "X", "money")
    assert _table().write("csv", "en") == _table().to_csv("en")
    assert _table().filename("xlsx") == "things-2026-11-30.xlsx"
    assert export_url("alerts", "xlsx", status="done") == "/exports/alerts.xlsx?status=done"
    assert export_url("customers", "csv", view="") == "/exports/customers.csv"
