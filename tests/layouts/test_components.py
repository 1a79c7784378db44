"""Shared components and the colours: deltas coloured by good or bad news, KPI cards,
badges, states, and one colour per status and tier in CSS and in the plotly template."""

from __future__ import annotations

import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from dash import dcc

from dashboard.i18n import use_language
from layouts import figures
from layouts.components.badges import status_badge, tier_badge
from layouts.components.cards import Delta, delta_text, kpi_card, panel
from layouts.components.filter_bar import ALL, filter_bar, manager_options, type_options
from layouts.components.states import empty_state, error_alert, skeleton
from tests.layouts.walk import links, text

CSS = (Path(__file__).resolve().parents[2] / "assets" / "cockpit.css").read_text()


@pytest.mark.parametrize(("change", "up_is_good", "direction", "tone"), [
    (12.0, True, "up", "good"),      # more revenue
    (12.0, False, "up", "bad"),      # more churning customers: red ▲
    (-8.0, False, "down", "good"),   # fewer lost customers
    (-8.0, True, "down", "bad"),     # fewer orders
    (0.4, True, "flat", "flat"),     # rounds to 0 %
    (None, True, "flat", "flat"),
    (float("nan"), False, "flat", "flat"),
])
def test_delta_colour_follows_good_news(change, up_is_good, direction, tone) -> None:  # noqa: ANN001
    delta = Delta(change, up_is_good)
    assert (delta.direction, delta.tone) == (direction, tone)
    shown = delta_text(delta)
    assert f"delta-{tone}" in shown.className


def test_delta_words() -> None:
    with use_language("en"):
        assert text(delta_text(Delta(12.4, False))) == "▲ 12%"
        assert text(delta_text(Delta(-3.0, True))) == "▼ 3%"
        assert text(delta_text(Delta(None))) == "no earlier value"
    with use_language("zh"):
        assert delta_text(Delta(12.4, False)).title == "差于上期"


def test_kpi_card_links_when_it_counts_customers() -> None:
    card = kpi_card("Churning", "26", previous="20", delta=Delta(30.0, False),
                    href="/customers?status=churning", accent="#b45309", card_id="kpi-x")
    assert links(card) == [("/customers?status=churning", "26")]
    assert "prev. 20" in text(card) and card.id == "kpi-x"
    plain = kpi_card("Revenue", "CN¥1.48M")
    assert links(plain) == [] and "CN¥1.48M" in text(plain)


def test_badges_and_states() -> None:
    assert status_badge("churning").className.endswith("badge-status-churning")
    assert text(status_badge(None)) == "–"
    assert text(tier_badge("A", previous="C")) == "C → A"
    assert text(tier_badge("B", previous="B")) == "B"
    assert "Loading" in text(skeleton(2))
    assert "Nothing" in text(empty_state("Nothing here", "Try again"))
    assert error_alert("Oops").color == "warning"
    assert "Title" in text(panel("Title", "body", note="n"))


def test_filter_bar_options() -> None:
    with use_language("zh"):
        assert type_options(["Retail"]) == [{"label": "全部类型", "value": ALL},
                                            {"label": "零售", "value": "Retail"}]
    assert manager_options([(3, "Wang")], single=True) == [{"label": "Wang", "value": ALL}]
    assert [o["value"] for o in manager_options([(3, "Wang"), (4, "Li")])] == [ALL, "3", "4"]
    assert "filter-hidden" in filter_bar().className
    assert "filter-hidden" not in filter_bar(visible=True).className


def _css_variables() -> dict[str, str]:
    return dict(re.findall(r"--([a-zA-Z-]+):\s*(#[0-9a-fA-F]{6});", CSS))


def test_one_colour_per_status_and_tier_in_css_and_figures() -> None:
    css = _css_variables()
    for status, colour in figures.STATUS_COLOURS.items():
        assert css[f"status-{status}"] == colour
    for tier, colour in figures.TIER_COLOURS.items():
        assert css[f"tier-{tier}"] == colour
    for move, colour in figures.MOVE_COLOURS.items():
        assert css[f"move-{move}"] == colour
    assert len(set(figures.STATUS_COLOURS.values())) == len(figures.STATUS_COLOURS)
    assert len(set(figures.TIER_COLOURS.values())) == len(figures.TIER_COLOURS)
    # red means "needs attention": only lost customers and tiers moving down
    reds = {k for k, v in {**figures.STATUS_COLOURS, **figures.TIER_COLOURS}.items()
            if v == figures.BAD}
    assert reds == {"lost"} and figures.MOVE_COLOURS["down"] == figures.BAD


@pytest.mark.parametrize("kind", ["status", "tier"])
def test_badge_text_meets_contrast_aa(kind: str) -> None:
    colours = figures.STATUS_COLOURS if kind == "status" else figures.TIER_COLOURS
    for name, colour in colours.items():
        rule = re.search(rf"\.badge-{kind}-{name} \{{[^}}]*color: (#[0-9a-f]{{3,6}})", CSS)
        assert rule, name
        shown = rule.group(1)
        shown = "#ffffff" if shown == "#fff" else shown
        assert figures.contrast(colour, shown) >= 4.5, (name, colour, shown)
        assert figures.text_on(colour) == shown


def test_contrast_formula() -> None:
    assert round(figures.contrast("#000000", "#ffffff"), 1) == 21.0
    assert figures.contrast("#777777", "#777777") == 1.0


def test_template_and_bar_figure() -> None:
    figure = figures.bar_figure(["A", "B"], [3, 5], [figures.TIER_COLOURS["A"],
                                                   figures.TIER_COLOURS["B"]], text=["3", "5"])
    assert isinstance(figure, go.Figure)
    assert figure.layout.template.layout.font.family == figures.FONT_FAMILY
    assert "Noto Sans CJK SC" in figures.FONT_FAMILY
    assert list(figure.data[0].marker.color) == ["#1a237e", "#3949ab"]
    assert figure.layout.yaxis.autorange == "reversed"
    vertical = figures.bar_figure(["A"], [1], ["#000000"], horizontal=False)
    assert vertical.data[0].orientation == "v"


def test_css_loads_after_bootstrap_and_has_a_cjk_font_stack() -> None:
    import app

    assert app.STYLESHEETS[0].endswith("bootstrap.min.css")
    assert "Noto Sans CJK SC" in CSS and "html:lang(zh-CN) body" in CSS
    assert isinstance(dcc.Link("x", href="/"), dcc.Link)
