"""Orders, their lines, the rollups, invoices and payments, written chunk by chunk.

The timeline is cut into chunks of whole days (so each customer-day lies in one chunk); each
chunk gets its lines, order figures, order numbers and coupon codes, and is written before the
next one is generated. Ids are given in date order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dashboard.demo.basket import build_lines, order_figures
from dashboard.demo.coupons import coupon_codes
from dashboard.demo.finance import build_invoices, build_payments, numbered
from dashboard.demo.rollups import day_rollups
from dashboard.demo.timeline import KIND_RETURN
from dashboard.models import AnonymousDay, CustomerDay, Invoice, Order, OrderLine, Payment

if TYPE_CHECKING:
    from dashboard.demo.state import DemoState


def chunk_bounds(days: np.ndarray, size: int) -> np.ndarray:
    """Positions cutting the day-sorted ``days`` into chunks of about ``size`` rows, never
    inside a day."""
    if len(days) == 0:
        return np.array([0, 0])
    cuts = np.searchsorted(days, days[np.arange(size, len(days), size)], side="left")
    return np.unique(np.concatenate([[0], cuts, [len(days)]]))


def _order_numbers(orders: pd.DataFrame, day_text: np.ndarray) -> pd.Series:
    """``SO`` customer orders, ``POS`` walk-in sales, ``RT`` returns; then date and id."""
    known = orders["customer"].to_numpy() >= 0
    returned = orders["kind"].to_numpy() == KIND_RETURN
    prefix = np.where(returned, "RT", np.where(known, "SO", "POS"))
    return (pd.Series(prefix, dtype="string") + pd.Series(day_text[orders["day"].to_numpy()],
                                                          dtype="string")
            + "-" + pd.Series(orders["id"].to_numpy(), dtype="string").str.zfill(8))


def _coupon_column(rng: np.random.Generator, used: np.ndarray) -> pd.Series:
    codes = np.full(len(used), None, dtype=object)
    codes[used] = coupon_codes(rng, int(used.sum())).to_numpy(dtype=object)
    return pd.Series(codes, dtype="string")


def _chunk_orders(state: DemoState, lo: int, hi: int, first_id: int) -> pd.DataFrame:
    part = state.timeline.iloc[lo:hi]
    cust = part["customer"].to_numpy()
    customer_ids = state.customers["id"].to_numpy()[np.maximum(cust, 0)]
    return part.reset_index(drop=True).assign(
        id=np.arange(first_id, first_id + len(part)),
        customer_id=np.where(cust >= 0, customer_ids, np.nan),
    )


def _order_rows(orders: pd.DataFrame, state: DemoState, day_text: np.ndarray) -> pd.DataFrame:
    seconds = orders["seconds"].to_numpy().astype(np.int64)
    dates = state.dates[orders["day"].to_numpy()]
    at = dates.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    return pd.DataFrame({
        "id": orders["id"].to_numpy(),
        "order_no": _order_numbers(orders, day_text),
        "customer_id": orders["customer_id"].to_numpy(),
        "order_date": dates,
        "ordered_at": np.where(seconds >= 0, at, np.datetime64("NaT", "s")),
        "coupon_code": orders["coupon_code"],
        "amount": orders["amount"].to_numpy(),
        "is_return": ~orders["has_purchase"].to_numpy(),
    })


def _write_chunk(state: DemoState, chunk_no: int, lo: int, hi: int, day_text: np.ndarray) -> None:
    options = state.options
    rng = options.rng("lines", chunk_no)
    orders = _chunk_orders(state, lo, hi, state.ids(Order, hi - lo))
    lines = build_lines(rng, orders, state.traits, state.catalogue, state.today)
    figures = order_figures(lines, len(orders))
    orders = orders.assign(amount=figures["amount"].to_numpy(),
                           has_purchase=figures["has_purchase"].to_numpy(),
                           coupon_code=_coupon_column(options.rng("codes", chunk_no),
                                                      orders["coupon"].to_numpy()))
    state.write(Order, _order_rows(orders, state, day_text))
    first_line = state.ids(OrderLine, len(lines))
    state.write(OrderLine, lines.drop(columns="order_pos").assign(
        id=np.arange(first_line, first_line + len(lines))))
    customer_days, anonymous_days = day_rollups(orders, figures, state.dates)
    state.write(CustomerDay, customer_days)
    state.write(AnonymousDay, anonymous_days)
    money = options.rng("finance", chunk_no)
    invoices = build_invoices(money, orders, state.traits, state.dates)
    invoices = numbered(invoices, state.ids(Invoice, len(invoices)))
    state.write(Invoice, invoices.drop(columns="paid_day"))
    payments = build_payments(money, invoices, state.today, state.start, 0)
    state.write(Payment, payments.assign(id=payments["id"] + state.ids(Payment, len(payments))))
    state.monthly.add(orders["customer"].to_numpy(), orders["day"].to_numpy(),
                      figures["amount"].to_numpy())


def write_order_chunks(state: DemoState) -> None:
    timeline = state.timeline
    bounds = chunk_bounds(timeline["day"].to_numpy(), state.options.chunk_orders)
    day_text = pd.Series(state.dates).dt.strftime("%y%m%d").to_numpy(dtype=object)
    with state.stage("orders", len(timeline)) as advance:
        for chunk_no, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
            _write_chunk(state, chunk_no, int(lo), int(hi), day_text)
            advance(int(hi - lo))
