"""Reading files: formats decided by content, encodings, delimiters, row numbers, and the
files that must be refused (disguised, zip bombs, entity tricks, empty)."""

from __future__ import annotations

import io
import time

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.ingest.errors import ImportValidationError
from dashboard.ingest.readers import read_table
from dashboard.ingest.xlsx import MAX_ENTRIES, require_defusedxml
from tests.dashboard.ingest.helpers import csv_bytes, xlsx_bytes, zip_bytes

NAMES = ["杭州恒达五金商行", "Müller & Söhne", "Łódź Hurt", 'Quote "and", comma']


def _records(table) -> list[list[str]]:  # noqa: ANN001
    return table.frame.astype("str").values.tolist()


@pytest.mark.parametrize(("encoding", "text", "shown"), [
    ("utf-8", "code,name\nC1,杭州恒达五金商行\n", "utf-8"),
    ("utf-8-sig", "code,name\nC1,杭州恒达五金商行\n", "utf-8 (with BOM)"),
    ("utf-16", "code,name\nC1,杭州恒达五金商行\n", "utf-16-le (with BOM)"),
    ("gbk", "code,name\nC1,杭州恒达五金商行\n", "gb18030"),
    ("gb18030", "code,name\nC1,杭州恒达五金商行\n", "gb18030"),
    ("cp1252", "code,name\nC1,Müller & Söhne\n", "cp1252"),
])
def test_encodings_are_detected_and_names_kept_exactly(encoding: str, text: str,
                                                        shown: str) -> None:
    table = read_table(text.encode(encoding), "customers.csv")
    assert table.headers == ["code", "name"]
    assert _records(table) == [["C1", text.splitlines()[1].split(",")[1]]]
    assert table.encoding == shown


def test_bom_never_stays_in_a_header() -> None:
    data = "\ufeff\ufeffcode,name\nC1,x\n".encode()
    assert read_table(data, "a.csv").headers == ["code", "name"]


@pytest.mark.parametrize("encoding", ["cp1250", "iso-8859-2"])
def test_a_named_encoding_is_used_as_given(encoding: str) -> None:
    data = "code,name\nC1,Łódź Hurt\n".encode(encoding)
    table = read_table(data, "a.csv", encoding=encoding)
    assert _records(table) == [["C1", "Łódź Hurt"]]


def test_wrong_encoding_is_a_clear_error_naming_it() -> None:
    data = "code,name\nC1,杭州恒达五金商行\n".encode("gbk")
    with pytest.raises(ImportValidationError, match=r"not valid utf-8 text.*line 2"):
        read_table(data, "a.csv", encoding="utf-8")
    with pytest.raises(ImportValidationError, match="Unknown encoding 'klingon'"):
        read_table(data, "a.csv", encoding="klingon")


@pytest.mark.parametrize(("delimiter", "newline"), [(",", "\n"), (";", "\r\n"), ("\t", "\n"),
                                                    ("|", "\r\n")])
def test_delimiters_and_line_ends(delimiter: str, newline: str) -> None:
    rows = [["code", "name", "region"], *[[f"C{i}", n, "East"] for i, n in enumerate(NAMES)]]
    table = read_table(csv_bytes(rows, delimiter=delimiter, newline=newline), "a.csv")
    assert table.delimiter == delimiter
    assert table.headers == ["code", "name", "region"]
    assert _records(table) == [[f"C{i}", n, "East"] for i, n in enumerate(NAMES)]


def test_quoted_multiline_values_and_blank_lines_keep_spreadsheet_row_numbers() -> None:
    data = b'\ncode,note\nC1,"two\r\nlines"\n\n,\nC2,x\n'
    table = read_table(data, "a.csv")
    # header on row 2; the quoted value spans two lines but is one row (3); rows 4 and 5
    # are blank; C2 is row 6
    assert table.rows.tolist() == [3, 6]
    assert _records(table) == [["C1", "two\r\nlines"], ["C2", "x"]]
    assert table.blank_lines == 2


def test_rows_with_more_values_than_the_header_are_marked() -> None:
    data = b"code,name\nC1,a\nC2,b,extra\nC3,c,\n"
    table = read_table(data, "a.csv")
    assert table.rows.tolist() == [2, 3, 4]
    assert table.overflow.tolist() == [0, 3, 0]  # a trailing empty value is harmless


