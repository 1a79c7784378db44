"""The address vocabulary: the contract between the cockpit and the customer list."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.analytics.abc import MOVES, TIERS
from dashboard.analytics.periods import PERIODS
from dashboard.analytics.selection import MOVERS, NO_TIER, Selector
from dashboard.analytics.status import STATUSES
from dashboard.errors import ValidationError
from dashboard.filters import (
    DEFAULT_PERIOD,
    FilterQuery,
    Filters,
    campaign_path,
    cockpit_url,
    customer_path,
    customers_url,
    default_period,
    encode,
    filter_params,
    kept_list_params,
    list_params,
    parse_filters,
    parse_selector,
    query_params,
    selector_to_dict,
    with_filters,
)

TODAY = dt.date(2026, 11, 22)


def test_the_documented_examples() -> None:
    filters = FilterQuery(as_of=dt.date(2026, 10, 31), period="90d", customer_type="Retail",
                          region="North", rep_id=12)
    url = customers_url(filters, Selector(tier_prev="A", tier="D"), today=TODAY)
    path, query = url.split("?", 1)
    assert path == "/customers"
    assert query.startswith("as_of=2026-10-31&period=90d&type=Retail&region=North&manager=12&")
    assert query_params(query) == {"as_of": "2026-10-31", "period": "90d", "type": "Retail",
                                   "region": "North", "manager": "12", "tier_prev": "A",
                                   "tier": "D"}
    assert parse_filters(url.split("?", 1)[1]) == filters
    assert parse_selector("?" + url.split("?", 1)[1]) == Selector(tier_prev="A", tier="D")


def test_defaults_are_left_out() -> None:
    today_30d = FilterQuery(as_of=TODAY, period="30d")
    assert cockpit_url(today_30d, today=TODAY) == "/"
    assert customers_url(today_30d, Selector(status="churning"), today=TODAY) == \
        "/customers?status=churning"
    assert customers_url(FilterQuery(), Selector(new=True)) == "/customers?new=1"
    assert customers_url(FilterQuery(period="90d"), Selector(), default_period="90d") == \
        "/customers"
    assert filter_params(FilterQuery(as_of=TODAY)) == {"as_of": "2026-11-22"}


@pytest.mark.parametrize(("query", "expected"), [
    ({"as_of": "2026-02-30"}, FilterQuery()),
    ({"as_of": "22/11/2026"}, FilterQuery()),
    ({"as_of": "1066-10-14"}, FilterQuery()),
    ({"as_of": " 2026-11-01 "}, FilterQuery(as_of=dt.date(2026, 11, 1))),
    ({"period": "fortnight"}, FilterQuery()),
    ({"period": "month"}, FilterQuery(period="month")),
    ({"type": "Wholesale"}, FilterQuery()),
    ({"type": "Trade"}, FilterQuery(customer_type="Trade")),
    ({"region": "x" * 121}, FilterQuery()),
    ({"region": "North\x00"}, FilterQuery()),
    ({"region": "华东"}, FilterQuery(region="华东")),
    ({"region": ""}, FilterQuery()),
    ({"manager": "0"}, FilterQuery()),
    ({"manager": "-3"}, FilterQuery()),
    ({"manager": "12abc"}, FilterQuery()),
    ({"manager": "99999999999"}, FilterQuery()),
    ({"manager": "7"}, FilterQuery(rep_id=7)),
    ({"manager": ["7", "8"]}, FilterQuery(rep_id=7)),
    ({"period": ["90d"], "unknown": "x"}, FilterQuery(period="90d")),
])
def test_filter_parsing_is_strict_and_safe(query: dict, expected: FilterQuery) -> None:
    assert parse_filters(query) == expected


@pytest.mark.parametrize(("search", "expected"), [
    ("?status=churning", Selector(status="churning")),
    ("?status=sleeping", Selector()),
    ("?new=1", Selector(new=True)),
    ("?new=yes", Selector()),
    ("?tier=E&tier_prev=none", Selector(tier_prev=NO_TIER)),
    ("?move=up&mover=orders_surge", Selector(move="up", mover="orders_surge")),
    ("?mover=orders", Selector()),
    ("", Selector()),
])
def test_selector_parsing(search: str, expected: Selector) -> None:
    assert parse_selector(search) == expected


def test_with_filters_keeps_the_list_selector() -> None:
    search = "?status=lost&period=90d&region=North&tier=A"
    changed = with_filters(search, FilterQuery(period="365d", customer_type="Retail"))
    assert changed == "?period=365d&type=Retail&status=lost&tier=A"
    assert with_filters(None, FilterQuery()) == ""


def test_query_params_from_either_form() -> None:
    assert query_params("?a=1&a=2&b=%E5%8D%8E") == {"a": "1", "b": "华"}
    assert query_params({"a": ["1", "2"], "b": 3, "c": None}) == {"a": "1", "b": "3"}
    assert query_params(None) == {}
    assert encode({}) == ""


filter_queries = st.builds(
    FilterQuery,
    as_of=st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 31)),
    period=st.none() | st.sampled_from(PERIODS),
    customer_type=st.none() | st.sampled_from(["Retail", "Trade", "Distributor"]),
    region=st.none() | st.text(st.characters(min_codepoint=0x20, blacklist_categories=("Cs",),
                                             blacklist_characters="\x7f"),
                               min_size=1, max_size=120).map(str.strip).filter(bool),
    rep_id=st.none() | st.integers(1, 999_999_999),
)
selectors = st.builds(
    Selector,
    status=st.none() | st.sampled_from(STATUSES), new=st.booleans(),
    tier=st.none() | st.sampled_from(TIERS),
    tier_prev=st.none() | st.sampled_from([*TIERS, NO_TIER]),
    move=st.none() | st.sampled_from(MOVES), mover=st.none() | st.sampled_from(MOVERS),
)


@settings(deadline=None)  # the machine is shared: no per-example time limit
@given(filter_queries, selectors)
def test_round_trip(filters: FilterQuery, selector: Selector) -> None:
    url = customers_url(filters, selector)
    search = url[len("/customers"):]
    parsed = parse_filters(search)
    period = None if filters.period == "30d" else filters.period  # the default is left out
    assert parsed == FilterQuery(as_of=filters.as_of, period=period,
                                 customer_type=filters.customer_type, region=filters.region,
                                 rep_id=filters.rep_id)
    assert parse_selector(search) == selector


@settings(deadline=None)
@given(st.dictionaries(st.sampled_from(["as_of", "period", "type", "region", "manager",
                                        "status", "new", "tier", "tier_prev", "move",
                                        "mover", "x"]),
                       st.text(max_size=40) | st.lists(st.text(max_size=5), max_size=3)))
def test_parsing_never_raises(query: dict) -> None:
    parse_filters(query)
    parse_selector(query)
    parse_filters(encode({k: v for k, v in query.items() if isinstance(v, str)}))


def test_page_paths() -> None:
    assert customer_path("A/1 二?#", "?period=90d") == "/customer/A%2F1%20%E4%BA%8C%3F%23" \
        "?period=90d"
    assert customer_path(1042) == "/customer/1042"
    assert campaign_path("17") == "/campaigns/17"
    with pytest.raises(ValueError):
        campaign_path("17; drop")


@pytest.mark.parametrize(("days", "expected"), [
    (30, "30d"), (90, "90d"), (365, "365d"), ("90", "90d"), (None, "30d"), (0, "30d"),
    (45, "30d"), (7, "30d"),
])
def test_default_period_follows_the_setting(days: object, expected: str) -> None:
    assert default_period(days) == expected
    assert DEFAULT_PERIOD == "30d"


def test_resolved_filters_keep_and_read_back() -> None:
    filters = Filters(as_of=dt.date(2026, 10, 31), period="quarter", customer_type="Trade",
                      region="华东", rep_id=12)
    kept = filters.to_dict()
    assert kept == {"as_of": "2026-10-31", "period": "quarter", "customer_type": "Trade",
                    "region": "华东", "rep_id": 12}
    assert Filters.from_dict(kept) == filters
    assert Filters(as_of=TODAY).period == "30d"
    with pytest.raises(ValidationError):
        Filters(as_of=TODAY, period="fortnight")
    with pytest.raises(ValidationError):
        Filters.from_dict({**kept, "period": "week"})
    with pytest.raises(KeyError):
        Filters.from_dict({"period": "30d"})


def test_a_resolved_view_links_like_the_address_it_came_from() -> None:
    resolved = Filters(as_of=TODAY, period="90d", region="North")
    asked = FilterQuery(as_of=TODAY, period="90d", region="North")
    assert customers_url(resolved, Selector(tier="A"), today=TODAY) == \
        customers_url(asked, Selector(tier="A"), today=TODAY) == \
        "/customers?period=90d&region=North&tier=A"
    assert cockpit_url(Filters(as_of=TODAY), today=TODAY) == "/"


def test_a_list_as_a_record_keeps_every_filter() -> None:
    """What a campaign says its recipients came from: the selector, then every filter (the
    as-of date and the default period too, so the record does not depend on the day)."""
    filters = Filters(as_of=TODAY, period="30d", customer_type="Retail", rep_id=7)
    assert list_params(Selector(tier="B"), filters) == {
        "tier": "B", "as_of": "2026-11-22", "period": "30d", "type": "Retail", "manager": "7"}
    assert encode(list_params(Selector(scheme=3, band=2), Filters(as_of=TODAY))) == \
        "?scheme=3&band=2&as_of=2026-11-22&period=30d"
    kept = {"filters": filters.to_dict(), "selector": selector_to_dict(Selector(new=True)),
            "query": {"search": "x"}}
    assert kept_list_params(kept) == {"new": "1", "as_of": "2026-11-22", "period": "30d",
                                      "type": "Retail", "manager": "7"}


@pytest.mark.parametrize("kept", [
    {}, {"filters": {"as_of": "2026-11-22"}}, {"filters": {"as_of": "22/11", "period": "30d"}},
    {"filters": {"as_of": "2026-11-22", "period": "week"}},
    {"filters": {"as_of": "2026-11-22", "period": "30d"}, "selector": {"tier": "E"}},
    {"filters": {"as_of": "2026-11-22", "period": "30d"}, "selector": {"colour": "red"}},
    {"filters": {"as_of": "2026-11-22", "period": "30d"}, "selector": ["tier"]},
])
def test_a_kept_list_that_is_not_one_says_nothing(kept: dict) -> None:
    assert kept_list_params(kept) == {}
