"""Duplicate customer records planted in the demo (SPEC "Duplicate customers"): the same
business entered twice, as happens when a shop is created again by another rep or imported
from a second system. :data:`PLANTS` records of existing customers are rewritten as copies of
others, in three kinds, taking turns:

- ``phone``: the same phone and the name spelt another way (spaces, case);
- ``legal``: the name with its legal form dropped or added (有限公司 / 商行 / Co., Ltd.),
  the record's own contacts;
- ``email``: the same e-mail address with its mailbox in capitals, one character of the name
  changed.

Contact details stay in the demo's safe forms (phones ``100…``, addresses ``….example``).

The number of customers does not change; the copies keep their own orders (the business
bought under both records).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

PLANTS = 20
KINDS = ("phone", "legal", "email")
_LEGAL_END = re.compile(r"(有限公司|商行|店|经营部|门市部|,? Co\., Ltd\.)$")


def _spelt_otherwise(name: str) -> str:
    if name.isascii():
        return name.upper().replace("CO., LTD.", "CO LTD")
    return name[:2] + " " + name[2:]


def _legal_form_changed(name: str) -> str:
    if _LEGAL_END.search(name):
        return _LEGAL_END.sub("", name).strip()
    return name + (" Co., Ltd." if name.isascii() else "有限公司")


def _typo(name: str, rng: np.random.Generator) -> str:
    where = int(rng.integers(2, max(3, len(name) - 1)))
    replacement = "x" if name.isascii() else "兴"
    return name[:where] + replacement + name[where + 1:]


def _email_otherwise(email: str) -> str:
    box, _at, domain = email.partition("@")
    return f"{box.upper()}@{domain}"


def plant_duplicates(rng: np.random.Generator, customers: pd.DataFrame,
                     plants: int = PLANTS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``customers`` with ``plants`` records rewritten as copies of others, and the planted
    pairs (original id, copy id, kind)."""
    n = len(customers)
    plants = min(plants, n // 4)
    has_both = (customers["phone"].notna() & customers["email"].notna()).to_numpy()
    originals = rng.choice(np.flatnonzero(has_both), size=plants, replace=False)
    others = np.setdiff1d(np.arange(n), originals)
    copies = rng.choice(others, size=plants, replace=False)
    out = customers.copy()
    rows = []
    for k, (orig, copy) in enumerate(zip(originals, copies, strict=True)):  # 20 rows
        kind = KINDS[k % len(KINDS)]
        source = customers.iloc[orig]
        name, phone, email = (out.iloc[copy][c] for c in ("name", "phone", "email"))
        if kind == "phone":
            name, phone = _spelt_otherwise(source["name"]), source["phone"]
        elif kind == "legal":
            name = _legal_form_changed(source["name"])
        else:
            name, email = _typo(source["name"], rng), _email_otherwise(source["email"])
        position = out.index[copy]
        out.loc[position, ["name", "phone", "email"]] = [name, phone, email]
        rows.append((int(source["id"]), int(out.loc[position, "id"]), kind))
    return out, pd.DataFrame(rows, columns=["original_id", "copy_id", "kind"])


__all__ = ["KINDS", "PLANTS", "plant_duplicates"]
