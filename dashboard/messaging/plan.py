"""A campaign's recipients turned into outbox rows (pure pandas; no database).

Given the selected customers (with contact details and tier), the channel, the coupon and
the template, :func:`plan_recipients` says for each customer whether they get the message,
are held out, or cannot be reached (and why); :func:`render` fills in the messages.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard.messaging.coupons import CouponTerms, date_text, expiry_date, offer_text
from dashboard.messaging.recipients import pick_holdout, reachability
from dashboard.messaging.templates import render_messages

PLAN_COLUMNS = ["customer_id", "code", "name", "tier", "address", "status", "reason",
                "reason_text"]


def plan_recipients(customers: pd.DataFrame, channel: str, holdout_pct: float,
                    seed: int) -> pd.DataFrame:
    """One row per customer: ``status`` ``pending`` (to be contacted), ``holdout`` or
    ``unreachable`` (with ``reason``), ordered by customer id."""
    reach = reachability(customers.sort_values("customer_id").reset_index(drop=True), channel)
    reachable = (reach["reason"] == "").to_numpy()
    held = np.zeros(len(reach), dtype=bool)
    held[reachable] = pick_holdout(reach.loc[reachable, "customer_id"].to_numpy(), holdout_pct,
                                   seed)
    status = np.where(~reachable, "unreachable", np.where(held, "holdout", "pending"))
    return reach.assign(status=status.astype(object),
                        name=reach["name"].fillna("").astype(object),
                        tier=reach["tier"].fillna("").astype(object))[PLAN_COLUMNS]


def render(plan: pd.DataFrame, codes: list[str] | str, template: str, terms: CouponTerms,
           *, currency: str, language: str, today: dt.date) -> pd.DataFrame:
    """The rows to be contacted (``status == "pending"``) with ``coupon_code``,
    ``expires_on`` and ``message``. ``codes`` is one code per such row, or one sample code
    shown to everybody (a preview)."""
    send = plan[plan["status"] == "pending"].reset_index(drop=True)
    expires = expiry_date(today, terms.validity_days)
    values = send.assign(
        name=send["name"].where(send["name"].str.strip() != "", send["code"]),
        code=codes if isinstance(codes, str) else pd.Series(codes, dtype=object),
        expiry=date_text(expires, language),
        value=offer_text(terms, currency, language),
    )
    return send.assign(coupon_code=values["code"], expires_on=expires,
                       message=render_messages(template, values))


def outbox_frame(plan: pd.DataFrame, rendered: pd.DataFrame, *, campaign_id: int, channel: str,
                 now: dt.datetime) -> pd.DataFrame:
    """Rows for the outbox table: the rendered messages, the holdout group and the
    unreachable customers (with their reason)."""
    others = plan[plan["status"] != "pending"]
    frame = pd.concat([
        rendered.assign(last_error=None, is_holdout=False),
        others.assign(message="", coupon_code=None, expires_on=None,
                      is_holdout=others["status"] == "holdout",
                      address=others["address"].where(others["status"] == "holdout", None),
                      last_error=others["reason_text"].where(others["reason"] != "", None)),
    ], ignore_index=True)
    columns = ["campaign_id", "customer_id", "channel", "address", "message", "coupon_code",
               "expires_on", "is_holdout", "status", "attempts", "queued_at", "last_error"]
    return frame.assign(campaign_id=campaign_id, channel=channel, queued_at=now, attempts=0,
                        is_holdout=frame["is_holdout"].astype(bool),
                        expires_on=pd.to_datetime(frame["expires_on"]))[columns]
