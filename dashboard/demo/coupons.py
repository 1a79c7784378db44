"""Coupon templates of the demo, and the codes their redemptions carry on orders."""

from __future__ import annotations

import numpy as np
import pandas as pd

# name, kind, value, minimum spend, validity days, code prefix
TEMPLATES = [
    ("New customer: ¥50 off ¥300", "value", 50.0, 300.0, 30, "WELCOME"),
    ("Welcome back: ¥100 off ¥800", "value", 100.0, 800.0, 30, "BACK"),
    ("Spring restock: 5% off ¥2,000", "percent", 5.0, 2_000.0, 21, "SPRING"),
    ("Double Eleven: ¥200 off ¥2,000", "value", 200.0, 2_000.0, 14, "D11"),
    ("VIP: 8% off ¥20,000", "percent", 8.0, 20_000.0, 45, "VIP"),
]
_ALPHABET = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"))
CODE_LENGTH = 6


def build_coupons(today: np.datetime64, first_id: int) -> pd.DataFrame:
    created = np.datetime64(today, "s") - np.timedelta64(730, "D") + np.arange(
        len(TEMPLATES)) * np.timedelta64(90, "D")
    return pd.DataFrame({
        "id": np.arange(first_id, first_id + len(TEMPLATES)),
        "name": [t[0] for t in TEMPLATES],
        "kind": [t[1] for t in TEMPLATES],
        "value": [t[2] for t in TEMPLATES],
        "min_spend": [t[3] for t in TEMPLATES],
        "validity_days": [t[4] for t in TEMPLATES],
        "code_pattern": [f"{t[5]}-{{random}}" for t in TEMPLATES],
        "created_at": created + np.timedelta64(10, "h"),
    })


def coupon_codes(rng: np.random.Generator, n: int) -> pd.Series:
    """Codes like ``BACK-7KQ2MZ``: a template's prefix and random characters."""
    prefix = np.array([t[5] for t in TEMPLATES], dtype=object)[
        rng.integers(0, len(TEMPLATES), n)]
    letters = _ALPHABET[rng.integers(0, len(_ALPHABET), (n, CODE_LENGTH))]
    random_part = letters.astype("U1").view(f"U{CODE_LENGTH}").ravel()
    return pd.Series(prefix + "-" + random_part.astype(object), dtype="string")
