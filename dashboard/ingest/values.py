"""Vectorised parsers for cell values.

Each parser takes a Series of text (blank is ``""``) and returns the parsed values and a Series
of reasons: ``""`` where the value is fine or blank, else a short phrase saying what is wrong.
Blank cells are left to the caller (required or not). Names and codes are kept exactly as
written apart from surrounding spaces; numbers and dates are read leniently (full-width digits,
thousands separators, Chinese dates) but never guessed.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.analytics.kinds import (
    CUSTOMER_TYPES,
    customer_type_list,
    customer_type_words,
    word_key,
)
from dashboard.i18n import LANGUAGES, translate

MIN_DATE = pd.Timestamp("1900-01-01")
MAX_DATE = pd.Timestamp("2100-12-31 23:59:59")
MONEY_LIMIT = 1e13  # NUMERIC(16, 2)
QUANTITY_LIMIT = 1e10  # NUMERIC(14, 3)

_FORMULA_ESCAPE = r"^'(?=[=+\-@\t\r|%])"
_CURRENCY = r"[\s¥￥$€£元]"
_GROUPED_COMMA = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"
_GROUPED_DOT = r"^[+-]?\d{1,3}(?:\.\d{3})+,\d+$"
_DECIMAL_COMMA = r"^[+-]?\d+,\d+$"
_YMD = (r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
        r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?$")
_COMPACT = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"
_DMY = (r"^(?P<a>\d{1,2})-(?P<b>\d{1,2})-(?P<y>\d{4}|\d{2})"
        r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?$")
_SERIAL = r"^(?P<days>\d{5})(?:\.\d+)?$"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's day 0 (after its 1900 leap-year slip)
_PIVOT = 69  # two-digit years as strptime's %y reads them: 69-99 are 19xx, 00-68 are 20xx
_MONTH = r"^(?P<y>\d{4})-?(?P<m>\d{1,2})$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_PHONE = r"^\+?[\d\s\-().\/]{5,}$"


def _ok(index: pd.Index) -> pd.Series:
    return pd.Series("", index=index, dtype="str")


def _reason(mask: pd.Series, reason: str, current: pd.Series) -> pd.Series:
    return current.mask(mask & (current == ""), reason)


def text(values: pd.Series) -> pd.Series:
    """Cell text without surrounding spaces; a spreadsheet's protective apostrophe before
    ``= + - @`` (added by our own exports) is removed."""
    out = values.astype("str").str.strip()
    escaped = out.str.startswith("'")
    if escaped.any():
        out = out.mask(escaped, out[escaped].str.replace(_FORMULA_ESCAPE, "", regex=True))
    return out


def _arrow(values: pd.Series) -> pa.Array:
    """The values as an Arrow string array, blanks as nulls."""
    arr = pa.array(values.to_numpy(dtype=object) if values.dtype == object else values,
                   type=pa.large_string())
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.large_string()), arr)


def _normalised(values: pd.Series) -> pd.Series:
    """Full-width characters as ASCII (NFKC), for numbers and dates only."""
    return values.str.normalize("NFKC").str.strip()


def number(values: pd.Series, *, limit: float = MONEY_LIMIT) -> tuple[pd.Series, pd.Series]:
    """Numbers as float (blank: NaN). Accepts ``1234.5``, ``1,234.50``, ``1.234,50``,
    ``12,5``, currency signs and full-width digits."""
    blank = values == ""
    try:
        cast = pc.cast(_arrow(values), pa.float64()).to_numpy(zero_copy_only=False)
        parsed = pd.Series(cast, index=values.index, dtype="float64")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        parsed = pd.to_numeric(values.where(~blank), errors="coerce").astype("float64")
    retry = parsed.isna() & ~blank
    if retry.any():
        raw = _normalised(values[retry]).str.replace(_CURRENCY, "", regex=True)
        comma = raw.str.match(_GROUPED_COMMA)
        dot = raw.str.match(_GROUPED_DOT)
        decimal = raw.str.match(_DECIMAL_COMMA) & ~comma
        fixed = raw.where(~comma, raw.str.replace(",", "", regex=False))
        fixed = fixed.where(~dot, raw.str.replace(".", "", regex=False).str.replace(",", "."))
        fixed = fixed.where(~decimal, raw.str.replace(",", ".", regex=False))
        parsed.loc[retry] = pd.to_numeric(fixed, errors="coerce").astype("float64")
    reasons = _ok(values.index)
    finite = np.isfinite(parsed.to_numpy(dtype="float64", na_value=np.nan))
    reasons = _reason(~blank & ~pd.Series(finite, index=values.index), "not a number", reasons)
    reasons = _reason(parsed.abs() >= limit, "number too large", reasons)
    return parsed.where(reasons == ""), reasons


def _ymd_frame(parts: pd.DataFrame) -> pd.Series:
    frame = parts.apply(pd.to_numeric, errors="coerce")
    for col in ("H", "M", "S"):
        if col not in frame:
            frame[col] = 0
    frame = frame.fillna({"H": 0, "M": 0, "S": 0})
    return pd.to_datetime(
        frame.rename(columns={"y": "year", "m": "month", "d": "day", "H": "hour",
                              "M": "minute", "S": "second"})[
            ["year", "month", "day", "hour", "minute", "second"]],
        errors="coerce",
    )


def _date_retry(values: pd.Series) -> pd.Series:
    """The slow path: Chinese and slashed dates, compact ``20260301``, day-first or
    month-first (decided per column from the values that are unambiguous), two-digit years
    (``03/01/19``), Excel serial date-times (``40886.5347``)."""
    raw = (
        _normalised(values)
        .str.replace(r"(?<=\d)\s*[年月]\s*", "-", regex=True)
        .str.replace(r"(?<=\d)\s*[日号]", "", regex=True)
        .str.replace(r"(?<=\d)[/.](?=\d)", "-", regex=True)
        .str.replace(r"(?<=\d)T(?=\d)", " ", regex=True)
        .str.replace(r"(?<=\d)(?:Z|[+-]\d\d:\d\d)$", "", regex=True)
        .str.replace(r"\s+", " ", regex=True)
    )
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    ymd = raw.str.extract(_YMD)
    hit = ymd["y"].notna()
    if hit.any():
        out.loc[hit] = _ymd_frame(ymd.loc[hit])
    compact = raw.str.extract(_COMPACT)
    hit = compact["y"].notna() & out.isna()
    if hit.any():
        out.loc[hit] = _ymd_frame(compact.loc[hit])
    dmy = raw.str.extract(_DMY)
    hit = dmy["y"].notna() & out.isna()
    if hit.any():
        a = pd.to_numeric(dmy.loc[hit, "a"])
        b = pd.to_numeric(dmy.loc[hit, "b"])
        dayfirst = bool((a > 12).any() or not (b > 12).any())
        parts = dmy.loc[hit].rename(columns={"a": "d", "b": "m"} if dayfirst else
                                    {"a": "m", "b": "d"})
        year = pd.to_numeric(parts["y"])
        parts["y"] = year.where(year >= 100, year + np.where(year >= _PIVOT, 1900, 2000))
        out.loc[hit] = _ymd_frame(parts)
    plain = _normalised(values)
    serial = plain.str.fullmatch(_SERIAL) & out.isna()
    if serial.any():  # an Excel date-time that lost its cell format: days since 1899-12-30
        days = pd.to_numeric(plain[serial])
        out.loc[serial] = (_EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).dt.round("s")
    return out


def dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates or date-times (blank: NaT). ISO first (fast), then the other common forms."""
    blank = values == ""
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    for fmt, width in (("%Y-%m-%d", 10), ("%Y-%m-%d %H:%M:%S", 19)):
        todo = parsed.isna() & ~blank
        if not todo.any():
            break
        raw = _arrow(values[todo])
        hit = pc.strptime(raw, format=fmt, unit="us", error_is_null=True)
        # strptime rolls 2026-02-30 over into March: keep zero-padded values whose day is
        # the day written (the rest go the slow, exact way)
        padded = pc.and_(pc.is_valid(hit), pc.equal(pc.utf8_length(raw), width))
        text = pc.if_else(padded, raw, pa.scalar(None, raw.type))
        day = pc.cast(pc.utf8_slice_codeunits(text, 8, 10), pa.int64())
        hit = pc.if_else(pc.equal(pc.day(hit), day), hit, pa.scalar(None, hit.type))
        parsed.loc[todo] = hit.to_numpy(zero_copy_only=False).astype("datetime64[us]")
    retry = parsed.isna() & ~blank
    if retry.any():
        parsed.loc[retry] = _date_retry(values[retry])
    reasons = _ok(values.index)
    reasons = _reason(~blank & parsed.isna(), "not a date (use e.g. 2026-03-01)", reasons)
    reasons = _reason((parsed < MIN_DATE) | (parsed > MAX_DATE),
                      "date out of range (1900-2100)", reasons)
    return parsed.where(reasons == ""), reasons


