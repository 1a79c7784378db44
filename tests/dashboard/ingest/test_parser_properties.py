"""The import parser under 1,000 generated files per property (reliability test 28).

``parse_upload`` is what every upload goes through (the web import's preview, the CLI, the
targets page). For any input it either refuses the file as a whole with
``ImportValidationError`` or accounts for every data row (accepted + rejected = read; read +
blank lines = lines after the header); and what a user wrote in a file comes back unchanged,
whatever the encoding, delimiter and line ending. ``COCKPIT_FUZZ_EXAMPLES`` changes the number
of examples (1,000 by default, also in CI; a nightly run can ask for more)."""

from __future__ import annotations

import io
import os
import string
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.ingest.errors import ImportValidationError
from dashboard.ingest.run import parse_upload
from tests.dashboard.ingest.helpers import csv_bytes, xlsx_bytes

EXAMPLES = int(os.environ.get("COCKPIT_FUZZ_EXAMPLES", "1000"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
KINDS = ("orders", "customers", "products", "targets")
NAMES = ("a.csv", "a.txt", "a.tsv", "a.xlsx", "a.parquet", "a", "a.CSV")
VALID_CSV = csv_bytes([["order_id", "customer", "order_date", "product", "quantity",
                        "unit_price"], ["SO-1", "C1", "2026-03-01", "P1", "2", "9.5"],
                       ["SO-2", "C2", "2026-03-02", "P2", "-1", "3"]])
VALID_XLSX = xlsx_bytes([["customer", "customer_name", "region"], ["C1", "甲", "North"]])


def _accounted(checked, lines_after_header: int | None = None) -> None:  # noqa: ANN001
    assert checked.rows_accepted + checked.rows_rejected == checked.rows_read
    assert checked.rows_accepted == len(checked.good())
    assert set(checked.errors["row"]) <= set(checked.frame["row"])
    if lines_after_header is not None:
        assert checked.rows_read + checked.blank_lines == lines_after_header


def _mutate(base: bytes, edits: list[tuple[int, int]]) -> bytes:
    data = bytearray(base)
    for position, value in edits:
        if data:
            data[position % len(data)] = value
    return bytes(data)


@PROPERTY
@given(st.one_of(st.binary(max_size=400),
                 st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8)
                 .map(lambda edits: _mutate(VALID_CSV, edits)),
                 st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=4)
                 .map(lambda edits: _mutate(VALID_XLSX, edits))),
       st.sampled_from(NAMES), st.sampled_from(KINDS))
def test_any_bytes_raise_only_the_importers_error(data: bytes, name: str, kind: str) -> None:
    try:
        checked = parse_upload(data, name, kind)
    except ImportValidationError as exc:
        assert str(exc)  # a message for the user, never an empty refusal
        return
    _accounted(checked)


@PROPERTY
@given(st.lists(st.tuples(st.one_of(
    st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                     "xl/sharedStrings.xml", "xl/_rels/workbook.xml.rels", "mimetype"]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
            min_size=1, max_size=12)),
    st.one_of(st.binary(max_size=200), st.sampled_from([
        b"<?xml version='1.0'?><workbook/>", b"<sst><si><t>C1</t></si></sst>",
        b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>0</v></c></row></sheetData>"
        b"</worksheet>"]))), max_size=5),
       st.sampled_from(KINDS))
def test_any_zip_archive_named_xlsx_is_read_or_refused(entries, kind: str) -> None:  # noqa: ANN001
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in entries:
            archive.writestr(name, body)
    try:
        checked = parse_upload(buffer.getvalue(), "a.xlsx", kind)
    except ImportValidationError:
        return
    _accounted(checked)


_cell = st.one_of(st.sampled_from(["", "SO-1", "SO-2", "C1", "P1", "2026-03-01", "0", "-1",
                                   "2.5", "x", "2026-02-30", "零售", "1,234.5", " ", "=1+1",
                                   "9" * 30, "NaN", "inf", "2026-03-01 25:00"]),
                  # a bare CR is a line break (old Mac files), which Python's csv writer
                  # leaves unquoted when lines end in LF: a file with one more line
                  st.text(alphabet=string.printable.replace("\r", "") + "客户单价", max_size=8))


@PROPERTY
@given(st.lists(st.lists(_cell, min_size=0, max_size=8), min_size=1, max_size=12),
       st.sampled_from([",", ";", "\t"]), st.sampled_from(["\n", "\r\n"]),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_every_order_row_is_accepted_or_rejected(rows, delimiter: str, newline: str,  # noqa: ANN001
                                                 encoding: str) -> None:
    header = ["order_id", "customer", "order_date", "product", "quantity", "unit_price"]
    data = csv_bytes([header, *rows], delimiter=delimiter, newline=newline, encoding=encoding)
    try:
        checked = parse_upload(data, "orders.csv", "orders")
    except ImportValidationError:
        return
    _accounted(checked, len(rows))


_code = st.text(alphabet=string.ascii_uppercase + string.digits + "-_", min_size=1,
                max_size=12)
_name = st.text(alphabet=string.ascii_letters + string.digits + " .&'()客户贸易商行北京上海é",
                min_size=1, max_size=30).map(str.strip).filter(bool)
_region = st.sampled_from(["", "North", "South", "华东", "華南", "Île-de-France"])


@PROPERTY
@given(st.dictionaries(_code, st.tuples(_name, _region), min_size=1, max_size=15),
       st.sampled_from([",", ";", "\t"]), st.sampled_from(["\n", "\r\n"]),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]),
       st.sampled_from(["csv", "xlsx"]))
def test_what_a_file_says_comes_back_unchanged(customers, delimiter: str, newline: str,  # noqa: ANN001
                                              encoding: str, form: str) -> None:
    rows = [["customer", "customer_name", "region"],
            *[[code, name, region] for code, (name, region) in customers.items()]]
    if form == "xlsx":
        data, name = xlsx_bytes(rows), "customers.xlsx"
    else:
        try:
            data = csv_bytes(rows, delimiter=delimiter, newline=newline, encoding=encoding)
        except UnicodeEncodeError:  # "é" or "Î" has no gb18030 form: not a file a user has
            return
        name = "customers.csv"
    # UTF-8 and UTF-16 are recognised; a legacy encoding is named by the user (the parser
    # asks for it when it cannot be sure)
    checked = parse_upload(data, name, "customers",
                           encoding=encoding if encoding == "gb18030" and form == "csv" else None)
    assert checked.rows_rejected == 0 and checked.rows_read == len(customers)
    back = {r.customer: (r.customer_name, r.region)
            for r in checked.frame.itertuples(index=False)}
    assert back == customers
