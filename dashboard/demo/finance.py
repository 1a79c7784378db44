"""Invoices and payments: the receivables (应收) and overdue amounts (超期) of the demo.

Trade customers and distributors buy on credit: every purchase order gets an invoice due after
the customer's terms (30 or 60 days for trade, 60 or 90 for distributors). Retail shops and
walk-in customers pay cash. Good payers settle before the due date, slow payers a few weeks
late, bad payers much later or never; some invoices are paid in two instalments. Payments
dated after today have not happened yet, so recent invoices are open and some older ones are
overdue now.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NEVER_PAID = np.array([0.01, 0.02, 0.15])  # by payment class: good, slow, bad
LATE_MEAN_DAYS = np.array([0.0, 20.0, 60.0])
INSTALMENT_SHARE = 0.12


def _pay_delay(rng: np.random.Generator, payment: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """Days from issue to the (last) payment; NaN when it is never paid."""
    n = len(payment)
    early = terms * rng.uniform(0.3, 1.0, n)
    late = terms + rng.gamma(2.0, np.maximum(LATE_MEAN_DAYS[payment], 1.0) / 2.0)
    delay = np.where(payment == 0, early, late)
    return np.where(rng.random(n) < NEVER_PAID[payment], np.nan, np.floor(delay))


def build_invoices(rng: np.random.Generator, orders: pd.DataFrame, traits: pd.DataFrame,
                   dates: np.ndarray, first_id: int | None = None) -> pd.DataFrame:
    """Invoices of the credit customers' purchase orders in ``orders`` (columns ``id``,
    ``customer``, ``customer_id``, ``day``, ``amount``, ``has_purchase``), plus the day they
    are (or would be) paid in ``paid_day`` (NaN: never). Without ``first_id`` they are not
    numbered yet (see :func:`numbered`)."""
    cust = orders["customer"].to_numpy()
    at = np.maximum(cust, 0)
    credit = (cust >= 0) & (traits["type_idx"].to_numpy()[at] > 0)
    billable = orders[credit & orders["has_purchase"].to_numpy()
                      & (orders["amount"].to_numpy() > 0)]
    who = billable["customer"].to_numpy()
    terms = traits["terms"].to_numpy()[who]
    day = billable["day"].to_numpy()
    frame = pd.DataFrame({
        "customer_id": billable["customer_id"].to_numpy().astype(np.int64),
        "order_id": billable["id"].to_numpy(),
        "issue_date": dates[day],
        "due_date": dates[day] + terms.astype("timedelta64[D]"),
        "amount": billable["amount"].to_numpy(),
        "paid_day": day + _pay_delay(rng, traits["payment"].to_numpy()[who], terms),
    })
    return frame if first_id is None else numbered(frame, first_id)


def numbered(invoices: pd.DataFrame, first_id: int) -> pd.DataFrame:
    """Give invoices their ids and invoice numbers, from ``first_id`` on."""
    ids = np.arange(first_id, first_id + len(invoices))
    return invoices.assign(id=ids,
                           invoice_no="INV-" + pd.Series(ids, dtype="string").str.zfill(8))


def build_payments(rng: np.random.Generator, invoices: pd.DataFrame, today: int,
                   start: np.datetime64, first_id: int) -> pd.DataFrame:
    """Payments made up to today: one, or two instalments, per paid invoice."""
    paid = invoices[invoices["paid_day"].notna()]
    last_day = paid["paid_day"].to_numpy().astype(np.int64)
    issue_day = (paid["issue_date"].to_numpy().astype("datetime64[D]") - start).astype(np.int64)
    split = rng.random(len(paid)) < INSTALMENT_SHARE
    first_share = np.round(paid["amount"].to_numpy() * rng.uniform(0.4, 0.8, len(paid)), 2)
    first_day = np.maximum(last_day - rng.integers(5, 21, len(paid)), issue_day)
    amount = paid["amount"].to_numpy()
    frame = pd.concat([
        pd.DataFrame({"invoice_id": paid["id"].to_numpy()[split], "day": first_day[split],
                      "amount": first_share[split]}),
        pd.DataFrame({"invoice_id": paid["id"].to_numpy(), "day": last_day,
                      "amount": np.round(np.where(split, amount - first_share, amount), 2)}),
    ], ignore_index=True)
    frame = frame[frame["day"].to_numpy() <= today].sort_values(
        ["day", "invoice_id"], kind="stable")
    return pd.DataFrame({
        "id": np.arange(first_id, first_id + len(frame)),
        "invoice_id": frame["invoice_id"].to_numpy(),
        "paid_date": start + frame["day"].to_numpy().astype("timedelta64[D]"),
        "amount": frame["amount"].to_numpy(),
    })
