"""Which file column holds which canonical field.

``--map field=column`` choices come first; every other field is found by name (the field's own
name or a synonym, see :mod:`dashboard.ingest.fields`). Unknown fields, mapped columns that are
not in the file, two columns that both look like one field and missing required columns are
errors raised before any value is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dashboard.ingest.errors import ImportValidationError
from dashboard.ingest.fields import (
    ACCEPTED,
    FIELDS,
    KINDS,
    LINE_REQUIRED,
    ORDER_OPTIONAL,
    ORDER_REQUIRED,
    REQUIRED,
    SYNONYMS,
    header_key,
    normalise_header,
)

LINE_ONLY = ("product", "quantity", "unit_price", "unit_cost", "product_name", "category",
             "tags", "line_no")


@dataclass(frozen=True)
class ColumnMap:
    """``columns``: field -> header position; ``names``: field -> header as the file shows
    it. ``mode`` is ``line`` or ``order`` for orders (line-level or order-level rows)."""

    kind: str
    columns: dict[str, int]
    names: dict[str, str]
    mode: str = ""
    ignored: list[str] = field(default_factory=list)


def parse_map_options(items: Iterable[str]) -> dict[str, str]:
    """``["customer=客户编码", ...]`` -> ``{"customer": "客户编码"}``."""
    mapping: dict[str, str] = {}
    for item in items:
        name, sep, column = item.partition("=")
        name, column = name.strip(), column.strip()
        if not sep or not name or not column:
            raise ImportValidationError(
                f"--map {item!r} is not of the form FIELD=COLUMN (e.g. customer=客户编码).",
                code="mapping")
        if name in mapping:
            raise ImportValidationError(f"The field {name!r} is mapped twice.", code="mapping")
        mapping[name] = column
    return mapping


def _shown(headers: list[str]) -> str:
    named = [h for h in headers if h]
    text = ", ".join(repr(h) for h in named[:30])
    return text + (f" and {len(named) - 30} more" if len(named) > 30 else "")


def _find_column(headers: list[str], column: str) -> list[int]:
    wanted = normalise_header(column)
    exact = [i for i, h in enumerate(headers) if h == wanted]
    return exact or [i for i, h in enumerate(headers) if h.casefold() == wanted.casefold()]


def _user_columns(kind: str, headers: list[str], user_map: Mapping[str, str]) -> dict[str, int]:
    accepted = ACCEPTED[kind]
    columns: dict[str, int] = {}
    for name, column in user_map.items():
        if name not in accepted:
            raise ImportValidationError(
                f"Unknown field {name!r} in --map for {kind}. The fields are: "
                f"{', '.join(accepted)}.", code="mapping")
        found = _find_column(headers, column)
        if not found:
            raise ImportValidationError(
                f"--map {name}={column}: the file has no column {column!r}. Its columns are: "
                f"{_shown(headers)}.", code="mapping")
        if len(found) > 1:
            raise ImportValidationError(
                f"--map {name}={column}: the file has {len(found)} columns named {column!r}.",
                code="mapping")
        columns[name] = found[0]
    return columns


def _auto_columns(kind: str, headers: list[str], taken: dict[str, int]) -> dict[str, int]:
    keys = [header_key(h) for h in headers]
    used = set(taken.values())
    columns: dict[str, int] = {}
    for name in ACCEPTED[kind]:
        if name in taken:
            continue
        for names in ((name,), SYNONYMS.get(name, ())):
            wanted = {header_key(n) for n in names}
            hits = [i for i, k in enumerate(keys) if k in wanted and i not in used]
            if len(hits) > 1:
                both = " and ".join(repr(headers[i]) for i in hits)
                raise ImportValidationError(
                    f"The columns {both} both look like the field {name!r}; choose one with "
                    f"--map {name}=COLUMN.", code="mapping")
            if hits:
                columns[name] = hits[0]
                break
    return columns


def _required(kind: str, columns: dict[str, int]) -> tuple[str, tuple[str, ...]]:
    if kind != "orders":
        return "", REQUIRED[kind]
    if "product" in columns or any(f in columns for f in ("quantity", "unit_price")):
        price = () if "amount" in columns else ("unit_price",)
        return "line", LINE_REQUIRED + price
    if "amount" in columns:
        return "order", ORDER_REQUIRED
    return "line", LINE_REQUIRED + ("unit_price",)


def resolve_columns(kind: str, headers: list[str],
                    user_map: Mapping[str, str] | None = None, *,
                    exact: bool = False) -> ColumnMap:
    """``exact``: ``user_map`` is the whole mapping (the web import's form, where a field
    left unmapped stays unmapped even if a column is named like it)."""
    if kind not in KINDS:
        raise ImportValidationError(f"Unknown import kind {kind!r}; use one of "
                                    f"{', '.join(KINDS)}.", code="kind")
    taken = _user_columns(kind, headers, user_map or {})
    columns = taken if exact else {**taken, **_auto_columns(kind, headers, taken)}
    mode, required = _required(kind, columns)
    missing = [f for f in required if f not in columns]
    if missing:
        if kind == "orders" and mode == "line" and not any(f in columns for f in LINE_ONLY):
            hint = (" (order rows need either product, quantity and unit_price for one row "
                    "per line, or amount for one row per order)")
        else:
            hint = ""
        wanted = ", ".join(f"{f} ({FIELDS[f].help})" if FIELDS[f].help else f for f in missing)
        raise ImportValidationError(
            f"Missing required column(s) for {kind}: {wanted}{hint}. Map them with "
            f"--map FIELD=COLUMN. The file's columns are: {_shown(headers)}.",
            code="missing_column")
    if mode == "order":
        columns = {f: i for f, i in columns.items() if f in ORDER_REQUIRED + ORDER_OPTIONAL}
    mapped = set(columns.values())
    ignored = [h for i, h in enumerate(headers) if h and i not in mapped]
    return ColumnMap(kind=kind, columns=columns, names={f: headers[i] for f, i in
                                                        columns.items()}, mode=mode,
                     ignored=ignored)


def propose_columns(kind: str, headers: list[str]) -> dict[str, str]:
    """The mapping a file's headers suggest (field -> header), as :func:`resolve_columns`
    finds it, but never raising: a field two columns both look like, or none does, is left
    out for the user to choose (the web import's editable mapping starts from this)."""
    keys = [header_key(h) for h in headers]
    used: set[int] = set()
    proposed: dict[str, str] = {}
    for name in ACCEPTED.get(kind, ()):
        for names in ((name,), SYNONYMS.get(name, ())):
            wanted = {header_key(n) for n in names}
            hits = [i for i, k in enumerate(keys) if k in wanted and i not in used]
            if len(hits) == 1:
                used.add(hits[0])
                proposed[name] = headers[hits[0]]
            if hits:
                break
    return proposed
