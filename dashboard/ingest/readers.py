"""Read a CSV, XLSX or Parquet file into a table of text cells.

Every reader returns a :class:`~dashboard.ingest.raw.RawTable`: the header as the file shows
it, one text column per header position (blank cells are ``""``), and for each data row its
number as a spreadsheet shows it (the header is row 1). Blank lines are dropped and counted. Values are parsed later
(:mod:`dashboard.ingest.values`), so every format goes through the same checks.
"""

from __future__ import annotations

import csv
import io
import re
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from dashboard.ingest.errors import ImportValidationError
from dashboard.ingest.raw import RawTable, finish
from dashboard.ingest.sniff import decode_text, detect_format

DELIMITERS = (",", ";", "\t", "|")
_LEADING_BLANK = re.compile(r"(?:[ \t]*(?:\r\n|\n|\r))*")
_FIRST_LINE = re.compile(r"[^\r\n]*")
_SPACE_LINE = re.compile(r"\n[ \t]+\r?\n")
_SPACE_LINE_CR = re.compile(r"\r[ \t]+\r")


def _has_blank_line(body: str) -> bool:
    """Empty or whitespace-only lines (LF, CRLF or CR line ends); substring searches first,
    they are much faster than one regex with alternatives over a large file."""
    return ("\n\n" in body or "\n\r\n" in body or "\r\r" in body
            or _SPACE_LINE.search(body) is not None or _SPACE_LINE_CR.search(body) is not None)


def read_table(data: bytes, filename: str, *, encoding: str | None = None,
               sheet: str | None = None) -> RawTable:
    """Detect the format by content and read the file."""
    fmt = detect_format(data, filename)
    if fmt == "xlsx":
        from dashboard.ingest.xlsx import read_xlsx

        return read_xlsx(data, sheet=sheet)
    if fmt == "parquet":
        return read_parquet(data)
    return read_csv(data, encoding=encoding)


# --- CSV ----------------------------------------------------------------------------------------


def sniff_delimiter(first_line: str) -> str:
    """The candidate that splits the header line into the most fields (comma on a tie)."""
    best, best_n = ",", 1
    for delim in DELIMITERS:
        n = len(next(csv.reader([first_line], delimiter=delim), []))
        if n > best_n:
            best, best_n = delim, n
    return best


def read_csv(data: bytes, *, encoding: str | None = None) -> RawTable:
    text, used = decode_text(data, encoding)
    lead = _LEADING_BLANK.match(text)
    lead_lines = len(text[: lead.end()].splitlines()) if lead else 0
    start, end = (lead.end() if lead else 0), len(text)
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    if end == start:
        raise ImportValidationError("The file is empty.", code="empty")
    trailing_blank = max(len(text[end:].splitlines()) - 1, 0)
    body = text[start:end] + "\n"
    first_line = _FIRST_LINE.match(body).group()
    delimiter = sniff_delimiter(first_line)
    try:
        header = next(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportValidationError(f"The header row cannot be read: {exc}.") from None
    first_row = lead_lines + 2
    encoded = body.encode("utf-8")
    overflow = None
    frame = _arrow_csv(body, encoded, first_line, delimiter, len(header))
    if frame is None:
        try:
            frame = _pandas_csv(encoded, delimiter, len(header))
        except _Ragged:
            frame, overflow = _python_csv(body, delimiter, len(header), first_row)
    table = finish("csv", header, frame, first_row, encoding=used, overflow=overflow,
                   delimiter=delimiter)
    table.blank_lines += trailing_blank
    return table


class _Ragged(Exception):
    """Some row has more values than the header: read again, row by row."""


def _arrow_csv(body: str, encoded: bytes, first_line: str, delimiter: str,
               width: int) -> pd.DataFrame | None:
    """The fast path (Arrow's CSV reader) for files without blank lines or ragged rows,
    whose rows are then numbered one after the other; None sends the file the careful way."""
    if first_line.count('"') % 2 or body.count('"') % 2 or _has_blank_line(body):
        return None  # a quoted header cell over lines, an unclosed quote, or blank lines
    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(encoded),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                              ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return table.to_pandas() if table.num_columns == width else None


def _pandas_csv(encoded: bytes, delimiter: str, width: int) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            frame = pd.read_csv(
                io.BytesIO(encoded), sep=delimiter, header=0, dtype=object, na_filter=False,
                skip_blank_lines=False, index_col=False, engine="c", quotechar='"',
                doublequote=True, encoding="utf-8",
            )
        except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
            raise _Ragged(str(exc)) from None
        except (ValueError, UnicodeError, MemoryError) as exc:
            raise ImportValidationError(f"The CSV file cannot be read: {exc}.") from None
    if frame.shape[1] != width:
        raise _Ragged("header width")
    return frame


def _python_csv(body: str, delimiter: str, width: int,
                first_row: int) -> tuple[pd.DataFrame, np.ndarray]:
    """The careful path: every record read by the csv module; a record with more non-empty
    values than the header is kept (and reported), shorter records are padded."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        line = first_row - 2 + reader.line_num
        raise ImportValidationError(
            f"The CSV file cannot be read near line {line} of the file: {exc} (check the quotes on "
            "that line).", code="csv") from None
    data = records[1:]
    overflow = np.array(
        [len(r) if len(r) > width and any(v.strip() for v in r[width:]) else 0 for r in data],
        dtype=np.int64,
    )
    fixed = [r[:width] + [""] * (width - len(r)) if len(r) != width else r for r in data]
    frame = pd.DataFrame(fixed, columns=range(width), dtype=object) if fixed else pd.DataFrame(
        {i: pd.Series([], dtype=object) for i in range(width)})
    return frame, overflow


# --- Parquet ------------------------------------------------------------------------------------


def read_parquet(data: bytes) -> RawTable:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise ImportValidationError(f"The Parquet file cannot be read: {exc}.",
                                    code="parquet") from None
    columns = {}
    for i, column in enumerate(table.columns):
        try:
            text = pc.cast(column, pa.string())
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
            text = pa.array([None if v is None else str(v) for v in column.to_pylist()],
                            type=pa.string())
        columns[i] = pd.Series(text.to_pandas(), dtype="str").fillna("")
    frame = pd.DataFrame(columns) if columns else pd.DataFrame()
    if frame.empty and table.num_rows:
        frame = pd.DataFrame(index=range(table.num_rows))
    return finish("parquet", [str(n) for n in table.column_names], frame, 2)
