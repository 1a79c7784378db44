"""Tables people open in a spreadsheet: one writer for every page's export.

A :class:`Table` is a frame of raw values with typed :class:`Column` s. Written for a reader
(``to_csv`` / ``to_xlsx``), the headers are the columns' titles in the reader's language and a
coded value (a status, a tier movement, a customer type, an outcome) is shown in words from
the column's word list, in that language. Numbers stay numbers (rounded to the column's
digits; in XLSX numeric cells with a number format), dates stay dates (``2026-11-30`` in CSV,
date cells in XLSX). Every text cell is formula-safe: in CSV through
``dashboard.reports.csv.safe_text`` (a leading apostrophe before ``= + - @ ...``), in XLSX the
same apostrophe *and* the cell written as a string, so a spreadsheet never evaluates it.

The machine-readable export (``cockpit export customers``, ``dashboard.reports.customers``)
keeps its fixed English column names and does not go through here.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from dashboard.i18n import translate
from dashboard.reports.csv import safe_text
from dashboard.reports.words import YES_NO

KINDS = ("text", "int", "number", "date", "datetime", "bool")
FORMATS = ("csv", "xlsx")
EXPORTS_PREFIX = "/exports/"
MIME = {"csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_NUMBER_FORMATS = {"int": "#,##0", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss"}
_BOOL_WORDS = YES_NO


@dataclass(frozen=True)
class Column:
    """One column: ``key`` in the frame, ``title`` a message id (translated on writing) or,
    with ``literal=True``, a title written as is (a scheme's own title); ``words`` maps a
    coded value to the message id of its words; ``derive`` computes the column from the rows
    in the reader's language (a sentence such as the churn reason)."""

    key: str
    title: str
    kind: str = "text"
    digits: int = 2
    words: Mapping[Any, str] | None = None
    literal: bool = False
    derive: Callable[[pd.DataFrame, str], pd.Series] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    def heading(self, language: str) -> str:
        return self.title if self.literal else translate(self.title, language)


@dataclass(frozen=True)
class Table:
    """Rows (a frame holding at least every column's ``key``) and how to show them."""

    name: str  # the file name without extension
    columns: tuple[Column, ...]
    rows: pd.DataFrame = field(repr=False)
    sheet: str = "Export"  # message id of the worksheet's name

    def __len__(self) -> int:
        return len(self.rows)

    def filename(self, fmt: str) -> str:
        return f"{self.name}.{fmt}"

    def headings(self, language: str) -> list[str]:
        return [c.heading(language) for c in self.columns]

    def values(self, language: str) -> list[list[Any]]:
        """The cells row by row as Python values (None when missing): words for coded
        values, rounded floats, ints, ``datetime.date`` / ``datetime.datetime``."""
        columns = [_column_values(self._source(c, language), c, language)
                   for c in self.columns]
        return [list(row) for row in zip(*columns, strict=True)] if columns else []

    def _source(self, column: Column, language: str) -> pd.Series:
        if column.derive is not None:
            return (column.derive(self.rows, language) if len(self.rows)
                    else pd.Series([], dtype=object))
        if column.key in self.rows:
            return self.rows[column.key]
        return pd.Series([None] * len(self.rows), index=self.rows.index, dtype=object)

    def to_csv(self, language: str) -> bytes:
        """UTF-8 CSV with a BOM, formula-safe."""
        frame = pd.DataFrame(
            [[_csv_cell(v, c) for v, c in zip(row, self.columns, strict=True)]
             for row in self.values(language)],
            columns=self.headings(language), dtype=object)
        if frame.empty:
            frame = pd.DataFrame(columns=self.headings(language))
        return ("\ufeff" + frame.to_csv(index=False, lineterminator="\n")).encode("utf-8")

    def to_xlsx(self, language: str) -> bytes:
        """One worksheet: a bold header row (frozen), typed cells."""
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_sheet_title(translate(self.sheet, language)))
        sheet.freeze_panes = "A2"
        for position, heading in enumerate(self.headings(language), start=1):
            sheet.column_dimensions[_letter(position)].width = min(max(10, len(heading) + 4),
                                                                   48)
        bold = Font(bold=True)
        header = []
        for heading in self.headings(language):
            cell = WriteOnlyCell(sheet, value=safe_text(heading))
            cell.data_type = "s"
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        styles = [_number_style(sheet, c) for c in self.columns]
        for row in self.values(language):
            sheet.append([_xlsx_cell(sheet, v, c, styles[i])
                          for i, (v, c) in enumerate(zip(row, self.columns, strict=True))])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def write(self, fmt: str, language: str) -> bytes:
        if fmt not in FORMATS:
            raise ValueError(f"unknown export format {fmt!r}")
        return self.to_csv(language) if fmt == "csv" else self.to_xlsx(language)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _column_values(values: pd.Series, column: Column, language: str) -> list[Any]:
    kind = column.kind
    if kind == "number":
        numbers = pd.to_numeric(values, errors="coerce").astype("float64").round(column.digits)
        return [None if math.isnan(v) else float(v) for v in numbers]
    if kind == "int":
        numbers = pd.to_numeric(values, errors="coerce").astype("float64")
        return [None if math.isnan(v) else round(v) for v in numbers]
    if kind in ("date", "datetime"):
        stamps = pd.to_datetime(values, errors="coerce")
        if getattr(stamps.dt, "tz", None) is not None:
            stamps = stamps.dt.tz_localize(None)
        if kind == "date":
            return [None if pd.isna(s) else s.date() for s in stamps]
        return [None if pd.isna(s) else s.to_pydatetime().replace(microsecond=0)
                for s in stamps]
    words = column.words
    if kind == "bool":
        words = {**_BOOL_WORDS, **(words or {})}
    out: list[Any] = []
    cache: dict[Any, str] = {}
    for value in values.tolist():
        if _missing(value):
            out.append(None)
            continue
        if kind == "bool":
            value = bool(value)
        if words is not None and value in words:
            if value not in cache:
                cache[value] = translate(words[value], language)
            out.append(cache[value])
        else:
            out.append(str(value))
    return out


