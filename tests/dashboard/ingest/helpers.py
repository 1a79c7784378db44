"""Builders shared by the importer's tests: files made on the fly, database checksums."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence

from sqlalchemy import Engine, select

from dashboard.db import session_scope
from dashboard.models import Base

LINE_HEADER = ["order_id", "customer", "order_date", "product", "quantity", "unit_price"]


def csv_bytes(rows: Iterable[Sequence[object]], *, delimiter: str = ",", encoding: str = "utf-8",
              newline: str = "\n") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def line_rows(*rows: Sequence[object], header: Sequence[str] = LINE_HEADER) -> bytes:
    return csv_bytes([list(header), *rows])


def xlsx_bytes(rows: Iterable[Sequence[object]], *, sheet: str = "Sheet1") -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bytes(entries: dict[str, bytes], *, level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=level) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def checksum(engine: Engine) -> str:
    """A digest of every row of every table: equal digests mean equal databases."""
    digest = hashlib.sha256()
    with session_scope(engine) as session:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            for row in session.execute(select(table).order_by(*order)):
                digest.update(repr((table.name, tuple(row))).encode())
    return digest.hexdigest()


def counts(engine: Engine) -> dict[str, int]:
    from sqlalchemy import func

    with session_scope(engine) as session:
        return {t.name: int(session.execute(select(func.count()).select_from(t)).scalar_one())
                for t in Base.metadata.sorted_tables}