def test_unclosed_quote_is_a_clear_error() -> None:
    with pytest.raises(ImportValidationError, match="check the quotes"):
        read_table(b'code,name\nC1,"open\nC2,b\n', "a.csv")


@pytest.mark.parametrize("data", [b"", b"   \n\r\n", "\ufeff".encode()])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(ImportValidationError, match="empty") as caught:
        read_table(data, "a.csv")
    assert caught.value.code == "empty"


def test_xlsx_typed_cells_become_text_and_rows_keep_sheet_numbers() -> None:
    import datetime as dt

    rows = [[], ["客户编码", "日期", "金额", "数量"],
            ["C1", dt.datetime(2026, 3, 1), 12.5, 3.0],
            [None, None, None, None],
            [1001, dt.datetime(2026, 3, 1, 10, 5), -3, True]]
    table = read_table(xlsx_bytes(rows), "orders.xlsx")
    assert table.format == "xlsx"
    assert table.headers == ["客户编码", "日期", "金额", "数量"]
    assert table.rows.tolist() == [3, 5]
    assert _records(table) == [["C1", "2026-03-01", "12.5", "3"],
                               ["1001", "2026-03-01 10:05:00", "-3", "TRUE"]]


def test_xlsx_sheet_by_name() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["other"])
    second = book.create_sheet("Orders")
    second.append(["code"])
    second.append(["C9"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert _records(read_table(buffer.getvalue(), "a.xlsx", sheet="orders")) == [["C9"]]
    with pytest.raises(ImportValidationError, match="no sheet 'Nope'.*'Sheet', 'Orders'"):
        read_table(buffer.getvalue(), "a.xlsx", sheet="Nope")


def test_parquet_columns_become_text() -> None:
    frame = pd.DataFrame({"code": ["C1", None], "amount": [12.5, 3.0], "qty": [1, 2],
                          "day": pd.to_datetime(["2026-03-01 00:00", "2026-03-02 10:00"])})
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer)
    table = read_table(buffer.getvalue(), "orders.parquet")
    assert table.headers == ["code", "amount", "qty", "day"]
    assert table.rows.tolist() == [2, 3]
    records = _records(table)
    assert records[0][:3] == ["C1", "12.5", "1"] and records[1][:3] == ["", "3", "2"]
    assert records[0][3].startswith("2026-03-01") and records[1][3].startswith(
        "2026-03-02 10:00")


@pytest.mark.parametrize(("data", "name", "looks_like"), [
    (b"<!DOCTYPE html><html><table><tr><td>1</td></tr></table></html>", "orders.xlsx",
     "web page"),
    (b"<html><body>x</body></html>", "orders.csv", "web page"),
    (b"MZ\x90\x00\x03\x00\x00\x00", "orders.xlsx", "Windows program"),
    (b"MZ\x90\x00\x03\x00\x00\x00", "orders.csv", "Windows program"),
    (b"\x7fELF\x02\x01\x01", "orders.csv", "program"),
    (b"%PDF-1.7\n", "orders.xlsx", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "orders.xlsx", ".xls"),
    (b"code,name\nC1,x\n", "orders.xlsx", "text"),
    (b"\x89PNG\r\n\x1a\n", "orders.csv", "PNG"),
    (b"\x1f\x8b\x08\x00", "orders.parquet", "gzip"),
])
def test_files_whose_extension_lies_are_refused(data: bytes, name: str,
                                                looks_like: str) -> None:
    with pytest.raises(ImportValidationError, match=looks_like):
        read_table(data, name)


def test_xlsx_content_with_csv_name_is_refused() -> None:
    with pytest.raises(ImportValidationError, match="named '.csv'.*ZIP"):
        read_table(xlsx_bytes([["a"], ["1"]]), "orders.csv")


def test_zip_that_is_not_a_workbook_is_refused() -> None:
    with pytest.raises(ImportValidationError, match="not an Excel .xlsx workbook"):
        read_table(zip_bytes({"hello.txt": b"hi"}), "orders.xlsx")


def test_xlsx_zip_bomb_is_refused_fast() -> None:
    bomb = zip_bytes({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>",
                      "xl/worksheets/sheet1.xml": b"\0" * (200 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024  # a small file that expands 200 MB
    started = time.perf_counter()
    with pytest.raises(ImportValidationError, match="compression bomb") as caught:
        read_table(bomb, "orders.xlsx")
    assert caught.value.code == "zip_bomb"
    assert time.perf_counter() - started < 2


def test_xlsx_with_too_many_entries_is_refused() -> None:
    entries = {"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}
    entries.update({f"xl/junk/{i}.xml": b"" for i in range(MAX_ENTRIES)})
    with pytest.raises(ImportValidationError, match="parts") as caught:
        read_table(zip_bytes(entries, level=1), "orders.xlsx")
    assert caught.value.code == "zip_bomb"


def test_xlsx_asking_for_an_unknown_zip_version_is_refused_as_damaged() -> None:
    data = bytearray(xlsx_bytes([["customer"], ["C1"]]))
    entry = data.find(b"PK\x01\x02")  # the first central directory entry
    data[entry + 6] = 64  # "version needed to extract": 6.4, which Python cannot read
    with pytest.raises(ImportValidationError, match="damaged") as caught:
        read_table(bytes(data), "customers.xlsx")
    assert caught.value.code == "xlsx"


def _laughs(body: bytes) -> bytes:
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'.encode() for i in range(1, 10))
    return b'<?xml version="1.0"?><!DOCTYPE lolz [' + entities + b"]>" + body


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_billion_laughs_is_refused(part: str) -> None:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["code"], ["C1"]])))
    entries = {n: source.read(n) for n in source.namelist()}
    original = entries[part]
    entries[part] = _laughs(original[original.index(b"?>") + 2:] if original.startswith(
        b"<?xml") else original).replace(b"C1", b"&lol9;")
    started = time.perf_counter()
    with pytest.raises(ImportValidationError, match="document type declaration"):
        read_table(zip_bytes(entries), "orders.xlsx")
    assert time.perf_counter() - started < 2


def test_defusedxml_is_installed_and_used_by_openpyxl() -> None:
    import defusedxml  # noqa: F401
    import openpyxl

    require_defusedxml()
    assert openpyxl.DEFUSEDXML is True


def test_text_with_nul_bytes_is_refused() -> None:
    with pytest.raises(ImportValidationError, match="binary"):
        read_table(b"code\x00name\nC1\x00x\n", "a.csv")


def test_defusedxml_refuses_entities_even_without_the_prescan(monkeypatch) -> None:  # noqa: ANN001
    import zipfile

    from dashboard.ingest import xlsx

    monkeypatch.setattr(xlsx, "_declares_doctype", lambda _archive, _info: False)
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["code"], ["C1"]])))
    entries = {n: source.read(n) for n in source.namelist()}
    sheet = entries["xl/worksheets/sheet1.xml"]
    body = sheet[sheet.index(b"?>") + 2:] if sheet.startswith(b"<?xml") else sheet
    entries["xl/worksheets/sheet1.xml"] = _laughs(body).replace(b"C1", b"&lol9;")
    started = time.perf_counter()
    with pytest.raises(ImportValidationError, match="cannot be read"):
        read_table(zip_bytes(entries), "orders.xlsx")
    assert time.perf_counter() - started < 2


_cells = st.lists(st.lists(st.one_of(st.sampled_from(["", "a", "b,c", 'q"q', "x\ny", "杭州",
                                                     " s ", "1.5"]),
                                     st.text(alphabet='ab,;"\n\r \t', max_size=5)),
                           min_size=3, max_size=3), min_size=1, max_size=8)


@settings(max_examples=80, deadline=None)
@given(_cells)
def test_fast_and_careful_csv_paths_agree(rows: list[list[str]]) -> None:
    """Arrow's reader (plain files) and the row-by-row reader give the same rows and numbers."""
    from dashboard.ingest import readers

    data = csv_bytes([["a", "b", "c"], *rows], newline="\r\n")

    def read(fast: bool):  # noqa: ANN202
        original = readers._arrow_csv
        if not fast:
            readers._arrow_csv = lambda *_args: None
        try:
            table = read_table(data, "a.csv")
        except ImportValidationError as exc:
            return str(exc)
        finally:
            readers._arrow_csv = original
        return _records(table), table.rows.tolist(), table.blank_lines, table.overflow.tolist()

    assert read(True) == read(False)
