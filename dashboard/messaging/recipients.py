"""Who a campaign can reach, and its holdout group.

A customer cannot be reached on a channel when they opted out of it, have no address for it
or the address is not usable (an SMS needs a phone number of 6 to 15 digits, an e-mail a
plain ``user@domain.tld`` address). Such customers are listed with the reason and recorded
as ``unreachable``: never dropped silently. The ``log`` channel (demo) reaches everyone, at
their e-mail, phone or, failing both, their customer code.

The holdout group is drawn from the reachable customers only (so that it is comparable with
the customers who get the message), exactly ``round(n × pct / 100)`` of them, reproducibly
from a seed.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from dashboard.errors import ValidationError

CHANNELS = ("sms", "email", "log")
MAX_HOLDOUT_PCT = 50.0
REASONS = {
    "opted_out": "opted out of this channel",
    "no_address": "no address for this channel",
    "invalid_address": "address not usable",
}
_PHONE = r"^\+?[0-9]{6,15}$"
_EMAIL = (r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
          r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_PHONE_SEPARATORS = r"[\s().\-/]"


def check_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise ValidationError("unknown channel", details=[
            f"Channel must be one of {', '.join(CHANNELS)}."])
    return channel


def _text(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna(), "").astype(str).str.strip()


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(False, index=frame.index)
    return frame[column].astype(object).where(frame[column].notna(), False).astype(bool)


def normalise_phone(phone: pd.Series) -> pd.Series:
    return _text(phone).str.replace(_PHONE_SEPARATORS, "", regex=True)


def reachability(customers: pd.DataFrame, channel: str) -> pd.DataFrame:
    """``customers`` (``customer_id``, ``code``, ``phone``, ``email``, ``opt_out_sms``,
    ``opt_out_email``) with ``address`` (where the message goes) and ``reason`` (a key of
    :data:`REASONS`; empty when the customer can be reached) and ``reason_text``."""
    check_channel(channel)
    if channel == "log":
        email, phone = _text(customers["email"]), _text(customers["phone"])
        address = email.where(email != "", phone.where(phone != "", _text(customers["code"])))
        reason = pd.Series("", index=customers.index, dtype=object)
    else:
        if channel == "sms":
            address, pattern, opted = normalise_phone(customers["phone"]), _PHONE, "opt_out_sms"
        else:
            address, pattern, opted = _text(customers["email"]), _EMAIL, "opt_out_email"
        usable = address.str.match(pattern) & (address.str.len() <= 254)
        reason = pd.Series(
            np.select([_flag(customers, opted).to_numpy(), (address == "").to_numpy(),
                       ~usable.to_numpy()],
                      ["opted_out", "no_address", "invalid_address"], default=""),
            index=customers.index, dtype=object)
    return customers.assign(
        address=address.astype(object),
        reason=reason,
        reason_text=reason.map(lambda r: REASONS.get(r, "")).astype(object),
    )


def check_holdout_pct(pct: float | None) -> float:
    try:
        value = float(pct or 0)
    except (TypeError, ValueError):
        value = -1.0
    if not 0 <= value <= MAX_HOLDOUT_PCT:
        raise ValidationError("invalid holdout", details=[
            f"The holdout group must be 0 to {MAX_HOLDOUT_PCT:g} % of the recipients."])
    return value


def holdout_size(n: int, pct: float) -> int:
    """``round(n × pct / 100)``, halves rounded up."""
    return int(np.floor(n * pct / 100 + 0.5 + 1e-9))


def seed_from(text: str) -> int:
    """A 64-bit seed derived from ``text`` (the campaign's intent key)."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def pick_holdout(customer_ids: np.ndarray | list[int], pct: float, seed: int) -> np.ndarray:
    """A boolean mask over ``customer_ids``: True for the holdout group. The draw depends
    only on the set of ids, the percentage and the seed (not on their order)."""
    ids = np.asarray(customer_ids, dtype="int64")
    k = holdout_size(len(ids), pct)
    mask = np.zeros(len(ids), dtype=bool)
    if k == 0:
        return mask
    order = np.argsort(ids, kind="stable")
    chosen = np.random.default_rng(seed).choice(len(ids), size=k, replace=False)
    mask[order[chosen]] = True
    return mask
