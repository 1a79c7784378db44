"""Every reason the importer gives for a row problem, declared once as an English template
with named values: the command line prints the English sentence (``RowError.reason``); the
import page reads it back as a key and its values (:func:`reason_key`) and words it in the
reader's language through the catalogs (``layouts/import_parts.py``). A test feeds the importer
a file with every kind of bad row and checks that each reason it gives is declared here."""

from __future__ import annotations

import re
from functools import cache

REASONS: dict[str, str] = {
    "not_a_number": "not a number",
    "number_too_large": "number too large",
    "not_a_date": "not a date (use e.g. 2026-03-01)",
    "date_out_of_range": "date out of range (1900-2100)",
    "not_a_month": "not a month (use e.g. 2026-03)",
    "month_out_of_range": "month out of range (1900-2100)",
    "unknown_customer_type": "unknown customer type (use {types})",
    "not_an_email": "not an e-mail address",
    "not_a_phone": "not a phone number",
    "too_long": "longer than {width} characters",
    "negative_price": "negative price",
    "negative_cost": "negative cost",
    "negative_target": "negative target",
    "too_many_values": "the row has {values} values but the header has {columns} columns",
    "blank_required": "blank required value",
    "duplicated": "duplicated {what} (also on row {row})",
    "unknown_customer": "unknown customer (import the customer first)",
    "outside_team": "customer outside your team",
    "zero_quantity": "zero quantity",
    "signs_differ": "amount and quantity have different signs",
    "order_disagrees": "the rows of order {order} disagree on the {what} (row {row} has "
                       "'{value}')",
}
# the things a duplicated or disagreeing row names (``{what}`` above)
WHATS = ("target for this customer and month", "customer code", "product code", "order line",
         "customer", "date")


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for key, template in REASONS.items():
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(template))
        found.append((key, re.compile(f"^{pattern}$", re.DOTALL)))
    return found


def reason_key(text: str) -> tuple[str, dict[str, str]] | None:
    """The key of ``text`` (an English reason) and its values; None for a text not declared."""
    for key, pattern in _patterns():
        matched = pattern.match(text)
        if matched:
            return key, matched.groupdict()
    return None


__all__ = ["REASONS", "WHATS", "reason_key"]