def months(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The first day of the month named (``2026-03``, ``2026/3``, ``2026年3月``, ``202603``
    or any full date)."""
    blank = values == ""
    raw = (
        _normalised(values)
        .str.replace(r"(?<=\d)\s*年\s*", "-", regex=True)
        .str.replace(r"(?<=\d)\s*月\s*$", "", regex=True)
        .str.replace(r"(?<=\d)[/.](?=\d)", "-", regex=True)
    )
    parts = raw.str.extract(_MONTH)
    hit = parts["y"].notna()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    if hit.any():
        out.loc[hit] = _ymd_frame(parts.loc[hit].assign(d="1"))
    rest = ~hit & ~blank
    if rest.any():
        full, _ = dates(values.where(rest, ""))
        out.loc[rest] = full[rest].dt.to_period("M").dt.to_timestamp()
    reasons = _reason(~blank & out.isna(), "not a month (use e.g. 2026-03)", _ok(values.index))
    reasons = _reason((out < MIN_DATE) | (out > MAX_DATE), "month out of range (1900-2100)",
                      reasons)
    return out.where(reasons == ""), reasons


@functools.cache
def _type_words() -> dict[str, str]:
    """Accepted word → customer type: the registry's words and the word the pages show for
    each type in every language (read from the catalogs, so a changed translation is
    accepted as soon as it shows)."""
    return customer_type_words((code, translate(kind.label, language))
                               for code, kind in CUSTOMER_TYPES.items()
                               for language in LANGUAGES)


def customer_types(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Retail, Trade or Distributor from any word the product shows for a type, in either
    language (Retail / 零售, Trade / 批发 / 贸易, Distributor / 分销商), or a usual synonym
    (retailer, wholesaler, dealer, 经销商, 代理商 ...: ``dashboard.analytics.kinds``);
    case, full-width forms and spaces do not matter; blank stays blank."""
    codes, uniques = pd.factorize(values)
    words = _type_words()
    keys = [word_key(word) for word in uniques]  # the few distinct words, not every row
    known = np.array([words.get(key) for key in keys] + [None], dtype=object)
    blank = np.array([key == "" for key in keys] + [True])
    parsed = pd.Series(known[codes], index=values.index, dtype="str")
    bad = pd.Series(~blank[codes], index=values.index) & parsed.isna()
    reasons = _reason(bad, f"unknown customer type (use {customer_type_list()})", _ok(values.index))
    return parsed.fillna("").astype("str"), reasons


def emails(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    bad = (values != "") & ~values.str.match(_EMAIL)
    return values, _reason(bad, "not an e-mail address", _ok(values.index))


def phones(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    digits = values.str.count(r"\d")
    bad = (values != "") & (~values.str.match(_PHONE) | (digits < 5))
    return values, _reason(bad, "not a phone number", _ok(values.index))


def tags(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Tags separated by commas (also ，;；、), stored comma-separated."""
    cleaned = values.str.replace(r"\s*[,，;；、]\s*", ",", regex=True).str.strip(",")
    return cleaned, _ok(values.index)


def too_long(values: pd.Series, width: int) -> pd.Series:
    return _reason(values.str.len() > width, f"longer than {width} characters",
                   _ok(values.index))
