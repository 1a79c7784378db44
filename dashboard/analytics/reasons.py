"""Stored texts: why a customer's place changed (``memberships.reason``) and what an alert says
(``alerts.message``), kept as a key with its values and worded only when shown, in the
reader's language.

A stored text is the JSON object ``{"key":"status.risk_above","args":{"risk":2.5,"limit":2}}``.
The values are data: numbers as numbers (formatted for the reader's locale when shown), dates
as ``YYYY-MM-DD``, figure and scheme-type keys, and the names people typed (band labels, rule
names) as given. :data:`KEYS` lists every key and its values; the words of each key live with
the pages (``layouts/stored_texts.py``). A text that is not a stored object (a row written
before texts were stored this way and not understood by the migration) reads as the key
``text`` with the old words as its value.

Built column by column: the recompute words only the rows that move, but a first run opens a
row per customer and source.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

KEYS: dict[str, tuple[str, ...]] = {
    # memberships of source ``status``
    "status.no_order": (),
    "status.no_order_for": ("days", "limit"),
    "status.risk_above": ("risk", "limit"),
    "status.risk_at_most": ("risk", "limit"),
    "status.no_gap": ("days",),
    # ``abc``: the tier of the period's revenue
    "tier.revenue": ("revenue", "days", "end"),
    "tier.no_revenue": ("days", "end"),
    # ``scheme:<id>``: ``figure`` is the scheme's kind, ``band`` the label its author typed
    "scheme.band": ("band", "figure", "value"),
    "scheme.band_top": ("band", "figure", "top", "value"),
    # ``rule:<id>``: ``figure`` is a rule figure key, ``value`` and ``threshold`` numbers or
    # choice keys (statuses, tiers, moves, customer types)
    "rule.met": ("figure", "value", "operator", "threshold"),
    "rule.met_for": ("figure", "value", "operator", "threshold", "for_days"),
    "rule.waiting": ("figure", "value", "operator", "threshold", "since", "for_days"),
    # alerts: ``rule`` is the rule's name as its author typed it
    "alert.met": ("rule", "figure", "value", "operator", "threshold"),
    "alert.met_for": ("rule", "figure", "value", "operator", "threshold", "for_days"),
    # an old text kept as it was written
    "text": ("text",),
}
TEXT = "text"


def stored_text(key: str, **args: Any) -> str:
    """One stored text (the JSON object) of ``key`` with its values."""
    if key not in KEYS:
        raise KeyError(f"unknown text key {key!r}")
    return json.dumps({"key": key, "args": args}, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False)


def decode(stored: Any) -> tuple[str, dict[str, Any]]:
    """``(key, values)`` of a stored text; ``("text", {"text": ...})`` for an old plain text and
    ``("", {})`` for an empty one."""
    if stored is None or (isinstance(stored, float) and np.isnan(stored)):
        return "", {}
    text = str(stored)
    if not text:
        return "", {}
    if text.startswith("{"):
        try:
            found = json.loads(text)
        except ValueError:
            found = None
        if isinstance(found, dict) and found.get("key") in KEYS and isinstance(
                found.get("args", {}), dict):
            return str(found["key"]), dict(found.get("args") or {})
    return TEXT, {"text": text}


# --- column by column ----------------------------------------------------------------------


def literal(value: Any) -> str:
    """One value as JSON (the same for every row)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def numbers(values: Any, digits: int = 4) -> np.ndarray:
    """Numbers as JSON (rounded to ``digits`` decimals, shortest form: ``2.5``, ``2.0``,
    ``12345.6789``); empty and infinite numbers as ``null``. An object array."""
    array = np.asarray(pd.Series(values).to_numpy(dtype=np.float64, na_value=np.nan))
    finite = np.isfinite(array)
    safe = np.where(finite, array, 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = np.round(safe, digits)
    # + 0.0: no "-0.0"; numbers too large to round (no decimals left) stay as they are
    rounded = np.where(np.isfinite(rounded), rounded, safe) + 0.0
    out = np.array([repr(v) for v in rounded.tolist()], dtype=object)
    out[~finite] = "null"
    return out


def strings(values: Any) -> np.ndarray:
    """Texts as JSON strings (empty as ``null``), encoded once per distinct value."""
    series = pd.Series(values, dtype=object)
    missing = series.isna().to_numpy()
    uniques = pd.unique(series[~missing])
    encoded = {v: literal(str(v)) for v in uniques}
    out = series.map(encoded).to_numpy(dtype=object)
    out[missing] = "null"
    return out


def dates(values: Any) -> np.ndarray:
    """Dates as JSON strings ``"YYYY-MM-DD"``."""
    stamps = pd.to_datetime(pd.Series(values))
    return strings(stamps.dt.strftime("%Y-%m-%d").where(stamps.notna(), None))


def texts(key: str, size: int, args: Mapping[str, np.ndarray | str]) -> np.ndarray:
    """``size`` stored texts of ``key``; ``args`` maps each value's name to its JSON, one per
    row (from :func:`numbers`, :func:`strings`, :func:`dates`) or the same for all
    (:func:`literal`)."""
    if key not in KEYS:
        raise KeyError(f"unknown text key {key!r}")
    out = np.full(size, '{"key":' + literal(key) + ',"args":{', dtype=object)
    for i, (name, value) in enumerate(args.items()):
        out = out + (("," if i else "") + literal(name) + ":") + value
    return out + "}}"


Case = tuple[np.ndarray | None, str, Mapping[str, np.ndarray | str]]


def choose(size: int, cases: list[Case]) -> np.ndarray:
    """One stored text per row: the first case whose condition holds (``None``: every row
    left), each text built only for the rows it is chosen for; rows no case takes are
    empty."""
    out = np.full(size, "", dtype=object)
    left = np.ones(size, dtype=bool)
    for condition, key, args in cases:
        rows = left if condition is None else left & np.asarray(condition, dtype=bool)
        if rows.any():
            picked = {name: value if isinstance(value, str) else np.asarray(value)[rows]
                      for name, value in args.items()}
            out[rows] = texts(key, int(rows.sum()), picked)
        left &= ~rows
    return out


__all__ = ["KEYS", "TEXT", "choose", "dates", "decode", "literal", "numbers", "stored_text", "strings",
           "texts"]
