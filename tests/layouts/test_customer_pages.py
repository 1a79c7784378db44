"""The list and portrait layouts: links that can only be what the server builds, rows
formatted per language, the filter in words, and the dialog's outcomes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics.selection import Selector
from dashboard.i18n import use_language
from dashboard.services import contacts
from dashboard.services import customers as service
from layouts.components.contact_dialog import OUTCOME_NAMES
from layouts.customer_grid import (
    CHOOSABLE,
    COLUMNS,
    column_defs,
    email_href,
    grid_rows,
    phone_href,
    portrait_href,
)
from layouts.customer_words import selection_text, selector_words
from layouts.portrait_cards import chance_text, chart_text
from layouts.portrait_head import customer_code


def test_links_are_built_only_in_safe_shapes() -> None:
    assert phone_href("+86 138-0000-0001") == "tel:+8613800000001"
    assert phone_href("javascript:alert(1)") is None
    assert phone_href("12") is None and phone_href(None) is None
    assert email_href("a@alpha.example") == "mailto:a@alpha.example"
    for bad in ("javascript:alert(1)//@x.example", "a b@c.d", "<a@b.c>", "a@b", None, 3):
        assert email_href(bad) is None
    assert portrait_href("A/1 二?#", "?period=90d") == "/customer/A%2F1%20%E4%BA%8C%3F%23" \
                                                        "?period=90d"
    assert customer_code("A%2F1%20%E4%BA%8C%3F%23") == "A/1 二?#"
    assert customer_code("x" * 65) == "" and customer_code("a\x00b") == "" and \
        customer_code(None) == ""


def test_chart_labels_and_chances() -> None:
    assert chart_text("<b>Glue</b> & <a href='x'>") == "&lt;b&gt;Glue&lt;/b&gt; &amp; " \
                                                     "&lt;a href='x'&gt;"
    assert chance_text(0.001) == "> 99%" and chance_text(0.999) == "< 1%"
    assert chance_text(0.18) == "82%"


def test_columns_of_the_grid() -> None:
    fields = [c.field for c in COLUMNS]
    assert set(fields) <= set(service.ROW_COLUMNS) | {"reason"}
    defs = {d["field"]: d for d in column_defs(["revenue", "no_such_column"])}
    assert defs["customer_name"]["hide"] is False and defs["customer_name"]["pinned"] == "left"
    assert defs["revenue"]["hide"] is False and defs["orders"]["hide"] is True
    # lists sort by money at risk first: the order in which to call
    assert defs["q"]["hide"] is True and defs["money_at_risk"]["initialSort"] == "desc"
    assert "initialSort" not in defs["revenue"]
    assert defs["reason"]["sortable"] is False
    everything = column_defs([])
    assert sum(not d["hide"] for d in everything if d["field"] in CHOOSABLE) > 10


def _rows() -> pd.DataFrame:
    row = {c: np.nan for c in service.ROW_COLUMNS}
    row.update(customer_id=7, customer_code="C7", customer_name="<b>Seven</b>",
               customer_type="Trade", region="East", account_manager="Wang",
               status="churning", is_new=True, abc_tier="B", abc_tier_prev="A",
               tier_move="down", action="visit", revenue=12345.6, growth_pct=-12.4,
               orders=3, receivable=850.05, overdue=600.05, risk_score=2.64,
               churn_probability=0.18, churn_pct=18.0, mean_gap_days=12.0,
               days_since_last_order=41, gap_borrowed=False,
               last_order_date=pd.Timestamp("2026-10-12"), last_visit=pd.NaT,
               phone="+86 1380000", email="a@b.example")
    frame = pd.DataFrame([row])
    return frame.assign(status=pd.Categorical(frame["status"]),
                        abc_tier_prev=pd.Categorical(frame["abc_tier_prev"]),
                        abc_tier=pd.Categorical(frame["abc_tier"]))


@pytest.mark.parametrize(("language", "money", "date", "status", "reason"), [
    ("en", "CN¥12,346", "Oct 12, 2026", "Churning", "usually orders every 12 days"),
    ("zh", "¥12,346", "2026年10月12日", "即将流失", "通常"),
])
def test_rows_in_each_language(language: str, money: str, date: str, status: str,
                               reason: str) -> None:
    with use_language(language):
        row = grid_rows(_rows(), "CNY", "?as_of=2026-11-22")[0]
    assert row["revenue"] == money and row["last_order_date"] == date
    assert row["status"] == "churning" and row["status_label"] == status
    assert row["customer_name"] == "<b>Seven</b>"  # text; the renderer escapes it
    assert row["href"] == "/customer/C7?as_of=2026-11-22" and row["row_id"] == "7"
    assert row["growth_pct"].startswith("−") and row["last_visit"] == ""
    assert reason in row["reason"] and row["phone_href"] == "tel:+861380000"
    assert row["abc_tier"] == "B" and row["abc_tier_prev"] == "A"


def test_the_filter_in_words() -> None:
    with use_language("en"):
        assert selector_words(Selector(tier_prev="A", tier="D")) == ["Tier moved A → D"]
        assert selector_words(Selector(tier_prev="none", tier="C")) == [
            "Tier moved no tier → C"]
        assert selector_words(Selector(status="lost", new=True)) == [
            "Status: Lost", "New this period"]
        assert selector_words(Selector(mover="orders_drop")) == [
            "Orders dropped (last 30 days)"]
        assert selection_text(0, "picked").startswith("Tick customers")
        assert selection_text(1234, "matching") == "All 1,234 matching customers selected."
        assert selection_text(2, "picked", 10) == "2 customers selected. (of 10)"


def test_the_dialogs_outcomes_are_the_services() -> None:
    assert tuple(OUTCOME_NAMES) == contacts.OUTCOMES


def test_dates_in_rows_are_days() -> None:
    frame = _rows().assign(last_visit=pd.Timestamp(dt.datetime(2026, 11, 19)))
    with use_language("en"):
        assert grid_rows(frame, "CNY")[0]["last_visit"] == "Nov 19, 2026"
