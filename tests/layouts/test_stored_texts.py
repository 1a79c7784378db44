"""Stored texts worded for the reader: every reason and alert key, every rule figure and choice,
and every audit action renders in English and Chinese, the Chinese with no English left
(names people typed are data and stay as typed), numbers, money and dates formatted by Babel."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics import reasons
from dashboard.analytics.kinds import SCHEME_KINDS
from dashboard.analytics.rules import FIGURES
from dashboard.i18n import use_language
from layouts.portrait_cards import risk_card
from layouts.stored_texts import AUDIT_ACTIONS, AUDIT_OBJECTS, audit_action, audit_object, render
from tests.layouts.walk import text

ROOT = Path(__file__).resolve().parents[2]
BAND, RULE = "Sales slowing", "Slipping (East)"  # typed by people: data, kept as typed
SAMPLE = {  # one value for every name a key takes
    "days": 400, "limit": 365, "risk": 1.61, "revenue": 123901.31, "end": "2026-12-06",
    "band": BAND, "figure": "risk_score", "value": 2.5, "top": 20, "operator": ">=",
    "threshold": 2, "for_days": 20, "since": "2026-11-22", "rule": RULE,
    "text": "kept as written",
}
ASCII_LETTERS = re.compile(r"[A-Za-z]")


def english_left(words: str, *data: str) -> list[str]:
    """The ASCII letters of ``words`` outside the data values."""
    for value in data:
        words = words.replace(value, "")
    return ASCII_LETTERS.findall(words)


def sample(key: str) -> str:
    return reasons.stored_text(key, **{name: SAMPLE[name] for name in reasons.KEYS[key]})


@pytest.mark.parametrize("key", sorted(set(reasons.KEYS) - {reasons.TEXT}))
def test_every_key_renders_in_both_languages(key: str) -> None:
    stored = sample(key)
    english, chinese = render(stored, "CNY", "en"), render(stored, "CNY", "zh")
    for words in (english, chinese):
        assert words and "{" not in words and "}" not in words
    assert english != chinese
    assert english_left(chinese, BAND, RULE) == [], chinese
    if "band" in reasons.KEYS[key]:
        assert BAND in english and BAND in chinese
    if "rule" in reasons.KEYS[key]:
        assert chinese.startswith(RULE + "：") and english.startswith(RULE + ": ")


def test_numbers_money_and_dates_are_formatted_for_the_language() -> None:
    revenue = sample("tier.revenue")
    assert render(revenue, "CNY", "en") == "revenue CN¥123,901 in the 30 days to Dec 6, 2026" \
        .replace("30", "400")
    assert render(revenue, "CNY", "zh") == "截至 2026年12月6日 的 400 天销售额 ¥123,901"
    assert render(revenue, "EUR", "en") == "revenue €123,901 in the 400 days to Dec 6, 2026"
    band = reasons.stored_text("scheme.band", band=BAND, figure="risk_score", value=1.61)
    assert render(band, "CNY", "en") == "moved to band 'Sales slowing' (risk score 1.61)"
    assert render(band, "CNY", "zh") == "进入等级“Sales slowing”（风险分 1.61）"
    top = reasons.stored_text("scheme.band_top", band="Big", figure="revenue_rank", top=20,
                              value=12.5)
    assert render(top, "CNY", "en") == \
        "moved to band 'Big' (top 20%: 12.5% of customers rank higher)"
    assert render(top, "CNY", "zh") == "进入等级“Big”（前 20%：12.5%的客户排名更高）"
    waiting = sample("rule.waiting")
    assert render(waiting, "CNY", "en") == \
        "Risk score 2.5 ≥ 2 since Nov 22, 2026; waiting for 20 days"
    assert render(waiting, "CNY", "zh") == "风险分 2.5 ≥ 2，始于 2026年11月22日；需持续 20 天"
    big = reasons.stored_text("rule.met", figure="revenue", value=1234567.8, operator=">",
                              threshold=1000000)
    assert render(big, "CNY", "en") == "Revenue in the period CN¥1,234,568 > CN¥1,000,000"
    rate = reasons.stored_text("rule.met", figure="churn_probability", value=None,
                               operator=">", threshold=50)
    assert render(rate, "CNY", "zh").endswith("– > 50%")


def test_the_reader_language_is_the_default() -> None:
    stored = sample("status.no_order")
    with use_language("zh"):
        assert render(stored) == "尚无订单"
    with use_language("en"):
        assert render(stored) == "no order yet"


@pytest.mark.parametrize("figure", sorted(FIGURES))
def test_every_rule_figure_and_choice_renders_in_chinese(figure: str) -> None:
    choices = FIGURES[figure].choices
    values = list(choices) if choices else [3.25]
    for value in values:
        threshold = values[0]
        stored = reasons.stored_text("alert.met_for", rule=RULE, figure=figure, value=value,
                                     operator="!=" if choices else "<", threshold=threshold,
                                     for_days=7)
        chinese = render(stored, "CNY", "zh")
        letters = english_left(chinese, RULE)
        if figure in ("abc_tier", "abc_tier_prev"):  # the tier letters are the same in both
            assert set(letters) <= {"A", "B", "C", "D"}, chinese
        else:
            assert letters == [], chinese
        assert render(stored, "CNY", "en") != chinese


@pytest.mark.parametrize("kind", list(SCHEME_KINDS))
def test_every_scheme_kind_renders_in_chinese(kind: str) -> None:
    key = "scheme.band_top" if SCHEME_KINDS[kind].ranked else "scheme.band"
    stored = reasons.stored_text(key, **{n: ({"figure": kind} | SAMPLE)[n] if n != "figure"
                                         else kind for n in reasons.KEYS[key]})
    assert english_left(render(stored, "CNY", "zh"), BAND) == []
    assert "_" not in render(stored, "CNY", "en")


def test_old_texts_and_empty_ones() -> None:
    assert render("risk score 2.5 > 2", "CNY", "zh") == "risk score 2.5 > 2"  # not understood
    assert render("", "CNY", "zh") == "" and render(None, "CNY", "zh") == ""
    assert render(np.nan, "CNY", "en") == ""
    assert render('{"key": "no.such.key", "args": {}}', "CNY", "en") == \
        '{"key": "no.such.key", "args": {}}'
    with pytest.raises(KeyError):
        reasons.stored_text("no.such.key")


def _audit_actions_in_code() -> set[str]:
    """The action keys the code writes (literal ones, and the few built from a choice)."""
    actor = r'(?:[\w.]+\(\)|[\w.]+\([^()]*\)|[\w.]+)(?: or [\w.()]+)?'
    patterns = [rf'(?:insert_audit|audit_after)\(\s*\w+,\s*{actor},\s*"([^"]+)"',
                r'record\(\s*[\w()]+,\s*[\w()]+,\s*"([^"]+)"', r'action="([a-z_.]+)"',
                rf'insert_audit\(\s*\w+,\s*{actor},\s*"([a-z_.]+)" if \w+ else "([a-z_.]+)"']
    found: set[str] = set()
    for path in (ROOT / "dashboard").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "audit" not in source:
            continue
        for pattern in patterns:
            for match in re.finditer(pattern, source):
                found.update(g for g in match.groups() if g)
    return found - {"segment"}


def test_every_audit_action_has_words_in_both_languages() -> None:
    written = _audit_actions_in_code()
    assert {"scheme.create", "alert.done", "sign_out", "export", "job_denied",
            "user_enable", "user_disable", "password_change"} <= written
    from dashboard.services.campaigns import DECISIONS
    from dashboard.services.contacts import KINDS

    written |= set(DECISIONS.values()) | {f"{kind}.create" for kind in KINDS}
    written |= {"sign_in", "sign_in_failed", "sign_in_throttled", "password_reset",
                "recompute", "recompute.refresh"}  # chosen in code, not literal at the call
    assert written - set(AUDIT_ACTIONS) == set()
    for action in AUDIT_ACTIONS:
        english, chinese = audit_action(action, "en"), audit_action(action, "zh")
        assert english != action and english != chinese
        assert english_left(chinese) == [], chinese
    assert audit_action("later.key", "zh") == "later.key"


def test_every_audit_object_has_words_in_both_languages() -> None:
    written = {m for path in (ROOT / "dashboard").rglob("*.py")
               for m in re.findall(r'object_type="([a-z_]+)"', path.read_text(encoding="utf-8"))}
    assert {"scheme", "customer", "user", "memberships"} <= written
    assert written - set(AUDIT_OBJECTS) == set()
    for kind in AUDIT_OBJECTS:
        assert english_left(audit_object(kind, 12, "zh")) == []
        assert audit_object(kind, 12, "en").endswith(" 12")
    assert audit_object("scheme", "", "zh") == "分类方案"
    assert audit_object("later_kind", "x", "zh") == "later_kind x"
    # the memberships of an as-of day: the day as the other dates read, not 2026-12-07
    assert audit_object("memberships", "2026-12-07", "en") == "memberships Dec 7, 2026"
    assert audit_object("memberships", "2026-12-07", "zh").endswith(" 2026年12月7日")


def test_the_portrait_history_reads_in_the_readers_language() -> None:
    history = pd.DataFrame({
        "date": pd.to_datetime(["2026-10-31", "2026-11-30", "2026-12-06", "2026-12-06",
                                "2026-12-06"]),
        "kind": ["month_end", "month_end", "change", "change", "change"],
        "risk_score": [0.8, 1.6, np.nan, np.nan, np.nan],
        "source": [None, None, "scheme:3", "abc", "rule:4"],
        "source_name": [None, None, "Risk bands", "", RULE], "label": [None, None, BAND, "A",
                                                                       "(pending)"],
        "reason": [None, None, reasons.stored_text("scheme.band", band=BAND,
                                                   figure="risk_score", value=1.61),
                   reasons.stored_text("tier.revenue", revenue=123901.31, days=30,
                                       end="2026-12-06"),
                   reasons.stored_text("rule.waiting", figure="status", value="churning",
                                       operator="=", threshold="churning",
                                       since="2026-12-06", for_days=14)]})
    view = SimpleNamespace(history=history, risk_bands=(2.0, 4.0), currency="CNY")
    with use_language("zh"):
        shown = text(risk_card(view))
    assert "进入等级“Sales slowing”（风险分 1.61）" in shown
    assert "截至 2026年12月6日 的 30 天销售额 ¥123,901" in shown
    assert f"{RULE}: （等待中）" in shown
    assert "状态 即将流失 = 即将流失，始于 2026年12月6日；需持续 14 天" in shown
    assert english_left(shown, BAND, RULE, "Risk bands") == ["A"]  # the tier letter
