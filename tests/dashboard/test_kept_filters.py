"""Navbar links keep the filter bar's values and nothing else of the address."""

from __future__ import annotations

from dashboard.filters import kept_filters


def test_kept_filters_keep_only_the_bar() -> None:
    assert kept_filters("?as_of=2026-11-22&period=90d&status=lost&region=华东&q=x") == (
        "?as_of=2026-11-22&period=90d&region=%E5%8D%8E%E4%B8%9C")
    assert kept_filters("?type=Retail&manager=3&tier=A") == "?type=Retail&manager=3"
    assert kept_filters("?status=lost") == "" and kept_filters(None) == ""
    assert kept_filters("?period=&as_of=") == ""
