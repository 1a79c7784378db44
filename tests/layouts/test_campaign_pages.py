"""The campaign pages' words and pieces, by hand: what a campaign did against its comparison
group in sentences (every honest case), the progress words, the lists offered, a coupon in a
dropdown, where customers came from, the rows of the grids, and the pages' skeletons."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.analytics.selection import Selector
from dashboard.analytics.sends import Progress
from dashboard.analytics.uplift import UPLIFT_COLUMNS, campaign_uplift
from dashboard.i18n import use_language
from dashboard.services.campaign_drafts import ListChoice
from dashboard.services.campaign_forms import Problem
from layouts import ids
from layouts.campaign_list_parts import decision_rows, grid_rows
from layouts.campaign_new_parts import choice_label, list_options, problems_body
from layouts.components.campaign_parts import (
    coupon_label,
    progress_values,
    progress_words,
    source_words,
    uplift_words,
)
from tests.layouts.walk import text, walk

START = dt.date(2026, 11, 1)  # the first full day after the send
SENT = dt.datetime(2026, 10, 31, 15, 30)


def _uplift(orders: tuple, revenue: tuple, *, treated: int = 400, held: int = 100,
            end: dt.date = dt.date(2026, 11, 30), complete: bool = True,
            state: str = "measured") -> pd.DataFrame:
    """Two metric rows: (treated mean, holdout mean, difference, low, high)."""
    rows = []
    for metric, (t, h, d, lo, hi) in (("orders", orders), ("revenue", revenue)):
        rows.append({"metric": metric, "treated_n": treated, "holdout_n": held,
                     "treated_mean": t, "holdout_mean": h, "difference": d, "ci_low": lo,
                     "ci_high": hi, "p_value": 0.01, "relative_pct": float("nan"),
                     "small_group": min(treated, held) < 30, "window_start": START,
                     "window_end": end, "window_complete": complete, "sent_at": SENT,
                     "state": state})
    return pd.DataFrame(rows, columns=UPLIFT_COLUMNS)


def test_a_clear_effect_in_the_words_of_the_brief() -> None:
    words = uplift_words(_uplift((1.4, 1.0, 0.4, 0.1, 0.7), (900, 700, 200, 80, 320)),
                         "CNY", 30)
    assert words == [
        "From the messages sent on Oct 31, 2026 at 15:30 to the end of Nov 30, 2026:",
        "Customers who got the coupon ordered 0.4 more times each (between 0.1 and 0.7) than "
        "similar customers who did not.",
        "They spent CN¥200 more each (between CN¥80 and CN¥320).",
    ]


def test_an_unclear_or_negative_effect_is_said_so() -> None:
    words = uplift_words(_uplift((1.0, 1.3, -0.3, -0.8, 0.2), (600, 720, -120, -300, -20)),
                         "CNY", 30)
    assert words[1] == ("Customers who got the coupon ordered 0.3 fewer times each (between "
                        "0.8 fewer and 0.2 more) than similar customers who did not.")
    assert words[2] == "They spent CN¥120 less each (between CN¥20 and CN¥300)."
    assert words[3] == ("Where a range includes no difference at all, the difference may be "
                        "chance.")
    same = uplift_words(_uplift((1.0, 1.02, -0.02, -0.5, 0.46), (700, 700, 0.4, -50, 50)),
                        "CNY", 30)
    assert same[1].startswith("Customers who got the coupon ordered as often as similar "
                              "customers who did not (between 0.5 fewer and 0.5 more)")
    assert same[2] == "They spent as much as the others (between CN¥50 less and CN¥50 more)."


def test_small_groups_short_windows_and_no_comparison() -> None:
    small = uplift_words(_uplift((2, 1, 1, 0.2, 1.8), (9, 5, 4, 1, 7), held=12,
                                 end=dt.date(2026, 11, 10), complete=False), "CNY", 30)
    assert small[0] == ("From the messages sent on Oct 31, 2026 at 15:30 to the end of Nov 10, "
                        "2026:")
    assert small[-2] == ("The comparison group is small (12 customers), so treat this as a "
                         "rough guide.")
    assert small[-1] == ("The 30-day window ends on Nov 30, 2026: these figures will still "
                         "change.")
    none = uplift_words(_uplift((1.5, float("nan"), float("nan"), float("nan"), float("nan")),
                                (640, float("nan"), float("nan"), float("nan"), float("nan")),
                                held=0), "CNY", 30)
    assert none[1] == ("No comparison group was kept, so what the coupon changed cannot be "
                       "measured: customers who got it ordered 1.5 times and spent CN¥640 "
                       "each. Keep 10 to 20 % as a comparison group next time.")
    one = uplift_words(_uplift((1, 2, -1, float("nan"), float("nan")),
                               (5, 9, -4, float("nan"), float("nan")), held=1), "CNY", 30)
    assert one[-1] == ("Only 1 customer was held out: too few to measure what the coupon did. "
                       "Keep at least 30 next time.")
    early = uplift_words(_uplift((0, 0, 0, 0, 0), (0, 0, 0, 0, 0), end=START - dt.timedelta(
        days=1), complete=False, state="too_early"), "CNY", 30)
    assert early == ["The messages went out on Oct 31, 2026 at 15:30. Only orders placed "
                     "after that count: come back from Nov 1, 2026 to see what they did."]
    quiet = uplift_words(_uplift((0, 0, 0, 0, 0), (0, 0, 0, 0, 0), end=START, complete=False,
                                 state="no_orders"), "CNY", 30)
    assert quiet == ["From the messages sent on Oct 31, 2026 at 15:30 to the end of Nov 1, "
                     "2026:",
                     "No customer in either group has ordered since the messages went out.",
                     "The 30-day window ends on Nov 30, 2026: these figures will still change."]


def test_too_early_says_so_instead_of_figures_in_both_languages() -> None:
    """Minutes after sending, with a difference in the table (the morning's orders of the
    old window), the words give no figure, in English and in Chinese."""
    early = _uplift((1.4, 0.0, 1.4, 0.9, 1.9), (1154, 0, 1154, 800, 1500),
                    end=START - dt.timedelta(days=1), complete=False, state="too_early")
    words = uplift_words(early, "CNY", 30)
    assert len(words) == 1 and "1,154" not in words[0] and "CN¥" not in words[0]
    with use_language("zh"):
        zh = uplift_words(early, "CNY", 30)
    assert zh == ["消息已于 2026年10月31日 15:30 发出。只计算此后下的订单：请从 2026年11月1日 起回来"
                  "查看效果。"]
    with use_language("zh"):
        quiet = uplift_words(_uplift((0, 0, 0, 0, 0), (0, 0, 0, 0, 0), end=START,
                                     complete=False, state="no_orders"), "CNY", 30)
    assert quiet[:2] == ["从 2026年10月31日 15:30 发出消息起，至 2026年11月1日 当天结束：",
                         "消息发出后，两组客户都还没有下单。"]


def test_the_words_follow_the_uplift_engine() -> None:
    rows = pd.DataFrame({"customer_id": range(1, 9),
                         "status": ["sent"] * 4 + ["holdout"] * 4})
    days = pd.DataFrame({"customer_id": [1, 1, 2, 3, 5], "day": pd.to_datetime(
        ["2026-11-02"] * 5), "orders": [1, 1, 1, 1, 1], "revenue": [100.0] * 5})
    table = campaign_uplift(rows, days, sent_at=SENT, window_days=30,
                            as_of=dt.date(2026, 12, 31))
    words = uplift_words(table, "CNY", 30)
    assert words[1].startswith("Customers who got the coupon ordered 0.8 more times each")


def test_chinese_words() -> None:
    with use_language("zh"):
        words = uplift_words(_uplift((1.4, 1.0, 0.4, 0.1, 0.7), (900, 700, 200, 80, 320)),
                             "CNY", 30)
    assert words[1] == ("收到优惠券的客户平均每人比未收到的同类客户多下单 0.4 次（介于 0.1 与 0.7 "
                        "之间）。")
    assert words[2] == "他们平均每人多消费 ¥200（介于 ¥80 与 ¥320 之间）。"


def test_progress_in_words_and_on_the_bar() -> None:
    progress = Progress({"pending": 80, "sending": 2, "sent": 35, "failed": 2, "unknown": 1,
                         "holdout": 12, "unreachable": 3})
    assert (progress.messages, progress.finished, progress.waiting) == (120, 38, 82)
    assert progress_words(progress) == ("38 of 120 messages done: 35 sent, 2 failed, 1 outcome "
                                        "unknown; 82 waiting")
    assert progress_values(progress) == (38, 120, "32%")
    assert progress_values(Progress({"holdout": 4})) == (1, 1, "100%")
    # 119 of 120 is 99.2 %, and 239 of 240 (99.6 %) is not rounded up to a finished "100%"
    assert progress_values(Progress({"sent": 119, "pending": 1})) == (119, 120, "99%")
    assert progress_values(Progress({"sent": 239, "pending": 1})) == (239, 240, "99%")
    with use_language("zh"):
        assert progress_words(Progress({"sent": 3, "cancelled": 1})) == (
            "已完成 4 / 4 条消息：3 条已发送，0 条失败，0 条结果未知；1 条已取消（客户已退订）")


def test_the_lists_offered_and_a_coupon_label() -> None:
    choices = [ListChoice(Selector(status="churning"), 12), ListChoice(Selector(tier="A"), 1),
               ListChoice(Selector(mover="orders_drop"), 0),
               ListChoice(Selector(scheme=7, band=2), 40, "Falling stars", "-50 % to -20 %")]
    options = list_options(choices)
    assert [o["value"] for o in options] == ["status=churning", "tier=A", "mover=orders_drop",
                                             "scheme=7&band=2"]
    assert [o.get("disabled") for o in options] == [False, False, True, False]
    assert options[3]["label"] == "Classification: Falling stars · -50 % to -20 % · 40 customers"
    with use_language("zh"):
        assert choice_label(choices[0]) == "状态：即将流失 · 12 个客户"
    row = {"name": "Spring", "kind": "percent", "value": 8, "min_spend": 2000,
           "validity_days": 21, "code_pattern": "S-{random}"}
    assert coupon_label(row, "CNY") == "Spring · 8% off an order of CN¥2,000 or more · valid 21 " \
                                       "days"


def test_where_the_customers_came_from() -> None:
    assert source_words("source=picked") == "Customers picked in the customer list"
    assert source_words("source=list&status=churning&as_of=2026-11-22&period=90d&region=North") \
        == ("A list chosen on this page, Status: Churning, Last 90 days, as of Nov 22, 2026, "
            "region North")
    assert source_words("") == "–" and source_words(None) == "–"


def test_grid_rows() -> None:
    rows = pd.DataFrame([{"campaign_id": 3, "name": "<b>Spring</b>", "channel": "sms",
                          "created_by": None, "queued_at": pd.Timestamp("2026-11-20 09:00"),
                          "recipients": 1200, "pending": 10, "sending": 0, "sent": 1100,
                          "failed": 5, "unknown": 1, "holdout": 60, "unreachable": 24,
                          "cancelled": 0, "redeemed": 40, "redeemed_revenue": 56000.0}])
    (row,) = grid_rows(rows, "CNY")
    assert row["href"] == "/campaigns/3" and row["name"] == "<b>Spring</b>"  # a text child
    assert row["recipients"] == "1,200" and row["redeemed_revenue"] == "CN¥56,000"
    # 1,100 sent + 5 failed + 1 unknown are done (not all "sent"), as the bar fills
    assert row["progress"] == {"sending": True, "done": 1106, "total": 1116,
                               "text": "1,106 of 1,116 done"}
    assert row["created_by"] == "–" and row["queued_at"] == "Nov 20, 2026"
    unknown = pd.DataFrame([{"outbox_id": 9, "campaign_id": 3, "campaign": "Spring",
                             "customer_id": 4, "code": "C4", "name": "Delta", "channel": "log",
                             "address": "d@x.example", "claimed_at": pd.Timestamp(
                                 "2026-11-20 09:10"), "last_error": "timeout"}])
    assert decision_rows(unknown) == [{
        "row_id": "9", "outbox_id": 9, "campaign": "Spring", "customer": "Delta (C4)",
        "channel": "Log file", "address": "d@x.example", "since": "Nov 20, 2026 09:10 UTC",
        "last_error": "timeout"}]


def test_problems_are_said_in_the_readers_language() -> None:
    problems = [Problem("template", "Unknown placeholder {names}: use only {allowed}.",
                        {"names": "{nam}", "allowed": "{name} {code}"})]
    assert "Unknown placeholder {nam}: use only {name} {code}." in text(problems_body(problems))
    with use_language("zh"):
        assert "未知的占位符 {nam}：只能使用 {name} {code}。" in text(problems_body(problems))


@pytest.fixture
def page_modules(runtime):  # noqa: ANN001, ANN201
    """The page modules (Dash registers pages only once an app exists)."""
    import importlib

    from app import create_app

    create_app(runtime.settings, runtime)
    return {m: importlib.import_module(f"layouts.{m}")
            for m in ("campaigns", "campaign_new", "campaign_results")}


def test_each_page_declares_the_ids_its_callbacks_use(page_modules) -> None:  # noqa: ANN001
    prefixes = {"campaigns": ("CAMPAIGNS_",), "campaign_new": ("CAMPAIGN_NEW_",),
                "campaign_results": ("CAMPAIGN_",)}
    for module, page in page_modules.items():
        found = {n.id["type"] if isinstance(n.id, dict) else n.id  # pattern ids by type
                 for n in walk(page.layout()) if getattr(n, "id", None)}
        wanted = {v for k, v in vars(ids).items() if k.startswith(prefixes[module])
                  and not (module == "campaign_results" and k.startswith("CAMPAIGN_NEW_"))}
        assert wanted - found == set(), module


def test_the_new_page_is_not_taken_for_a_campaign(page_modules) -> None:  # noqa: ANN001
    from dash._pages import _path_to_page

    assert _path_to_page("campaigns/new")[0]["module"] == "layouts.campaign_new"
    page, variables = _path_to_page("campaigns/12")
    assert page["module"] == "layouts.campaign_results" and variables == {"campaign_id": "12"}
    assert _path_to_page("campaigns")[0]["module"] == "layouts.campaigns"
    results = page_modules["campaign_results"].layout(campaign_id="12<script>")
    stores = [n for n in walk(results) if getattr(n, "id", None) == ids.CAMPAIGN_QUERY]
    assert stores[0].data["id"] == "12<script>"  # the service refuses it as a campaign id
    new = page_modules["campaign_new"].layout(intent="x" * 32, selection="abc")
    intent = [n for n in walk(new) if getattr(n, "id", None) == ids.CAMPAIGN_NEW_INTENT]
    assert intent[0].data == "x" * 32
    forged = page_modules["campaign_new"].layout(intent="'><script>")
    assert [n for n in walk(forged) if getattr(n, "id", None) == ids.CAMPAIGN_NEW_INTENT][
        0].data is None


def test_the_portraits_campaigns_open_their_results() -> None:
    from types import SimpleNamespace

    from layouts.portrait_lists import campaigns_card
    from tests.layouts.walk import links

    sends = pd.DataFrame([{"outbox_id": 1, "campaign_id": 5, "campaign": "Spring",
                           "channel": "sms", "status": "sent", "is_holdout": False,
                           "coupon_code": "S-1", "expires_on": None,
                           "queued_at": pd.Timestamp("2026-11-01"),
                           "sent_at": pd.Timestamp("2026-11-01 10:00"),
                           "redeemed_at": None, "redeemed_order": None,
                           "redeemed_amount": None, "last_error": None}])
    card = campaigns_card(SimpleNamespace(campaigns=sends, currency="CNY"))
    assert links(card) == [("/campaigns/5", "Spring")]
