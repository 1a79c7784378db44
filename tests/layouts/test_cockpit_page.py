"""The cockpit's panels as the page shows them: every number that counts customers is a link
to exactly those customers, in both languages; the empty state; the skeleton page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from dashboard.analytics.selection import count
from dashboard.filters import FilterQuery, parse_filters, parse_selector, query_params
from dashboard.i18n import use_language
from dashboard.services import cockpit as service
from dashboard.services import customer_table
from dashboard.services import filters as filter_service
from layouts import ids
from layouts.cockpit_lists import backtest_panel, empty_panel, movers_panel
from layouts.cockpit_panels import headline, kpi_cards, matrix_panel, status_panel, tiers_panel
from tests.dashboard.services.cockpit_world import AS_OF, build_cockpit_world
from tests.layouts.walk import links, text

PANELS = (kpi_cards, status_panel, tiers_panel, matrix_panel, movers_panel, backtest_panel)


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    yield build_cockpit_world(runtime)


def _render(view) -> list:  # noqa: ANN001
    return [headline(view), *(build(view) for build in PANELS)]


def _count_behind(runtime, actor, href: str) -> int:  # noqa: ANN001
    """How many customers the customer list at ``href`` keeps for ``actor``."""
    query = urlsplit(href).query
    filters = filter_service.resolve_filters(runtime, actor, parse_filters(query))
    return count(customer_table.scoped_table(runtime, actor, filters), parse_selector(query))


@pytest.mark.parametrize(("who", "query"), [
    ("owner", FilterQuery()),
    ("owner", FilterQuery(period="90d", as_of=AS_OF.replace(day=1))),
    ("manager_west", FilterQuery(customer_type="Retail")),
    ("rep_wang", FilterQuery(period="year")),
])
def test_every_count_links_to_exactly_those_customers(runtime, world, who: str,  # noqa: ANN001
                                                      query: FilterQuery) -> None:
    actor = world.actor(who)
    view = service.get_overview(runtime, actor, query)
    found = [(href, shown) for href, shown in links(_render(view))
             if href.startswith("/customers")]
    assert len(found) >= 40  # KPIs, statuses and bar, tiers, 20 matrix cells, moves, movers
    checked = 0
    for href, shown in found:
        number = re.search(r"\d[\d,]*", shown)
        if number is None:  # a name or a badge beside its count: same address as the count
            assert any(h == href and re.search(r"\d", s) for h, s in found), href
            continue
        assert int(number.group().replace(",", "")) == _count_behind(runtime, actor, href), \
            (href, shown)
        checked += 1
    assert checked >= 35


def test_links_carry_the_filters(runtime, world) -> None:  # noqa: ANN001
    view = service.get_overview(runtime, world.actor("owner"),
                                FilterQuery(period="90d", region="West"))
    found = [query_params(urlsplit(href).query) for href, _shown in links(_render(view))
             if href.startswith("/customers?")]
    base = {"period": "90d", "region": "West"}
    for selector in ({"status": "churning"}, {"tier_prev": "A", "tier": "D"},
                     {"tier_prev": "none", "tier": "D"}, {"move": "down"},
                     {"mover": "revenue_drop"}, {"new": "1"}):
        assert {**base, **selector} in found, selector
    assert all(q.items() >= base.items() for q in found)
    portraits = {href for href, _shown in links(_render(view)) if href.startswith("/customer/")}
    assert portraits == {"/customer/E?period=90d&region=West"}  # the one West mover


def test_the_page_in_both_languages(runtime, world) -> None:  # noqa: ANN001
    with use_language("en"):
        view = service.get_overview(runtime, world.actor("owner"), FilterQuery())
        shown = text(_render(view))
        assert "Last 30 days: Oct 24\u2009–\u2009Nov 22, 2026" in shown
        assert "CN¥8.2K" in shown and "prev. CN¥12K" in shown
        assert "Never traded" in shown and "Surges and drops" in shown
        assert "Not enough history yet" in shown  # six customers: the backtest says so
    with use_language("zh"):
        shown = text(_render(service.get_overview(runtime, world.actor("owner"),
                                                  FilterQuery())))
        assert "近 30 天：2026年10月24日至11月22日" in shown
        assert "¥8,200" in shown and "上期 ¥1.2万" in shown  # no 千: in full below 万
        assert "从未交易" in shown and "暴涨与暴跌" in shown and "历史数据还不够" in shown


def test_scope_words_in_the_headline(runtime, world) -> None:  # noqa: ANN001
    with use_language("en"):
        team = service.get_overview(runtime, world.actor("manager_east"), FilterQuery())
        assert "your team's customers" in text(headline(team))
        rep = service.get_overview(runtime, world.actor("owner"),
                                   FilterQuery(rep_id=world.reps["Zhao"],
                                               customer_type="Retail"))
        assert "Retail · Zhao" in text(headline(rep))


def test_empty_states(runtime, world) -> None:  # noqa: ANN001
    with use_language("en"):
        nobody = service.get_overview(runtime, world.actor("nobody"), FilterQuery())
        assert "No customers are assigned to you yet" in text(empty_panel(nobody))
        none = service.get_overview(runtime, world.actor("owner"),
                                    FilterQuery(customer_type="Distributor", region="East",
                                                period="90d"))
        shown = empty_panel(none)
        assert "No customers match these filters" in text(shown)
        assert links(shown) == [("/?period=90d", "Show every customer")]


def test_skeleton_page_hands_the_address_to_its_callback(runtime) -> None:  # noqa: ANN001
    from app import create_app

    create_app(runtime.settings, runtime)  # pages register once an app exists
    from layouts.cockpit import layout

    page = layout(period="90d", region=["North", "South"], tier="A")
    store = next(n for n in _walk_ids(page) if n.id == ids.COCKPIT_QUERY)
    assert store.data == {"period": "90d", "region": "North", "tier": "A"}
    assert "Loading" in text(page)


def _walk_ids(page):  # noqa: ANN001, ANN202
    from tests.layouts.walk import walk

    return [n for n in walk(page) if getattr(n, "id", None)]


def test_a_surge_from_net_returns_has_no_percentage(runtime, world) -> None:  # noqa: ANN001
    """A surge row whose earlier 30 days were net returns (-800 -> 1,500) or nothing shows
    no growth percentage: its hint says where it came from, in both languages."""
    import pandas as pd

    from layouts.cockpit_lists import _mover_rows

    view = service.get_overview(runtime, world.actor("owner"), FilterQuery())
    rows = pd.DataFrame({"customer_id": [1, 2, 3], "customer_code": ["R", "Z", "G"],
                         "customer_name": ["Returns", "Zero", "Grew"],
                         "revenue_prev_30d": [-800.0, 0.0, 2000.0],
                         "revenue_30d": [1500.0, 1200.0, 3500.0],
                         "revenue_change": [2300.0, 1200.0, 1500.0],
                         "revenue_growth_pct": [float("nan"), float("nan"), 75.0]})
    for language, hints in (("en", ["from net returns", "from nothing", "+75%"]),
                            ("zh", ["从净退货", "从零开始", "+75%"])):
        with use_language(language):
            shown = _mover_rows(view, "revenue", rows)
        assert [tr.children[3].title for tr in shown] == hints


def test_margin_card_beside_revenue_only_where_unit_costs_are_known(runtime, world) -> None:  # noqa: ANN001
    from sqlalchemy import update

    from dashboard.data.rollups import refresh_rollups
    from dashboard.db import bump_data_version, session_scope
    from dashboard.models import Order, OrderLine

    view = service.get_overview(runtime, world.actor("owner"), FilterQuery())
    assert "kpi-gross_margin" not in str(kpi_cards(view))  # the world has no unit costs
    with session_scope(runtime.engine, write=True) as session:
        order_id = session.execute(Order.__table__.select().where(
            Order.order_no == "A-0")).first().id  # Alpha's 5000 on 20 Nov
        session.execute(update(OrderLine).where(OrderLine.order_id == order_id)
                        .values(unit_cost=3800.0))
        refresh_rollups(session, [(world.customers["A"], AS_OF.replace(day=20))])
        bump_data_version(session)
    view = service.get_overview(runtime, world.actor("owner"), FilterQuery())
    cards = kpi_cards(view)
    assert [c.id for c in cards[:2]] == ["kpi-revenue", "kpi-gross_margin"]
    with use_language("en"):
        shown = text(kpi_cards(view)[1])
    assert "Gross margin" in shown and "1.2K" in shown.replace("k", "K")  # 5000 - 3800
