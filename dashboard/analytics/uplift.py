"""What a coupon campaign did: delivery and redemption counts, and the uplift against the
holdout group.

Uplift compares, per customer, the orders and the revenue placed after the messages went out
(SPEC.md "Actions": the send time, not the send day), between the treated group and the
holdout group. The window starts at the send time and runs through the ``window_days``
calendar days after the send day (nothing after the as-of date):

- on the send day itself only orders with a time of day (``ordered_at``) later than the send
  time count; an order with a date only cannot be placed before or after the send, so the
  send day's date-only orders are left out (the morning's orders are not the coupon's doing);
- from the day after the send on, every order counts (the rollup's day totals).

Until there is something to measure the figures are not shown (``state``): ``too_early``
while the as-of date is still the send day (not one day after the send observed) and
``no_orders`` while neither group has an order in the window; ``measured`` otherwise. Both groups were drawn at random from the same reachable
customers, so the difference of their means estimates the campaign's effect. The treated
group is every reachable customer not held out, whether or not their message was delivered
(intention to treat): leaving out failed sends would compare a selected group with a random
one.

The 95 % interval is Welch's t interval for a difference of means with unequal variances
(the holdout group is usually much smaller than the treated group, and the spread of revenue
differs between them). It is chosen over a bootstrap because it is closed-form and
deterministic (the same figure on screen, in the CSV and in the PDF, with no seed), instant
at any size, and accurate for the group sizes a campaign has (means of tens of customers and
more). With fewer than 2 customers in a group there is no interval; below 30 in a group it is
flagged as approximate (``small_group``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from scipy import stats

METRICS = ("orders", "revenue")
NOT_REACHED = ("holdout", "unreachable")
SMALL_GROUP = 30
STATES = ("too_early", "no_orders", "measured")
UPLIFT_COLUMNS = ["metric", "treated_n", "holdout_n", "treated_mean", "holdout_mean",
                  "difference", "ci_low", "ci_high", "p_value", "relative_pct", "small_group",
                  "window_start", "window_end", "window_complete", "sent_at", "state"]


def campaign_summary(rows: pd.DataFrame) -> dict[str, float]:
    """Counts of a campaign's outbox rows (``status``, ``redeemed_order_id``,
    ``redeemed_amount``): recipients, each status, redeemed, the revenue of the redeemed
    orders and the redemption rate (% of sent messages)."""
    status = rows["status"].value_counts()
    counts = {s: int(status.get(s, 0)) for s in ("pending", "sending", "sent", "failed",
                                                 "unknown", "holdout", "unreachable",
                                                 "cancelled")}
    redeemed = rows["redeemed_order_id"].notna()
    sent = counts["sent"]
    return {
        "recipients": int(len(rows)),
        **counts,
        "contacted": int(len(rows)) - counts["holdout"] - counts["unreachable"],
        "redeemed": int(redeemed.sum()),
        "redeemed_revenue": float(rows.loc[redeemed, "redeemed_amount"].fillna(0).sum()),
        "redemption_pct": float(redeemed.sum() / sent * 100) if sent else float("nan"),
    }


def welch_interval(treated: np.ndarray, holdout: np.ndarray,
                   confidence: float = 0.95) -> tuple[float, float, float, float]:
    """(difference of means, interval low, interval high, two-sided p-value) by Welch's t.
    NaN where it is not defined (fewer than 2 values in a group)."""
    a, b = np.asarray(treated, dtype="float64"), np.asarray(holdout, dtype="float64")
    if len(a) == 0 or len(b) == 0:
        return float("nan"), float("nan"), float("nan"), float("nan")
    diff = float(a.mean() - b.mean())
    if len(a) < 2 or len(b) < 2:
        return diff, float("nan"), float("nan"), float("nan")
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = float(np.sqrt(va + vb))
    if se == 0:
        return diff, diff, diff, (1.0 if diff == 0 else 0.0)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    half = float(stats.t.ppf(0.5 + confidence / 2, df)) * se
    p_value = float(2 * stats.t.sf(abs(diff) / se, df))
    return diff, diff - half, diff + half, p_value


def window_totals(customer_ids: np.ndarray, days: pd.DataFrame, start: pd.Timestamp,
                  end: pd.Timestamp, after_send: pd.DataFrame | None = None) -> pd.DataFrame:
    """Orders and revenue per customer (every one of ``customer_ids``, zero when none)
    over the days ``start`` to ``end`` inclusive, plus the send day's orders placed after
    the send time (``after_send``: ``customer_id``, ``orders``, ``revenue``) when given."""
    inside = days[(days["day"] >= start) & (days["day"] <= end)
                  & days["customer_id"].isin(customer_ids)][["customer_id", *METRICS]]
    if after_send is not None and len(after_send):
        extra = after_send[after_send["customer_id"].isin(customer_ids)]
        inside = pd.concat([inside, extra[["customer_id", *METRICS]]], ignore_index=True)
    return (inside.groupby("customer_id")[list(METRICS)].sum()
            .reindex(pd.Index(customer_ids, name="customer_id"), fill_value=0)
            .astype("float64"))


def campaign_uplift(rows: pd.DataFrame, days: pd.DataFrame, *, sent_at: dt.datetime,
                    window_days: int = 30, as_of: dt.date | None = None,
                    after_send: pd.DataFrame | None = None,
                    confidence: float = 0.95) -> pd.DataFrame:
    """One row per metric (orders, revenue per customer): treated and holdout sizes and
    means, their difference with its interval and p-value, the relative uplift (% of the
    holdout mean) and the ``state`` of the measure. ``rows`` are the campaign's outbox rows
    (``customer_id``, ``status``); ``days`` the customer-day rollup; ``sent_at`` the moment
    the messages went out, on the same clock as the orders' times; ``after_send`` the send
    day's orders placed after ``sent_at`` per customer (none when orders carry no time)."""
    send_day = pd.Timestamp(sent_at.date())
    first = send_day + pd.Timedelta(days=1)
    end = send_day + pd.Timedelta(days=int(window_days))
    complete = True
    if as_of is not None and pd.Timestamp(as_of) < end:
        end, complete = pd.Timestamp(as_of), False
    started = end >= first  # at least the day after the send is observed
    treated_ids = rows.loc[~rows["status"].isin(NOT_REACHED), "customer_id"].to_numpy()
    holdout_ids = rows.loc[rows["status"] == "holdout", "customer_id"].to_numpy()
    extra = after_send if started else None
    treated = window_totals(treated_ids, days, first, end, extra)
    held = window_totals(holdout_ids, days, first, end, extra)
    ordered = bool(treated["orders"].gt(0).any() or held["orders"].gt(0).any())
    state = "measured" if started and ordered else "no_orders" if started else "too_early"
    records = []
    for metric in METRICS:
        diff, low, high, p_value = welch_interval(
            treated[metric].to_numpy() if started else np.array([]),
            held[metric].to_numpy(), confidence)
        base = float(held[metric].mean()) if len(held) else float("nan")
        records.append({
            "metric": metric, "treated_n": len(treated), "holdout_n": len(held),
            "treated_mean": float(treated[metric].mean()) if len(treated) else float("nan"),
            "holdout_mean": base, "difference": diff, "ci_low": low, "ci_high": high,
            "p_value": p_value,
            "relative_pct": diff / base * 100 if base else float("nan"),
            "small_group": min(len(treated), len(held)) < SMALL_GROUP,
            "window_start": first.date(), "window_end": end.date(),
            "window_complete": complete, "sent_at": pd.Timestamp(sent_at), "state": state,
        })
    return pd.DataFrame.from_records(records, columns=UPLIFT_COLUMNS)
