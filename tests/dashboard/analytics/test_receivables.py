"""Receivables and overdue amounts as of a date, worked out by hand, with properties."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.analytics.receivables import (
    BUCKET_COLUMNS,
    RECEIVABLE_COLUMNS,
    invoice_balances,
    paid_by,
    receivables,
    summarise,
)

AS_OF = dt.date(2026, 11, 22)


def _invoices(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["invoice_id", "customer_id", "issue_date", "due_date",
                                       "amount"]).assign(
        issue_date=lambda f: pd.to_datetime(f["issue_date"]),
        due_date=lambda f: pd.to_datetime(f["due_date"]))


def _payments(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["invoice_id", "paid_date", "amount"]).assign(
        paid_date=lambda f: pd.to_datetime(f["paid_date"]))


INVOICES = _invoices([
    (1, 10, "2026-09-01", "2026-10-08", 1000.10),  # 45 days late, part paid
    (2, 10, "2026-11-01", "2026-12-01", 250.00),   # not due yet
    (3, 11, "2026-01-01", "2026-01-31", 90.00),    # overpaid by 30
    (4, 12, "2026-07-01", "2026-08-14", 3000.00),  # 100 days late
    (5, 13, "2026-10-01", "2026-10-31", 4000.00),  # settled
    (6, 13, "2026-11-23", "2026-12-23", 500.00),   # issued after the as-of date
    (7, 14, "2026-10-23", "2026-10-23", 70.00),    # due 30 days ago
    (8, 14, "2026-10-22", "2026-10-22", 80.00),    # due 31 days ago
    (9, 14, "2026-11-21", "2026-11-22", 5.00),     # due today: not overdue yet
    (10, 15, "2026-08-24", "2026-08-24", 60.00),   # due 90 days ago
    (11, 15, "2026-08-23", "2026-08-23", 7.00),    # due 91 days ago
])
PAYMENTS = _payments([
    (1, "2026-10-01", 400.05), (1, "2026-12-01", 99.95), (3, "2026-01-20", 120.00),
    (5, "2026-10-30", 4000.00), (6, "2026-11-20", 100.00),
])


def test_receivables_by_hand() -> None:
    result = receivables(INVOICES, AS_OF, PAYMENTS).set_index("customer_id")
    assert list(result.reset_index().columns) == list(RECEIVABLE_COLUMNS)
    assert result.loc[10, "receivable"] == pytest.approx(850.05)
    assert result.loc[10, "overdue"] == pytest.approx(600.05)
    assert result.loc[10, "overdue_31_60"] == pytest.approx(600.05)
    assert result.loc[10, ["open_invoices", "overdue_invoices", "oldest_overdue_days"]
                      ].tolist() == [2, 1, 45]
    assert result.loc[11, "receivable"] == pytest.approx(-30.0)
    assert result.loc[11, "overdue"] == 0.0
    assert result.loc[12, "overdue_over_90"] == pytest.approx(3000.0)
    assert result.loc[12, "oldest_overdue_days"] == 100
    assert result.loc[13, ["receivable", "overdue", "open_invoices"]].tolist() == [0, 0, 0]
    assert result.loc[14, "overdue_1_30"] == pytest.approx(70.0)
    assert result.loc[14, "overdue_31_60"] == pytest.approx(80.0)
    assert result.loc[14, "receivable"] == pytest.approx(155.0)  # 5.00 due today counts
    assert result.loc[14, "overdue"] == pytest.approx(150.0)
    assert result.loc[15, "overdue_61_90"] == pytest.approx(60.0)
    assert result.loc[15, "overdue_over_90"] == pytest.approx(7.0)


def test_paid_column_equals_payments() -> None:
    paid = paid_by(PAYMENTS, AS_OF)
    with_paid = INVOICES.assign(paid=INVOICES["invoice_id"].map(paid / 100.0).fillna(0.0))
    pd.testing.assert_frame_equal(receivables(with_paid, AS_OF),
                                  receivables(INVOICES, AS_OF, PAYMENTS))


def test_nothing_after_the_as_of_date_counts() -> None:
    earlier = receivables(INVOICES, dt.date(2026, 10, 15), PAYMENTS).set_index("customer_id")
    # 15 Oct: invoice 1 is 7 days late with 400.05 paid; invoice 2 is not issued yet;
    # invoice 5 is issued, not due, and unpaid (its payment is on 30 Oct).
    assert earlier.loc[10, "receivable"] == pytest.approx(600.05)
    assert earlier.loc[10, "overdue_1_30"] == pytest.approx(600.05)
    assert earlier.loc[13, "receivable"] == pytest.approx(4000.0)
    assert 14 not in earlier.index


def test_balances_and_buckets_of_each_invoice() -> None:
    rows = invoice_balances(INVOICES, AS_OF, PAYMENTS).set_index("invoice_id")
    assert 6 not in rows.index
    assert rows.loc[1, ["paid", "balance", "days_overdue"]].tolist() == [
        pytest.approx(400.05), pytest.approx(600.05), 45]
    assert rows.loc[9, "days_overdue"] == 0 and pd.isna(rows.loc[9, "bucket"])
    assert rows.loc[7, "bucket"] == "overdue_1_30"
    assert rows.loc[10, "bucket"] == "overdue_61_90"
    assert rows.loc[11, "bucket"] == "overdue_over_90"


def test_no_invoices() -> None:
    empty = receivables(INVOICES.iloc[:0], AS_OF, PAYMENTS.iloc[:0])
    assert empty.empty and list(empty.columns) == list(RECEIVABLE_COLUMNS)


money = st.integers(min_value=0, max_value=10_000_000).map(lambda c: c / 100)
day = st.integers(min_value=0, max_value=400).map(
    lambda n: pd.Timestamp("2026-01-01") + pd.Timedelta(days=n))


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = draw(st.integers(min_value=1, max_value=12))
    rows = []
    for i in range(n):
        issued = draw(day)
        rows.append((i + 1, draw(st.integers(1, 3)), issued,
                     issued + pd.Timedelta(days=draw(st.integers(0, 90))), draw(money)))
    pays = [(draw(st.integers(1, n)), draw(day), draw(money))
            for _ in range(draw(st.integers(0, 15)))]
    return _invoices(rows), _payments(pays)


@settings(max_examples=200, deadline=None)
@given(ledgers(), day)
def test_totals_agree_with_the_invoices(ledger: tuple, when: pd.Timestamp) -> None:
    invoices, payments = ledger
    as_of = when.date()
    totals = receivables(invoices, as_of, payments)
    issued = invoices.loc[invoices["issue_date"] <= when]
    paid = payments.loc[(payments["paid_date"] <= when)
                        & payments["invoice_id"].isin(issued["invoice_id"])]
    assert totals["receivable"].sum() == pytest.approx(
        issued["amount"].sum() - paid["amount"].sum(), abs=0.011)
    assert (totals["overdue"] >= 0).all()
    assert np.allclose(totals[list(BUCKET_COLUMNS)].sum(axis=1), totals["overdue"])
    late = issued.loc[issued["due_date"] < when, "customer_id"].unique()
    assert set(totals.loc[totals["overdue"] > 0, "customer_id"]) <= set(late)


def _grouped(balances: pd.DataFrame) -> pd.DataFrame:
    """The per-customer totals as a group-by writes them: what ``summarise`` sums without
    one."""
    cents = np.rint(balances["balance"].to_numpy(dtype=float) * 100).astype(np.int64)
    overdue = np.where(balances["days_overdue"].to_numpy() > 0, cents, 0)
    parts = {"receivable": cents, "overdue": overdue,
             "open_invoices": (cents > 0).astype(np.int64),
             "overdue_invoices": (overdue > 0).astype(np.int64)}
    for name in BUCKET_COLUMNS:
        parts[name] = np.where((balances["bucket"] == name).to_numpy(dtype=bool,
                                                                      na_value=False), cents, 0)
    frame = pd.DataFrame({"customer_id": balances["customer_id"].to_numpy(), **parts,
                          "oldest_overdue_days": balances["days_overdue"].to_numpy()})
    grouped = frame.groupby("customer_id", sort=True)
    totals = grouped[list(parts)].sum()
    money = ["receivable", "overdue", *BUCKET_COLUMNS]
    return (totals.assign(**{c: totals[c] / 100.0 for c in money},
                          oldest_overdue_days=grouped["oldest_overdue_days"].max())
            .reset_index()[list(RECEIVABLE_COLUMNS)])


@settings(max_examples=200, deadline=None)
@given(ledgers(), day, st.randoms(use_true_random=False))
def test_summarise_equals_a_group_by(ledger: tuple, when: pd.Timestamp, shuffle) -> None:  # noqa: ANN001
    """Customers in any order, one or several, paid up or overdue: the totals are a
    group-by's, value for value and type for type."""
    invoices, payments = ledger
    balances = invoice_balances(invoices, when.date(), payments)
    order = list(range(len(balances)))
    shuffle.shuffle(order)
    balances = balances.iloc[order].reset_index(drop=True)
    pd.testing.assert_frame_equal(summarise(balances), _grouped(balances), check_exact=True)
