"""Excel workbooks (.xlsx), read safely.

Before openpyxl sees a byte, the ZIP directory is checked: at most 10,000 entries, the parts
an .xlsx must have, and no entry that expands far beyond its compressed size (a "zip bomb").
openpyxl then reads in read-only mode, and its XML parsing goes through ``defusedxml``, which
refuses entity tricks such as "billion laughs" (and any XML part that declares a DOCTYPE is
refused before parsing); the reader refuses to run without defusedxml.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib

import numpy as np
import pandas as pd

from dashboard.ingest.errors import ImportValidationError
from dashboard.ingest.raw import RawTable, finish

MAX_ENTRIES = 10_000
MAX_RATIO = 100  # uncompressed / compressed, above which a large entry is refused
RATIO_FLOOR = 10 * 1024 * 1024  # entries smaller than this may compress as well as they like
MAX_UNCOMPRESSED = 2 * 1024**3


def require_defusedxml() -> None:
    """openpyxl parses with defusedxml only when it is installed: make sure it is."""
    import defusedxml  # noqa: F401
    import openpyxl

    if openpyxl.DEFUSEDXML is not True:
        raise ImportValidationError(
            "Excel files cannot be read safely here: the defusedxml package is missing or "
            "disabled (OPENPYXL_DEFUSEDXML).", code="unsafe")


def check_archive(data: bytes) -> None:
    """Refuse ZIP files that are not workbooks, have too many entries or expand too much."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
            RuntimeError) as exc:
        # NotImplementedError: a directory entry asks for a ZIP version Python cannot read
        raise ImportValidationError(f"The Excel file is damaged: {exc}.", code="xlsx") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ImportValidationError(
                f"The Excel file has {len(infos):,} parts (at most {MAX_ENTRIES:,}); it is "
                "not an ordinary workbook.", code="zip_bomb")
        names = {info.filename for info in infos}
        if "mimetype" in names and "xl/workbook.xml" not in names:
            raise ImportValidationError(
                "The file is an OpenDocument spreadsheet (.ods), not an Excel .xlsx "
                "workbook. Save it as .xlsx or CSV.", code="unsupported")
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise ImportValidationError(
                "The file is a ZIP archive but not an Excel .xlsx workbook.",
                code="unsupported")
        total = sum(info.file_size for info in infos)
        if total > MAX_UNCOMPRESSED or any(_bomb(info) for info in infos):
            raise ImportValidationError(
                "The Excel file expands to far more data than its size suggests (a "
                "compression bomb) and was not opened.", code="zip_bomb")
        if any(_declares_doctype(archive, info) for info in infos):
            raise ImportValidationError(
                "The Excel file contains XML with a document type declaration, which real "
                "workbooks never have; it was not opened.", code="unsafe")


def _declares_doctype(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """A DOCTYPE (and so any entity trick) can only sit in an XML part's prolog."""
    if not info.filename.endswith((".xml", ".rels", ".vml")):
        return False
    try:
        with archive.open(info) as part:
            head = part.read(16384).upper()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        # a damaged entry (names that differ, a broken stream, an unknown compression or
        # an encrypted part): the file as a whole is refused, with its reason
        raise ImportValidationError(f"The Excel file is damaged: {exc}.", code="xlsx") from None
    return b"<!DOCTYPE" in head or b"<!ENTITY" in head


def _bomb(info: zipfile.ZipInfo) -> bool:
    return info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
        info.compress_size, 1)


def read_xlsx(data: bytes, *, sheet: str | None = None) -> RawTable:
    require_defusedxml()
    check_archive(data)
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged or hostile file raises anything
        raise ImportValidationError(
            f"The Excel file cannot be read: {_reason(exc)}.", code="xlsx") from None
    try:
        return _read_sheet(book, sheet)
    except ImportValidationError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise ImportValidationError(
            f"The Excel file cannot be read: {_reason(exc)}.", code="xlsx") from None
    finally:
        book.close()


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]


def _pick_sheet(book, sheet: str | None):  # noqa: ANN001, ANN202
    names = book.sheetnames
    if sheet is None:
        if not book.worksheets:
            raise ImportValidationError("The workbook has no worksheet.", code="xlsx")
        return book.worksheets[0]
    match = [n for n in names if n == sheet] or [n for n in names if n.casefold() ==
                                                  sheet.casefold()]
    if not match:
        shown = ", ".join(repr(n) for n in names)
        raise ImportValidationError(
            f"The workbook has no sheet {sheet!r}; its sheets are {shown}.", code="sheet")
    return book[match[0]]


def _read_sheet(book, sheet: str | None) -> RawTable:  # noqa: ANN001
    ws = _pick_sheet(book, sheet)
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()
    header: list[str] | None = None
    header_row = 0
    records: list[list[str]] = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = [cell_text(v) for v in values]
        if header is None:
            if any(c.strip() for c in cells):
                header, header_row = _trim(cells), number
            continue
        records.append(cells)
    if header is None:
        raise ImportValidationError("The sheet is empty.", code="empty")
    width = len(header)
    lengths = [len(_trim(r)) for r in records]
    overflow = [n if n > width else 0 for n in lengths]
    fixed = [(r + [""] * width)[:width] for r in records]
    frame = pd.DataFrame(fixed, columns=range(width), dtype="str") if fixed else pd.DataFrame(
        {i: pd.Series([], dtype="str") for i in range(width)})
    return finish("xlsx", header, frame, header_row + 1,
                  overflow=np.asarray(overflow, dtype=np.int64))


def _trim(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def cell_text(value: object) -> str:
    """A cell's value as text, the way the spreadsheet shows it without formatting."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
