"""The /suggestions page and the portrait's suggestions through the real endpoint (the
cockpit world, products P1 and P2): the rules and the backtest answer for every role, a
rule's coupon button opens the new-campaign page with a selection, in English and Chinese."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from dashboard.db import bump_data_version, session_scope
from dashboard.models import Order, OrderLine, Product
from layouts import ids
from tests.callbacks.test_customers import _post
from tests.dashboard.services.cockpit_world import AS_OF


@pytest.fixture
def products(runtime, world) -> dict[str, int]:  # noqa: ANN001
    """Every line is P1; A and E also buy P2 (as in the service tests)."""
    with session_scope(runtime.engine, write=True) as session:
        first, second = Product(sku="P1", name="Bolt"), Product(sku="P2", name="Nut")
        session.add_all([first, second])
        session.flush()
        session.execute(update(OrderLine).values(product_id=first.id, line_key="1"))
        for code in ("A", "E"):
            order_id = session.execute(select(Order.id).where(
                Order.customer_id == world.customers[code]).order_by(
                Order.order_date.desc()).limit(1)).scalar_one()
            session.add(OrderLine(order_id=order_id, line_key="2", product_id=second.id,
                                  quantity=1, unit_price=10, amount=10))
        bump_data_version(session)
        return {"P1": first.id, "P2": second.id}


@pytest.mark.parametrize("who", ["owner", "manager_east", "rep_zhao", "nobody"])
def test_the_page_answers_for_every_role(world, products, signed_in, who) -> None:  # noqa: ANN001
    client = signed_in(who)
    query = {f"{ids.SUGGESTIONS_QUERY}.data": {"as_of": AS_OF.isoformat()}}
    rules = _post(client, ids.SUGGESTIONS_RULES, query)
    assert rules.status_code == 200
    text = json.dumps(rules.get_json()["response"], ensure_ascii=False)
    assert "No rule is strong enough yet" in text and "5 customers" in text
    backtest = _post(client, ids.SUGGESTIONS_BACKTEST, query)
    text = json.dumps(backtest.get_json()["response"], ensure_ascii=False)
    assert "Hit rate" in text and "Item-to-item similarity (cosine)" in text


def test_a_rules_coupon_button_opens_the_campaign_page(world, products, signed_in,  # noqa: ANN001
                                                       cockpit) -> None:  # noqa: ANN001
    client = signed_in("owner")
    button = {"type": ids.SUGGESTIONS_RULE_COUPON,
              "index": f"{products['P1']}-{products['P2']}"}
    key = next(k for k in cockpit.callback_map if ids.SUGGESTIONS_GO in k)
    prop = json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"
    body = {"output": key, "outputs": {"id": ids.SUGGESTIONS_GO, "property": "href"},
            "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
            "state": [{"id": ids.SUGGESTIONS_QUERY, "property": "data", "value": {}}],
            "changedPropIds": [prop]}
    answer = client.post("/_dash-update-component", json=body,
                         headers={"X-CSRFToken": client.csrf})
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    href = answer.get_json()["response"][ids.SUGGESTIONS_GO]["href"]
    assert href.startswith("/campaigns/new?selection=")


def test_the_portrait_card_says_when_there_is_nothing_to_suggest(world, products,  # noqa: ANN001
                                                                 signed_in) -> None:
    client = signed_in("owner")
    answer = _post(client, ids.PORTRAIT_HEADER, {
        f"{ids.PORTRAIT_QUERY}.data": {"code": "D"}}).get_json()["response"]
    text = json.dumps(answer[ids.PORTRAIT_DISCOVERY], ensure_ascii=False)
    assert "No suggestions for this customer" in text and "coming later" not in text
