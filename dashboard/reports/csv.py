"""CSV files that are safe to open in a spreadsheet.

A text cell that a spreadsheet would read as a formula (starting with ``= + - @ |  %``, a tab,
a carriage return or a NUL, also after leading spaces or quotes) is written with a leading
apostrophe, so it shows as text and never runs; numbers stay numbers (a negative amount is
still numeric). The importer removes that apostrophe again, so an export can be imported back.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import pandas as pd

_FORMULA = re.compile(r"^[\s\"']*[=+\-@|%\t\r\0]")


def safe_text(value: str) -> str:
    """``value`` as a spreadsheet will show it as text."""
    return "'" + value if _FORMULA.match(value) else value


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    text_columns = [c for c in frame.columns
                    if frame[c].dtype == object or isinstance(frame[c].dtype, pd.StringDtype)
                    or isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.assign(**{
        c: frame[c].astype(object).map(lambda v: safe_text(v) if isinstance(v, str) else v)
        for c in text_columns
    })


def write_csv(frame: pd.DataFrame, target: str | Path | IO[str]) -> None:
    """Write ``frame`` as UTF-8 CSV with a BOM (so spreadsheets detect the encoding)."""
    safe = _cells(frame)
    if isinstance(target, (str, Path)):
        safe.to_csv(target, index=False, encoding="utf-8-sig", lineterminator="\n")
    else:
        target.write("\ufeff")
        safe.to_csv(target, index=False, lineterminator="\n")


def iter_csv(frames: Iterable[pd.DataFrame]) -> Iterator[str]:
    """Stream frames (pages of one table) as CSV text chunks: BOM and header once."""
    first = True
    for frame in frames:
        buffer = io.StringIO()
        if first:
            buffer.write("\ufeff")
        _cells(frame).to_csv(buffer, index=False, header=first, lineterminator="\n",
                             quoting=csv.QUOTE_MINIMAL)
        first = False
        yield buffer.getvalue()
