"""The campaign preview warns about recipients sharing one phone or e-mail (likely duplicate
records: each would get its own coupon), on SQLite and PostgreSQL."""

from __future__ import annotations

import pandas as pd

from dashboard.analytics.duplicates import shared_addresses
from dashboard.analytics.selection import Selector
from dashboard.db import session_scope
from dashboard.models import Customer
from dashboard.services import campaign_drafts as drafts
from layouts.campaign_new_parts import preview_body
from tests.dashboard.services.test_campaign_pages import _form, coupon, world  # noqa: F401


def test_shared_addresses_by_normalised_phone_or_email() -> None:
    recipients = pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5], "code": ["A", "B", "C", "D", "E"],
        "name": ["a", "b", "c", "d", "e"],
        "address": ["Shop@X.example", " shop@x.example", "+86 100 1234 5678", "10012345678",
                    "other@x.example"]})
    shared = shared_addresses(recipients)
    assert set(zip(shared["code_a"], shared["code_b"], strict=True)) == {("A", "B"), ("C", "D")}
    assert shared_addresses(recipients.head(1)).empty


def test_the_preview_lists_recipients_sharing_an_address(runtime, world, coupon) -> None:  # noqa: ANN001, F811
    with session_scope(runtime.engine, write=True) as session:
        for code, email in (("B", "Shop@x.example"), ("C", "shop@x.example ")):
            session.get(Customer, world.customers[code]).email = email
    shown = drafts.preview(runtime, world.actor("owner"),
                           _form(coupon, selector=Selector(tier="D")))  # B, C and E
    assert shown.shared_count == 1
    assert shown.shared[["code_a", "code_b"]].values.tolist() == [["B", "C"]]
    assert "1 pair of recipients share a phone or e-mail" in str(preview_body(shown, None))
    with session_scope(runtime.engine, write=True) as session:
        session.get(Customer, world.customers["C"]).email = "c@x.example"
    alone = drafts.preview(runtime, world.actor("owner"),
                           _form(coupon, selector=Selector(tier="D")))
    assert alone.shared_count == 0 and alone.shared.empty
