"""Migration 0004: the English reasons and alert messages of older databases become stored
texts (a key with its values), on SQLite and PostgreSQL; the audit log is left as written."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from dashboard.analytics.reasons import decode
from dashboard.db import make_engine
from dashboard.migrate import downgrade, upgrade
from layouts.stored_texts import render

BEFORE = "0003_order_line_position"  # the revision before stored texts

# (source, old English reason, expected key, expected values)
REASONS = [
    ("status", "no order yet", "status.no_order", {}),
    ("status", "no order for 400 days > 365", "status.no_order_for",
     {"days": 400, "limit": 365}),
    ("status", "risk score 2.5 > 2", "status.risk_above", {"risk": 2.5, "limit": 2}),
    ("status", "risk score 1.61 <= 2", "status.risk_at_most", {"risk": 1.61, "limit": 2}),
    ("status", "ordered within 365 days (no usual gap yet)", "status.no_gap", {"days": 365}),
    ("abc", "revenue 123901.31 in the 30 days to 2026-12-06", "tier.revenue",
     {"revenue": 123901.31, "days": 30, "end": "2026-12-06"}),
    ("abc", "no revenue in the 30 days to 2026-12-06", "tier.no_revenue",
     {"days": 30, "end": "2026-12-06"}),
    ("scheme:3", "moved to band 'Sales slowing' (risk score 1.61)", "scheme.band",
     {"band": "Sales slowing", "figure": "risk_score", "value": 1.61}),
    ("scheme:3", "moved to band 'It's (odd)' (revenue change % -12.5)", "scheme.band",
     {"band": "It's (odd)", "figure": "revenue_change", "value": -12.5}),
    ("scheme:4", "moved to band 'Mid' (top 60 %: 33.33 % of customers rank higher)",
     "scheme.band_top", {"band": "Mid", "figure": "revenue_rank", "top": 60, "value": 33.33}),
    ("scheme:4", "moved to band 'Big' (top 80 %: 0 % of the type's revenue ranks higher)",
     "scheme.band_top", {"band": "Big", "figure": "revenue_share", "top": 80, "value": 0}),
    ("rule:7", "risk score 2.3 > 2", "rule.met",
     {"figure": "risk_score", "value": 2.3, "operator": ">", "threshold": 2}),
    ("rule:7", "status churning = churning", "rule.met",
     {"figure": "status", "value": "churning", "operator": "=", "threshold": "churning"}),
    ("rule:7", "days since last order none >= 30", "rule.met",
     {"figure": "days_since_last_order", "value": None, "operator": ">=", "threshold": 30}),
    ("rule:7", "risk score 5 > 2 for 20 days or more", "rule.met_for",
     {"figure": "risk_score", "value": 5, "operator": ">", "threshold": 2, "for_days": 20}),
    ("rule:7", "risk score 2.5 > 2 since 2026-11-22; waiting for 20 days", "rule.waiting",
     {"figure": "risk_score", "value": 2.5, "operator": ">", "threshold": 2,
      "since": "2026-11-22", "for_days": 20}),
    ("rule:7", "30-day revenue growth (%) -40 < -25", "rule.met",
     {"figure": "revenue_growth_pct", "value": -40, "operator": "<", "threshold": -25}),
    ("status", "a sentence from nowhere", "text", {"text": "a sentence from nowhere"}),
]
MESSAGES = [
    ("Slipping: risk score 5 > 2 for 20 days or more", "alert.met_for",
     {"rule": "Slipping", "figure": "risk_score", "value": 5, "operator": ">",
      "threshold": 2, "for_days": 20}),
    ("Key: accounts: status lost != active", "alert.met",
     {"rule": "Key: accounts", "figure": "status", "value": "lost", "operator": "!=",
      "threshold": "active"}),
    ("Risk above 2", "text", {"text": "Risk above 2"}),
]


def _insert_old_rows(engine) -> None:  # noqa: ANN001
    now = dt.datetime(2026, 12, 6, 8, 0)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO customers (id, code, name, customer_type, opt_out_sms, opt_out_email)"
            " VALUES (1, 'K1', 'Kunming Trading', 'Trade', false, false)"))
        for i, (source, reason, _key, _args) in enumerate(REASONS, start=1):
            conn.execute(text(
                "INSERT INTO memberships (id, customer_id, source, label, valid_from, reason,"
                " recorded_at) VALUES (:id, 1, :source, 'x', :day, :reason, :now)"),
                {"id": i, "source": source, "day": dt.date(2026, 1, 1) + dt.timedelta(days=i),
                 "reason": reason, "now": now})
        for i, (message, _key, _args) in enumerate(MESSAGES, start=1):
            conn.execute(text(
                "INSERT INTO alerts (id, customer_id, message, status, created_at)"
                " VALUES (:id, 1, :message, 'open', :now)"), {"id": i, "message": message,
                                                              "now": now})
        conn.execute(text(
            "INSERT INTO audit_log (at, user_id, username, ip, request_id, action, object_type,"
            " object_id, detail, outcome) VALUES (:now, 1, 'boss', '', '', 'scheme.create',"
            " 'scheme', '3', '{}', 'ok')"), {"now": now})


def _stored(engine, table: str, column: str) -> list[str]:  # noqa: ANN001
    with engine.connect() as conn:
        return [str(v) for v in conn.execute(
            text(f"SELECT {column} FROM {table} ORDER BY id")).scalars()]  # noqa: S608


@pytest.fixture
def old_database(fresh_database_url):  # noqa: ANN001, ANN201
    engine = make_engine(fresh_database_url)
    downgrade(engine, BEFORE)
    _insert_old_rows(engine)
    yield engine
    engine.dispose()


def test_old_reasons_and_messages_become_stored_texts(old_database) -> None:  # noqa: ANN001
    upgrade(old_database)
    reasons = [decode(r) for r in _stored(old_database, "memberships", "reason")]
    assert reasons == [(key, args) for _source, _old, key, args in REASONS]
    messages = [decode(m) for m in _stored(old_database, "alerts", "message")]
    assert messages == [(key, args) for _old, key, args in MESSAGES]
    # the audit log is append-only and its actions were keys already: left as written
    assert _stored(old_database, "audit_log", "action") == ["scheme.create"]
    # what the portrait of the issue showed in English now reads in Chinese
    stored = _stored(old_database, "memberships", "reason")
    assert render(stored[7], "CNY", "zh") == "进入等级“Sales slowing”（风险分 1.61）"
    assert render(stored[5], "CNY", "zh") == "截至 2026年12月6日 的 30 天销售额 ¥123,901"
    assert render(stored[5], "CNY", "en") == "revenue CN¥123,901 in the 30 days to Dec 6, 2026"


def test_migrating_again_changes_nothing_and_downgrade_gives_the_english_back(
        old_database) -> None:  # noqa: ANN001
    upgrade(old_database)
    first = _stored(old_database, "memberships", "reason")
    downgrade(old_database, BEFORE)
    assert _stored(old_database, "memberships", "reason") == [old for _s, old, _k, _a
                                                                in REASONS]
    assert _stored(old_database, "alerts", "message") == [old for old, _k, _a in MESSAGES]
    upgrade(old_database)
    assert _stored(old_database, "memberships", "reason") == first
