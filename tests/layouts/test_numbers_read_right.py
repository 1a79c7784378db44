"""Numbers that read right: no "-0%", no negative share or money for a tier whose returns
outweigh its sales, each tier's share of customers as a bar with its percentage on hover."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from dashboard.i18n import format_percent, use_language
from layouts.cockpit_panels import tiers_panel
from tests.layouts.walk import text


def test_no_negative_zero_percent() -> None:
    assert format_percent(-0.2) == "0%"
    assert format_percent(-0.04, 1) == "0%"
    assert format_percent(-0.06, 1) == "-0.1%"
    assert format_percent(-0.4, signed=True) == "0%"


def _view(d_revenue: float) -> SimpleNamespace:
    tiers = pd.DataFrame({
        "customers": [2, 3, 4, 8], "customer_pct": [11.8, 17.6, 23.5, 47.1],
        "revenue": [80_000.0, 15_000.0, 6_300.0, d_revenue],
        "revenue_pct": [79.2, 14.9, 6.2, d_revenue / 1013.0],
    }, index=["A", "B", "C", "D"])
    return SimpleNamespace(overview=SimpleNamespace(tiers=tiers), currency="CNY",
                           filters=SimpleNamespace(), list_query="")


def _titles(component) -> list[str]:  # noqa: ANN001
    found = []
    title = getattr(component, "title", None)
    if title:
        found.append(str(title))
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found += _titles(child)
    return found


def test_tier_d_with_returns_reads_zero_and_shows_no_money(monkeypatch) -> None:  # noqa: ANN001
    import layouts.cockpit_panels as panels

    monkeypatch.setattr(panels, "list_url", lambda view, selector: "/customers")
    with use_language("en"):
        shown = text(tiers_panel(_view(-1_300.0)))
        titles = _titles(tiers_panel(_view(-1_300.0)))
    assert "-0%" not in shown and "−" not in shown and "-CN¥" not in shown
    assert "CN¥80K" in shown and "CN¥6.3K" in shown
    assert "47% of customers" in titles and "12% of customers" in titles
    with use_language("zh"):
        assert "占客户 47%" in _titles(tiers_panel(_view(500.0)))


def test_the_tier_matrix_carries_the_playbook() -> None:
    from layouts.cockpit_panels import _cell_actions, _playbook_lines

    actions = _cell_actions()
    assert actions[("C", "A")] == "keep" and actions[("none", "B")] == "grow"
    assert actions[("A", "D")] == "visit" and actions[("C", "D")] == "call"
    assert actions[("none", "D")] == "call" and actions[("D", "C")] == "promote"
    assert _playbook_lines(actions) == [("A", "keep"), ("B", "grow"), ("C", "promote"),
                                        ("A/B → D", "visit"), ("C/D/– → D", "call")]


def test_open_bands_read_above() -> None:
    from layouts.schemes_parts import band_range

    with use_language("en"):
        assert band_range("risk_score", [1, 2, 4, 9999], 3) == "above 4"
        assert band_range("risk_score", [1, 2, 4, 9999], 2) == "> 2 – 4"
    with use_language("zh"):
        assert band_range("risk_score", [1, 2, 4, 9999], 3) == "高于 4"


def test_chart_months_read_on_two_lines() -> None:
    from layouts.portrait_cards import _month_tick

    with use_language("en"):
        assert _month_tick("2026-01-01") == "Jan<br>2026"
    with use_language("zh"):
        assert _month_tick("2026-01-01") == "1月<br>2026年"


def test_chart_months_name_each_year_once() -> None:
    from layouts.portrait_cards import _month_ticks

    months = ["2025-10-01", "2026-01-01", "2026-04-01", "2026-07-01", "2027-01-01"]
    with use_language("en"):
        assert _month_ticks(months) == ["Oct<br>2025", "Jan<br>2026", "Apr", "Jul",
                                        "Jan<br>2027"]
    with use_language("zh"):
        assert _month_ticks(months[1:3]) == ["1月<br>2026年", "4月"]


def test_team_headline_writes_dates_in_the_readers_language(runtime) -> None:  # noqa: ANN001
    import datetime as dt
    import importlib
    from types import SimpleNamespace

    from app import create_app

    create_app(runtime.settings, runtime)  # Dash registers pages only once an app exists
    headline = importlib.import_module("layouts.team").headline

    page = SimpleNamespace(bounds=SimpleNamespace(
        start=dt.date(2026, 11, 8), end=dt.date(2026, 12, 7), prev_start=dt.date(2026, 10, 9),
        prev_end=dt.date(2026, 11, 7)))
    with use_language("en"):
        assert headline(page) == ("Nov 8, 2026 to Dec 7, 2026, against Oct 9, 2026 to "
                                  "Nov 7, 2026")
    with use_language("zh"):
        assert headline(page) == "2026年11月8日 至 2026年12月7日，对比 2026年10月9日 至 2026年11月7日"
