"""An imported order that carries a campaign's coupon code is recorded as its redemption."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dashboard.db import session_scope
from dashboard.ingest.run import run_import
from dashboard.models import Campaign, Customer, Order, Outbox
from tests.dashboard.ingest.helpers import csv_bytes


def test_import_records_coupon_redemptions(engine) -> None:  # noqa: ANN001
    with session_scope(engine, write=True) as s:
        customer = Customer(code="C1", name="Harbor Hardware")
        s.add(customer)
        s.flush()
        campaign = Campaign(name="Spring", channel="sms", message_template="{code}",
                            intent_key="spring-1")
        s.add(campaign)
        s.flush()
        s.add(Outbox(campaign_id=campaign.id, customer_id=customer.id, channel="sms",
                     coupon_code="SPRING-7Q2X", status="sent",
                     queued_at=dt.datetime(2026, 3, 1, 9), expires_on=dt.date(2026, 3, 31)))
    rows = [["order_id", "customer", "order_date", "product", "quantity", "unit_price",
             "coupon_code"],
            ["SO-1", "C1", "2026-03-05", "P1", "2", "50", "SPRING-7Q2X"],
            ["SO-2", "C1", "2026-03-02", "P1", "1", "50", ""]]
    report = run_import(engine, "orders", csv_bytes(rows), filename="orders.csv")
    assert not report.errors
    with session_scope(engine) as s:
        send = s.execute(select(Outbox)).scalar_one()
        order_id = s.execute(select(Order.id).where(Order.order_no == "SO-1")).scalar_one()
    assert (send.redeemed_order_id, send.redeemed_at) == (order_id, dt.date(2026, 3, 5))
