"""The link components: every page links to a list, the overview, a portrait or a campaign
with the address ``dashboard.filters`` builds."""

from __future__ import annotations

import datetime as dt

from dash import dcc

from dashboard.analytics.selection import Selector
from dashboard.filters import FilterQuery, Filters
from layouts.links import campaign_link, cockpit_link, customer_link, customers_link
from tests.layouts.walk import links

TODAY = dt.date(2026, 11, 22)


def test_a_list_link_leaves_the_defaults_out() -> None:
    link = customers_link("26", Filters(as_of=TODAY, period="90d"),
                          Selector(status="churning"), today=TODAY, default_period="90d",
                          className="band-count", title="List these customers")
    assert isinstance(link, dcc.Link)
    assert links(link) == [("/customers?status=churning", "26")]
    assert (link.className, link.title) == ("band-count", "List these customers")
    other_day = customers_link("3", FilterQuery(as_of=dt.date(2026, 10, 31), region="华东"),
                               Selector(scheme=7, band=2), today=TODAY)
    assert links(other_day) == [("/customers?as_of=2026-10-31&region=%E5%8D%8E%E4%B8%9C"
                                 "&scheme=7&band=2", "3")]


def test_overview_portrait_and_campaign_links() -> None:
    assert links(cockpit_link("Show every customer", FilterQuery(as_of=TODAY, period="30d"),
                              today=TODAY)) == [("/", "Show every customer")]
    assert links(cockpit_link("x", FilterQuery(period="month"))) == [("/?period=month", "x")]
    assert links(customer_link("Alpha", "A 1/2", "?period=90d")) == \
        [("/customer/A%201%2F2?period=90d", "Alpha")]
    assert links(campaign_link("Spring", 5)) == [("/campaigns/5", "Spring")]
