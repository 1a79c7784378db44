"""The demo in Chinese (``cockpit demo --language zh``): the words of the install's language,
the same figures as the English demo."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from dashboard.data import schemes as scheme_data
from dashboard.db import make_engine, session_scope
from dashboard.demo import DemoOptions, chinese, generate_demo
from dashboard.demo.catalogue import CATEGORIES
from dashboard.demo.contacts import COMMENTS, NOTES
from dashboard.demo.coupons import TEMPLATES
from dashboard.demo.names import REPS, TEAMS
from dashboard.demo.schemes import RULES, SCHEMES
from dashboard.migrate import upgrade
from dashboard.models import (
    Comment,
    Coupon,
    Customer,
    Order,
    OrderLine,
    Product,
    Rep,
    Target,
    Team,
    Visit,
)

TODAY = dt.date(2026, 11, 22)
SMALL = {"customers": 120, "orders": 2_500, "seed": 5, "today": TODAY}
LATIN = re.compile(r"[A-Za-z]{3,}")


def _frame(session, model) -> pd.DataFrame:  # noqa: ANN001
    table = model.__table__
    rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
    return pd.DataFrame(rows, columns=[c.name for c in table.columns])


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers as floats (PostgreSQL gives decimals, SQLite floats)."""
    return frame.apply(lambda column: column.map(
        lambda v: float(v) if isinstance(v, Decimal) else v))


def _english_words(values: list[str]) -> list[str]:
    return [v for v in values if isinstance(v, str) and LATIN.search(v)]


def test_every_english_word_of_the_demo_has_its_chinese() -> None:
    english_notes = _english_words([n for pool in NOTES.values() for n in pool] + COMMENTS)
    assert set(english_notes) <= set(chinese.NOTES)
    assert {c[0] for c in CATEGORIES} == set(chinese.CATEGORIES)
    assert {item for c in CATEGORIES for item in c[6]} == set(chinese.ITEMS)
    assert {t[0] for t in TEMPLATES} == set(chinese.COUPONS)
    assert {t for t, _regions in TEAMS} == set(chinese.TEAMS)
    assert set(_english_words([name for team in REPS for name, _mail in team])) == set(
        chinese.REPS)
    assert {s["title"] for s in SCHEMES} == set(chinese.SCHEMES)
    assert {b["label"] for s in SCHEMES for b in s["bands"]} == set(chinese.BANDS)
    assert {r["name"] for r in RULES} == set(chinese.RULES)
    assert {r["segment"] for r in RULES if r["segment"]} == set(chinese.SEGMENTS)


def test_product_names_keep_brand_order_and_code() -> None:
    names = pd.Series(["TopForce Hex Bolt F107", "恒力 Hengli Copper Cable 2.5mm² E114",
                       "not a product"], dtype="string")
    assert chinese.product_names(names).tolist() == [
        "拓力 六角螺栓 F107", "恒力 铜芯电线 2.5mm² E114", "not a product"]


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="en or zh"):
        DemoOptions(language="fr")


def test_the_chinese_demo_has_chinese_words_and_the_english_figures(
        engine, tmp_path: Path) -> None:  # noqa: ANN001
    english = make_engine(f"sqlite:///{tmp_path / 'english.sqlite3'}")
    upgrade(english)
    generate_demo(english, DemoOptions(**SMALL))
    generate_demo(engine, DemoOptions(**SMALL, language="zh"))
    models = (Customer, Product, Order, OrderLine, Visit, Comment, Target, Coupon, Rep, Team)
    with session_scope(english) as s:
        en = {m.__tablename__: _frame(s, m) for m in models}
    with session_scope(engine) as s:
        zh = {m.__tablename__: _frame(s, m) for m in models}
        schemes, rules = scheme_data.load_schemes(s), scheme_data.load_rules(s)
    english.dispose()
    # the same figures, row for row
    words = {"customers": ["region"], "products": ["name", "category"], "visits": ["note"],
             "comments": ["body"], "coupons": ["name", "created_at"], "reps": ["name"],
             "teams": ["name", "created_at"]}
    for table, frame in en.items():
        kept = [c for c in frame.columns if c not in words.get(table, [])]
        pd.testing.assert_frame_equal(_plain(frame[kept]), _plain(zh[table][kept]),
                                      check_dtype=False, obj=table)
    # and Chinese words
    assert set(zh["customers"]["region"]) <= set(chinese.REGIONS.values())
    assert "华东" in set(zh["customers"]["region"])
    assert set(zh["products"]["category"]) <= set(chinese.CATEGORIES.values())
    assert not zh["products"]["name"].str.contains("Hex Bolt|TopForce").any()
    assert zh["products"]["name"].str.match(r"^\S+ .+ [A-Z]\d+$").all()
    assert _english_words(zh["visits"]["note"].tolist()) == []
    assert _english_words(zh["comments"]["body"].tolist()) == []
    assert _english_words(zh["coupons"]["name"].tolist()) == ["VIP：满 20,000 元享 92 折"]
    assert sorted(zh["teams"]["name"]) == sorted(chinese.TEAMS.values())
    assert _english_words(zh["reps"]["name"].tolist()) == []
    assert zh["customers"]["rep_id"].equals(en["customers"]["rep_id"])
    assert sorted(schemes["title"]) == sorted(t for t, _c in chinese.SCHEMES.values())
    assert _english_words(schemes["comment"].tolist()) == []
    assert _english_words(rules["name"].tolist()) == []
    assert set(rules["segment"]) - {""} == {"本周致电"}
