"""The table of text cells every reader returns (CSV, XLSX and Parquet alike)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.ingest.fields import normalise_header


@dataclass
class RawTable:
    """``frame`` has integer column labels (header positions) and text values; ``rows``
    holds the spreadsheet row number of each frame row; ``overflow`` the number of values a
    row had when it had more non-empty values than the header has columns (else 0)."""

    format: str
    encoding: str | None
    headers: list[str]
    frame: pd.DataFrame
    rows: np.ndarray
    blank_lines: int = 0
    overflow: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    delimiter: str | None = None

    @property
    def data_rows(self) -> int:
        return len(self.frame)


def finish(fmt: str, headers: list[str], frame: pd.DataFrame, first_row: int, *,
           encoding: str | None = None, overflow: np.ndarray | None = None,
           delimiter: str | None = None) -> RawTable:
    """Number the rows (``first_row`` is the spreadsheet row of frame row 0), drop blank
    rows and build the :class:`RawTable`."""
    frame.columns = range(frame.shape[1])
    rows = np.arange(first_row, first_row + len(frame), dtype=np.int64)
    over = np.zeros(len(frame), dtype=np.int64) if overflow is None else overflow
    blank = over == 0
    for position in frame.columns:
        column = frame[position]
        empty = column == "" if column.dtype == "str" else column.to_numpy(dtype=object) == ""
        blank &= np.asarray(empty, dtype=bool)
    keep = ~blank
    kept = frame.loc[keep] if blank.any() else frame
    return RawTable(
        format=fmt,
        encoding=encoding,
        headers=[normalise_header(h) for h in headers],
        frame=kept.reset_index(drop=True),
        rows=rows[keep],
        blank_lines=int(blank.sum()),
        overflow=over[keep],
        delimiter=delimiter,
    )
