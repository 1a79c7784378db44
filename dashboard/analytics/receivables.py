"""Receivables (应收) and overdue amounts (超期) as of a date (SPEC.md "Data the product keeps").

Inputs (built by ``dashboard/data``):

``invoices`` — ``invoice_id``, ``customer_id``, ``issue_date``, ``due_date`` (datetime64),
    ``amount`` (float) and, when no ``payments`` are given, ``paid``: what was paid on the
    invoice up to the as-of date (the database adds that up and sends only the invoices
    still open, which is all the figures need: a settled invoice adds nothing);
``payments`` — ``invoice_id``, ``paid_date`` (datetime64), ``amount`` (float).

As of day D:

- an invoice counts when it was issued on or before D; its **balance** is its amount minus
  the payments on it dated on or before D (a payment dated after D has not happened yet);
- a customer's **receivable** is the sum of the balances of their invoices; an overpaid
  invoice has a negative balance (a credit) and lowers it;
- an invoice is **overdue** when its due date is before D (due on D itself is not late yet)
  and its balance is positive; the customer's **overdue** amount is the sum of those
  balances, also split by how many days past the due date: 1–30, 31–60, 61–90, over 90.

Amounts are added in whole cents, so the figures are exact to the cent. Rows dated after D
(invoices, payments) never change a figure as of D.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dashboard.analytics.periods import as_date

AGE_BUCKETS = (("overdue_1_30", 1, 30), ("overdue_31_60", 31, 60),
               ("overdue_61_90", 61, 90), ("overdue_over_90", 91, None))
BUCKET_COLUMNS = tuple(name for name, _low, _high in AGE_BUCKETS)
RECEIVABLE_COLUMNS = ("customer_id", "receivable", "overdue", *BUCKET_COLUMNS,
                      "open_invoices", "overdue_invoices", "oldest_overdue_days")
INVOICE_COLUMNS = ("invoice_id", "customer_id", "issue_date", "due_date", "amount", "paid",
                   "balance", "days_overdue", "bucket")


def _cents(values: Any) -> np.ndarray:
    return np.rint(np.asarray(values, dtype=np.float64) * 100).astype(np.int64)


def _day(values: pd.Series) -> np.ndarray:
    return pd.to_datetime(values).to_numpy(dtype="datetime64[D]")


def paid_by(payments: pd.DataFrame, as_of: Any) -> pd.Series:
    """Cents paid per invoice id on or before ``as_of``."""
    day = np.datetime64(as_date(as_of), "D")
    kept = payments.loc[_day(payments["paid_date"]) <= day]
    return (pd.Series(_cents(kept["amount"]), index=kept["invoice_id"].to_numpy(dtype=np.int64))
            .groupby(level=0).sum())


def invoice_balances(invoices: pd.DataFrame, as_of: Any,
                     payments: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per invoice issued on or before ``as_of``: what was paid by then, the balance,
    the days past its due date (0 when not overdue) and its age bucket (empty when not
    overdue). Paid amounts come from ``payments`` when given, else from ``invoices["paid"]``."""
    day = np.datetime64(as_date(as_of), "D")
    issued = invoices.loc[_day(invoices["issue_date"]) <= day]
    if payments is not None:
        paid_cents = paid_by(payments, as_of).reindex(
            issued["invoice_id"].to_numpy(dtype=np.int64), fill_value=0).to_numpy()
    else:
        paid_cents = _cents(issued["paid"].fillna(0.0))
    balance = _cents(issued["amount"]) - paid_cents
    late = (day - _day(issued["due_date"])).astype(np.int64)
    days_overdue = np.where((late > 0) & (balance > 0), late, 0)
    return pd.DataFrame({
        "invoice_id": issued["invoice_id"].to_numpy(dtype=np.int64),
        "customer_id": issued["customer_id"].to_numpy(dtype=np.int64),
        "issue_date": _day(issued["issue_date"]).astype("datetime64[ns]"),
        "due_date": _day(issued["due_date"]).astype("datetime64[ns]"),
        "amount": _cents(issued["amount"]) / 100.0,
        "paid": paid_cents / 100.0,
        "balance": balance / 100.0,
        "days_overdue": days_overdue,
        "bucket": pd.Categorical(_bucket_names(days_overdue), categories=BUCKET_COLUMNS),
    }, columns=list(INVOICE_COLUMNS))


def _bucket_names(days_overdue: np.ndarray) -> np.ndarray:
    conditions = [(days_overdue >= low) & (days_overdue <= (high or np.iinfo(np.int64).max))
                  for _name, low, high in AGE_BUCKETS]
    return np.select(conditions, list(BUCKET_COLUMNS), default=None).astype(object)


def receivables(invoices: pd.DataFrame, as_of: Any,
                payments: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per customer with an invoice issued on or before ``as_of``:
    :data:`RECEIVABLE_COLUMNS` (money in the currency, counts, the oldest overdue invoice's
    days past due; 0 when nothing is overdue). Sorted by customer id."""
    return summarise(invoice_balances(invoices, as_of, payments))


def summarise(balances: pd.DataFrame) -> pd.DataFrame:
    """Per-customer totals of :func:`invoice_balances` rows."""
    if balances.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in RECEIVABLE_COLUMNS}).astype(
            {"customer_id": "int64", "open_invoices": "int64", "overdue_invoices": "int64",
             "oldest_overdue_days": "int64"})
    cents = _cents(balances["balance"])
    overdue = np.where(balances["days_overdue"].to_numpy() > 0, cents, 0)
    parts = {"receivable": cents, "overdue": overdue,
             "open_invoices": (cents > 0).astype(np.int64),
             "overdue_invoices": (overdue > 0).astype(np.int64)}
    for name in BUCKET_COLUMNS:
        parts[name] = np.where((balances["bucket"] == name).to_numpy(dtype=bool,
                                                                      na_value=False), cents, 0)
    # whole cents summed per customer over the rows in customer order: exact, and with no
    # group-by to set up (a portrait sums one customer's few invoices; decision 246)
    customers = balances["customer_id"].to_numpy(dtype=np.int64)
    order = np.argsort(customers, kind="stable")
    ranked = customers[order]
    starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
    totals = {name: np.add.reduceat(np.asarray(values, dtype=np.int64)[order], starts)
              for name, values in parts.items()}
    money = {"receivable", "overdue", *BUCKET_COLUMNS}
    oldest = balances["days_overdue"].to_numpy(dtype=np.int64)[order]
    return pd.DataFrame({"customer_id": ranked[starts],
                         **{name: values / 100.0 if name in money else values
                            for name, values in totals.items()},
                         "oldest_overdue_days": np.maximum.reduceat(oldest, starts)},
                        columns=list(RECEIVABLE_COLUMNS))


__all__ = ["AGE_BUCKETS", "BUCKET_COLUMNS", "INVOICE_COLUMNS", "RECEIVABLE_COLUMNS",
           "invoice_balances", "paid_by", "receivables", "summarise"]
