"""Turn a :class:`~dashboard.ingest.readers.RawTable` into typed, checked rows.

Every check is vectorised and reports each bad cell with its spreadsheet row number, the
file's column name, the value and the reason. A row with any error is rejected as a whole;
``accepted + rejected == rows read`` always holds (blank lines are not rows).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.ingest import values as parse
from dashboard.ingest.fields import FIELDS
from dashboard.ingest.mapping import ColumnMap
from dashboard.ingest.readers import RawTable

ERROR_COLUMNS = ["row", "column", "value", "reason"]


class ErrorLog:
    """Collects errors as small frames and joins them once."""

    def __init__(self, rows: pd.Series, names: dict[str, str]) -> None:
        self.rows = rows
        self.names = names
        self.parts: list[pd.DataFrame] = []

    def add(self, field_name: str, mask: pd.Series, reason: str | pd.Series,
            values: pd.Series | None = None) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        shown = values if values is not None else pd.Series("", index=mask.index)
        self.parts.append(pd.DataFrame({
            "row": self.rows[mask].to_numpy(),
            "column": self.names.get(field_name, field_name),
            "value": shown[mask].astype("str").to_numpy(),
            "reason": reason[mask].to_numpy() if isinstance(reason, pd.Series) else reason,
        }))

    def add_reasons(self, field_name: str, reasons: pd.Series, values: pd.Series) -> None:
        for reason in reasons[reasons != ""].unique():
            self.add(field_name, reasons == reason, str(reason), values)

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({c: pd.Series([], dtype="int64" if c == "row" else "str")
                                 for c in ERROR_COLUMNS})
        return (pd.concat(self.parts, ignore_index=True)
                .astype({"row": "int64", "column": "str", "value": "str", "reason": "str"})
                .sort_values(["row", "column"], kind="stable")
                .reset_index(drop=True))


@dataclass
class Checked:
    """The rows of one file after parsing and checking. ``frame`` holds every data row with
    typed canonical columns and ``row``; ``bad`` marks the rejected ones."""

    kind: str
    columns: ColumnMap
    frame: pd.DataFrame
    errors: pd.DataFrame
    blank_lines: int = 0
    file_format: str = ""
    encoding: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def mode(self) -> str:
        return self.columns.mode

    @property
    def bad(self) -> pd.Series:
        return self.frame["row"].isin(self.errors["row"])

    @property
    def rows_read(self) -> int:
        return len(self.frame)

    @property
    def rows_rejected(self) -> int:
        return int(self.errors["row"].nunique())

    @property
    def rows_accepted(self) -> int:
        return self.rows_read - self.rows_rejected

    def good(self) -> pd.DataFrame:
        return self.frame.loc[~self.bad]

    def with_errors(self, more: pd.DataFrame) -> Checked:
        if more.empty:
            return self
        errors = (pd.concat([self.errors, more], ignore_index=True)
                  .sort_values(["row", "column"], kind="stable").reset_index(drop=True))
        return Checked(self.kind, self.columns, self.frame, errors, self.blank_lines,
                       self.file_format, self.encoding, self.extra)


_NEGATIVE = {"unit_price": "negative price", "list_price": "negative price",
             "unit_cost": "negative cost", "target": "negative target"}


def _parse_field(name: str, text: pd.Series, log: ErrorLog) -> pd.Series:
    spec = FIELDS[name]
    if spec.parse == "text":
        log.add_reasons(name, parse.too_long(text, spec.max_len or 255), text)
        return text
    parser = {
        "datetime": parse.dates, "date": parse.dates, "month": parse.months,
        "quantity": lambda v: parse.number(v, limit=parse.QUANTITY_LIMIT),
        "price": parse.number, "money": parse.number,
        "customer_type": parse.customer_types, "email": parse.emails,
        "phone": parse.phones, "tags": parse.tags,
    }[spec.parse]
    values, reasons = parser(text)
    if spec.max_len:
        reasons = reasons.mask((reasons == "") & (text.str.len() > spec.max_len),
                               f"longer than {spec.max_len} characters")
    log.add_reasons(name, reasons, text)
    if name in _NEGATIVE:
        log.add(name, values < 0, _NEGATIVE[name], text)
    if spec.parse == "date":
        values = values.dt.normalize()
    return values


def parse_rows(raw: RawTable, columns: ColumnMap) -> tuple[pd.DataFrame, ErrorLog, dict]:
    """Typed canonical columns for every data row, the errors found so far, and the raw
    text of each field (for messages)."""
    rows = pd.Series(raw.rows, dtype="int64")
    log = ErrorLog(rows, columns.names)
    texts = {name: parse.text(raw.frame[pos]) for name, pos in columns.columns.items()}
    frame = pd.DataFrame({name: _parse_field(name, text, log) for name, text in texts.items()},
                         index=rows.index).assign(row=rows.to_numpy())
    overflow = pd.Series(raw.overflow, dtype="int64")
    reason = ("the row has " + overflow.astype("str") + " values but the header has "
              f"{len(raw.headers)} columns")
    log.add("", overflow > 0, reason)
    return frame, log, texts


def require(log: ErrorLog, frame: pd.DataFrame, texts: dict[str, pd.Series],
            names: tuple[str, ...]) -> None:
    """A blank cell in a required column is an error."""
    for name in names:
        if name in texts:
            log.add(name, texts[name] == "", "blank required value")


def duplicates(log: ErrorLog, frame: pd.DataFrame, keys: list[str], field_name: str,
               what: str, texts: dict[str, pd.Series]) -> None:
    """Every row whose ``keys`` repeat another row's is an error naming the other row."""
    usable = pd.concat([texts[k] != "" if k in texts else frame[k].notna() for k in keys],
                       axis=1).all(axis=1)
    dup = usable & frame.duplicated(keys, keep=False)
    if not dup.any():
        return
    d = frame.loc[dup, [*keys, "row"]].sort_values([*keys, "row"])
    grouped = d.groupby(keys, sort=False, dropna=False)["row"]
    first = grouped.transform("first")
    nxt = grouped.shift(-1)
    other = pd.Series(np.where(d["row"] == first, nxt, first), index=d.index).astype("int64")
    reason = ("duplicated " + what + " (also on row " + other.astype("str") + ")").astype("str")
    log.add(field_name, pd.Series(True, index=d.index).reindex(frame.index, fill_value=False),
            reason.reindex(frame.index), texts.get(field_name))


def check_master(kind: str, raw: RawTable, columns: ColumnMap) -> tuple[pd.DataFrame,
                                                                          ErrorLog]:
    """Customers, products and targets: required values, duplicates."""
    frame, log, texts = parse_rows(raw, columns)
    required = {"customers": ("customer",), "products": ("product",),
                "targets": ("customer", "month", "target")}[kind]
    require(log, frame, texts, required)
    if kind == "targets":
        duplicates(log, frame, ["customer", "month"], "month", "target for this customer and "
                   "month", texts)
    else:
        key = required[0]
        duplicates(log, frame, [key], key, f"{key} code", texts)
    return frame, log


def unknown_customers(checked: Checked, known: set[str]) -> pd.DataFrame:
    """Errors for target rows whose customer is not in the database."""
    frame = checked.frame
    found = pd.Index(sorted(known)).get_indexer(frame["customer"]) >= 0
    unknown = (frame["customer"] != "") & ~pd.Series(found, index=frame.index)
    log = ErrorLog(frame["row"], checked.columns.names)
    log.add("customer", unknown, "unknown customer (import the customer first)",
            frame["customer"])
    return log.frame()
