"""A campaign's recipients as a file: one row per customer with the outcome of their message
and their redemption, the column names and status keys fixed (as in the customer export) and
the outcome also in words, in the reader's language. Written through ``reports.csv``, so a
name or message that looks like a spreadsheet formula stays text."""

from __future__ import annotations

import pandas as pd

from dashboard.i18n import N_, translate

OUTCOME_NAMES = {
    "pending": N_("waiting to be sent"),
    "sending": N_("being sent"),
    "sent": N_("sent"),
    "failed": N_("failed"),
    "unknown": N_("outcome unknown: needs a decision"),
    "holdout": N_("held out for comparison"),
    "unreachable": N_("cannot be reached"),
    "cancelled": N_("cancelled (opted out since)"),
}
EXPORT_COLUMNS = ["customer_code", "customer_name", "channel", "address", "status", "outcome",
                  "holdout", "coupon_code", "expires_on", "queued_at", "sent_at", "attempts",
                  "last_error", "redeemed_at", "redeemed_amount", "message"]


def outcome_names(language: str | None = None) -> dict[str, str]:
    """Each outbox status in words, in ``language`` (default: the current one)."""
    return {key: translate(text, language) for key, text in OUTCOME_NAMES.items()}


def _stamp(values: pd.Series, pattern: str) -> pd.Series:
    return pd.to_datetime(values).dt.strftime(pattern)


def recipients_frame(rows: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """The export of a campaign's outbox rows (``dashboard.data.campaigns.OUTBOX_COLUMNS``),
    in outbox order."""
    names = outcome_names(language)
    return pd.DataFrame({
        "customer_code": rows["code"].astype(object),
        "customer_name": rows["name"].astype(object),
        "channel": rows["channel"].astype(object),
        "address": rows["address"].astype(object),
        "status": rows["status"].astype(object),
        "outcome": rows["status"].map(names).astype(object),
        "holdout": rows["is_holdout"].map({True: "yes", False: "no"}).astype(object),
        "coupon_code": rows["coupon_code"].astype(object),
        "expires_on": _stamp(rows["expires_on"], "%Y-%m-%d"),
        "queued_at": _stamp(rows["queued_at"], "%Y-%m-%d %H:%M:%S"),
        "sent_at": _stamp(rows["sent_at"], "%Y-%m-%d %H:%M:%S"),
        "attempts": rows["attempts"].astype("Int64"),
        "last_error": rows["last_error"].astype(object),
        "redeemed_at": _stamp(rows["redeemed_at"], "%Y-%m-%d"),
        "redeemed_amount": rows["redeemed_amount"].astype("float64").round(2),
        "message": rows["message"].astype(object),
    }, columns=EXPORT_COLUMNS)


__all__ = ["EXPORT_COLUMNS", "OUTCOME_NAMES", "outcome_names", "recipients_frame"]
