"""Suggestions on a real database (the cockpit world, as of 22 Nov 2026): the rules page's
"who buys X and not Y" selection is scoped to the user, the page reads as of the address's
date, and bad rule names are refused with a message."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from dashboard.db import bump_data_version, session_scope
from dashboard.errors import ValidationError
from dashboard.filters import FilterQuery
from dashboard.models import Order, OrderLine, Product
from dashboard.services import selections
from dashboard.services import suggestions as service
from tests.dashboard.services.cockpit_world import AS_OF, build_cockpit_world


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    """Every line is product P1; A and E (whose orders are 2 and 38 days old) also buy P2."""
    built = build_cockpit_world(runtime)
    with session_scope(runtime.engine, write=True) as session:
        first, second = Product(sku="P1", name="Bolt"), Product(sku="P2", name="Nut")
        session.add_all([first, second])
        session.flush()
        session.execute(update(OrderLine).values(product_id=first.id, line_key="1"))
        for code in ("A", "E"):
            order_id = session.execute(select(Order.id).where(
                Order.customer_id == built.customers[code]).order_by(
                Order.order_date.desc()).limit(1)).scalar_one()
            session.add(OrderLine(order_id=order_id, line_key="2", product_id=second.id,
                                  quantity=1, unit_price=10, amount=10))
        bump_data_version(session)
        built.products = {"P1": first.id, "P2": second.id}
    yield built


@pytest.mark.parametrize(("who", "expected"), [("owner", "BDF"), ("rep_wang", "DF"),
                                               ("rep_zhao", "B"), ("manager_west", "B")])
def test_who_buys_x_and_not_y_is_scoped_to_the_user(runtime, world, who, expected) -> None:  # noqa: ANN001
    actor = world.actor(who)
    token, count = service.select_rule_customers(runtime, actor, AS_OF,
                                                 world.products["P1"], world.products["P2"])
    chosen = selections.get_selection(runtime, actor, token)
    assert sorted(chosen.customer_ids) == sorted(world.customers[c] for c in expected)
    assert count == len(expected)


def test_the_rules_page_counts_the_customers_of_the_year(runtime, world) -> None:  # noqa: ANN001
    page = service.get_rules_page(runtime, world.actor("owner"),
                                  FilterQuery(as_of=AS_OF))
    assert page.baskets == 5  # A, B, D, E, F bought in the 365 days; C never ordered
    assert page.rules.empty  # P1 and P2 together for 2 customers only: below 3


def test_a_rule_that_is_not_two_product_ids_is_refused(runtime, world) -> None:  # noqa: ANN001
    for bad in ("1", "a-b", "1-2-3", None, 12, "-1-2"):
        with pytest.raises(ValidationError):
            service.select_rule_from_page(runtime, world.actor("owner"), FilterQuery(), bad)
    with pytest.raises(ValidationError):
        service.select_portrait_suggestion(runtime, world.actor("owner"), FilterQuery(), "1")