def _csv_cell(value: Any, column: Column) -> Any:
    if value is None:
        return ""
    if column.kind in ("text", "bool"):
        return safe_text(value)
    if column.kind == "number":
        return f"{value:.{column.digits}f}"
    if column.kind == "datetime":
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value.isoformat() if isinstance(value, dt.date) else value


def _number_style(sheet: Any, column: Column) -> Any:
    """The style of a column's numeric or date cells (built once, copied into each cell)."""
    if column.kind in ("text", "bool"):
        return None
    prototype = WriteOnlyCell(sheet)
    prototype.number_format = _NUMBER_FORMATS.get(column.kind) or (
        "#,##0." + "0" * column.digits if column.digits else "#,##0")
    return prototype._style  # noqa: SLF001 - openpyxl's style array, copied per cell


def _xlsx_cell(sheet: Any, value: Any, column: Column, style: Any) -> Any:
    if value is None:
        return None
    if column.kind in ("text", "bool"):
        # a plain string is a string cell; openpyxl reads only a leading "=" as a formula,
        # and safe_text has already put an apostrophe before one
        return safe_text(value)
    cell = WriteOnlyCell(sheet, value=value)
    cell._style = copy.copy(style)  # noqa: SLF001
    return cell


def _letter(position: int) -> str:
    letters = ""
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_title(title: str) -> str:
    """A worksheet name Excel accepts (≤ 31 characters, none of ``[]:*?/\\``)."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip() or "Export"
    return clean[:31]


def export_url(table: str, fmt: str, **query: Any) -> str:
    """The address of a page's export (``dashboard.web.table_exports``)."""
    params = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{EXPORTS_PREFIX}{table}.{fmt}" + (f"?{urlencode(params)}" if params else "")


__all__ = ["EXPORTS_PREFIX", "FORMATS", "KINDS", "MIME", "Column", "Table", "export_url"]
