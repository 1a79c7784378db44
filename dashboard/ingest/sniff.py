"""What a file really is, decided by its content (magic bytes), and how its text is encoded.

A file whose name promises one format and whose content is another (a web page saved as
``.xlsx``, a program renamed ``.csv``) is rejected with a message that says what it looks like.
Text encodings: a byte-order mark decides (UTF-8, UTF-16); otherwise UTF-8 if the bytes are
valid UTF-8; otherwise GB18030 (a superset of GBK, what Chinese ERPs export) or cp1252
(Western Windows), when the bytes make clear which one; otherwise the user names it with
``--encoding``.
"""

from __future__ import annotations

import codecs
import re
from pathlib import PurePath

from dashboard.ingest.errors import ImportValidationError

TEXT_EXTENSIONS = {".csv", ".txt", ".tsv", ".tab"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
PARQUET_EXTENSIONS = {".parquet", ".pq"}

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel 97-2003 (.xls) or other Office file"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"SQLite format 3", "a SQLite database"),
)
_MARKUP = re.compile(rb"^\s*<(!doctype\s+html|html|head|body|table|\?xml|meta|div|script)",
                     re.IGNORECASE)

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def detect_format(data: bytes, filename: str) -> str:
    """``csv``, ``xlsx`` or ``parquet``; anything else is an :class:`ImportValidationError`."""
    ext = PurePath(filename or "").suffix.lower()
    blank = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"
    if not data[:4096].strip(blank) and not data.strip(blank):
        raise ImportValidationError("The file is empty.", code="empty")
    found, what = _content_format(data)
    expected = ("xlsx" if ext in XLSX_EXTENSIONS else "parquet" if ext in PARQUET_EXTENSIONS
                else "csv" if ext in TEXT_EXTENSIONS else None)
    if found is None:
        raise ImportValidationError(
            f"The file {_named(filename)}is {what}, not a CSV, Excel (.xlsx) or Parquet file. "
            "Export the data again as .xlsx or CSV.", code="unsupported")
    if expected is not None and expected != found:
        raise ImportValidationError(
            f"The file is named '{ext}' but its content is {what}. Export it again as "
            f"{_label(expected)}, or give it the right extension.", code="disguised")
    return found


def _named(filename: str) -> str:
    return f"'{PurePath(filename).name}' " if filename else ""


def _label(fmt: str) -> str:
    return {"csv": "CSV", "xlsx": "an Excel .xlsx workbook", "parquet": "Parquet"}[fmt]


def _content_format(data: bytes) -> tuple[str | None, str]:
    head = data[:512]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "xlsx", "a ZIP archive (Excel workbook)"
    if head.startswith(b"PAR1"):
        return "parquet", "a Parquet file"
    for magic, what in _BINARY_SIGNATURES:
        if head.startswith(magic):
            return None, what
    text_head = _strip_bom(head)
    if _MARKUP.match(text_head) or _MARKUP.match(_utf16_ascii(head)):
        return None, "a web page or XML document (HTML/XML)"
    if b"\x00" in head and not _is_utf16(head):
        return None, "binary data"
    return "csv", "text (CSV)"


def _strip_bom(data: bytes) -> bytes:
    for bom, _name in BOMS:
        if data.startswith(bom):
            return data[len(bom):]
    return data


def _is_utf16(head: bytes) -> bool:
    return head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def _utf16_ascii(head: bytes) -> bytes:
    return _strip_bom(head).replace(b"\x00", b"") if _is_utf16(head) else b""


def decode_text(data: bytes, encoding: str | None) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read with. ``encoding`` given: exactly
    that one (strict); else detected. Undecodable bytes are an error naming the encoding."""
    if encoding:
        name = _lookup(encoding)
        if name == "utf-8":
            name = "utf-8-sig"
        return _decode(data, name, encoding), encoding
    for bom, name in BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom):], name, name), f"{name} (with BOM)"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    name = guess_legacy_encoding(data)
    return _decode(data, name, name), name


def _lookup(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ImportValidationError(
            f"Unknown encoding '{encoding}'. Use e.g. utf-8, gb18030, gbk, utf-16 or cp1252.",
            code="encoding") from None


def _decode(data: bytes, codec: str, shown: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start : exc.start + 1].hex().upper()
        raise ImportValidationError(
            f"The file is not valid {shown} text: byte 0x{bad} on line {line} cannot be "
            f"read as {shown}. Choose the file's encoding with --encoding (for example "
            "gb18030 for Chinese ERP exports, cp1252 for Western Excel files).",
            code="encoding") from None
    return text.removeprefix("\ufeff")


def guess_legacy_encoding(data: bytes) -> str:
    """GB18030 or cp1252 for bytes that are not UTF-8, when the bytes make clear which.

    Chinese text in GBK comes as pairs of high bytes (both in 0xA1..0xFE for the common
    characters); Western text has accented letters mostly alone between ASCII letters."""
    high = re.findall(rb"[\x80-\xff]+", data)
    n_high = sum(len(run) for run in high)
    paired = sum(len(run) for run in high if _gb2312_pairs(run))
    gb_ok = _decodes(data, "gb18030")
    cp_ok = _decodes(data, "cp1252")
    if gb_ok and (not cp_ok or paired >= 0.95 * n_high):
        return "gb18030"
    if cp_ok and (not gb_ok or paired <= 0.5 * n_high):
        return "cp1252"
    raise ImportValidationError(
        "The file is not UTF-8 and its encoding cannot be told for sure (it could be "
        "GB18030/GBK or cp1252). Name it with --encoding, e.g. --encoding gb18030.",
        code="encoding")


def _gb2312_pairs(run: bytes) -> bool:
    return len(run) % 2 == 0 and all(0xA1 <= b <= 0xFE for b in run)


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True
