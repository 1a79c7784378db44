"""The printable customer report on a real database: the text of the PDF (``pdftotext``)
carries the customer's name, the as-of date and the portrait's figures formatted the same
way, in English and in Chinese; page 1 renders (``pdftoppm``); a customer outside the scope is
refused (audited) and a report is audited as an export; a batch has one section per customer
of the actor's scope."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, update

from dashboard.data.rollups import refresh_rollups
from dashboard.db import bump_data_version, session_scope
from dashboard.errors import AccessDenied
from dashboard.filters import FilterQuery
from dashboard.i18n import format_date, format_money, format_number, use_language
from dashboard.models import AuditLog, Customer, Order, OrderLine, Product, Target
from dashboard.reports import pdf
from dashboard.services import portrait, reports
from layouts.portrait_cards import prediction_words
from tests.dashboard.services.cockpit_world import AS_OF
from tests.dashboard.services.list_world import build_list_world

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def pdf_text(content: bytes, tmp_path: Path, name: str = "report.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)
    return done.stdout


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    built = build_list_world(runtime)
    with session_scope(runtime.engine, write=True) as session:  # as test_portrait's world
        for sku, name, category, order_no in (("WLD-1", "Welding rod", "Welding", "A-0"),
                                              ("GLU-1", "Tile glue", None, "A-1")):
            product = Product(sku=sku, name=name, category=category)
            session.add(product)
            session.flush()
            order_id = session.execute(select(Order.id).where(
                Order.order_no == order_no)).scalar_one()
            session.execute(update(OrderLine).where(OrderLine.order_id == order_id)
                            .values(product_id=product.id, line_key=sku))
        session.add_all([Target(customer_id=built.customers["A"], month=dt.date(2026, m, 1),
                                amount=amount) for m, amount in ((10, 1500.0), (11, 6000.0))])
        bump_data_version(session)
    return built


def _query() -> FilterQuery:
    return FilterQuery(as_of=AS_OF, period="30d")


def test_english_report_shows_the_portrait_figures(runtime, world, tmp_path) -> None:  # noqa: ANN001
    owner = world.actor("owner")
    found = reports.customer_report(runtime, owner, "A", _query(), "en")
    assert found.content.startswith(b"%PDF-") and found.customers == 1
    assert found.filename == "customer-A-2026-11-22.pdf"
    text = pdf_text(found.content, tmp_path)
    # worked out by hand (cockpit_world, list_world): revenue 5000 in the last 30 days against
    # 1000 before (+400 %), one order; receivable 850.05 of which 600.05 is 31-60 days overdue
    for expected in ("Alpha", "Customer report", "Nov 22, 2026", "Last 30 days",
                     "Oct 24, 2026", "CN¥5,000", "+400%", "CN¥850", "CN¥600", "Tier", "A (before: C)",
                     "Active", "+86 138-0000-0001", "a@alpha.example", "Wang", "East",
                     "Nov 20, 2026", "Nov 19, 2026", "Nov 21, 2026", "CN¥6,000", "83%",
                     "churn horizon 90 days; churning from risk score 2, lost from 4",
                     "Printed on", "Filters: none", "Value and headroom",
                     "No suggestions for this customer"):
        assert expected in text, expected
    # the same words and numbers as the page, from the same service
    with use_language("en"):
        view = portrait.get_portrait(runtime, owner, "A", _query())
        figure, words = prediction_words(view)
        assert (figure + " " + words if figure else words).split(" — ")[0] in " ".join(
            text.split())
        for value in (format_money(view.money.receivable, view.currency),
                      format_money(view.money.overdue, view.currency),
                      format_money(view.figures["revenue"], view.currency),
                      format_number(view.figures["risk_score"], 1),
                      format_date(view.filters.as_of)):
            assert value in text, value
    assert "2 of 2 open invoices" in text and "45" in text  # INV-A1 is 45 days overdue
    # the timeline in words: the visit and the call of 19 and 21 Nov, the orders by number
    assert "Reached the customer" in text and "Phone call" in text and "A-0" in text
    assert "held out (comparison group)" in text
    # the last 365 days: 5000 of Welding rod (WLD-1) and 1000 of tile glue without a category
    for expected in ("WLD-1 Welding rod", "GLU-1 Tile glue", "Welding", "No category",
                     "83.3%", "16.7%"):
        assert expected in text, expected


def test_chinese_report_is_in_chinese(runtime, world, tmp_path) -> None:  # noqa: ANN001
    found = reports.customer_report(runtime, world.actor("owner"), "A", _query(), "zh")
    text = pdf_text(found.content, tmp_path)
    for expected in ("Alpha", "客户报告", "2026年11月22日", "近 30 天", "应收账款", "¥850",
                     "¥600", "¥5,000", "活跃", "销售目标", "¥6,000", "时间线", "商品推荐与关联销售",
                     "该客户暂无推荐",
                     "筛选条件：无", "流失预测期 90 天", "电话"):
        assert expected in text, expected
    assert "Customer report" not in text and "Receivables" not in text


@pytest.mark.parametrize("language", ["en", "zh"])
def test_page_one_renders(runtime, world, tmp_path, language: str) -> None:  # noqa: ANN001
    found = reports.customer_report(runtime, world.actor("owner"), "A", _query(), language)
    path = tmp_path / "report.pdf"
    path.write_bytes(found.content)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    page = next(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 10_000  # text, tables and the chart, not a blank page
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    assert "Pages:" in info and int(info.split("Pages:")[1].split()[0]) >= 1


def test_a_rep_gets_no_report_of_another_reps_customer(runtime, world) -> None:  # noqa: ANN001
    zhao = world.actor("rep_zhao")
    for code in ("A", "NOPE"):
        with pytest.raises(AccessDenied) as refused:
            reports.customer_report(runtime, zhao, code, _query(), "en")
        assert refused.value.code == "customer_denied"
    own = reports.customer_report(runtime, zhao, "B", _query(), "en")
    assert own.customers == 1
    with session_scope(runtime.engine) as session:
        rows = session.execute(select(AuditLog.action, AuditLog.outcome, AuditLog.object_id,
                                      AuditLog.detail).where(AuditLog.username == "rz")
                               .order_by(AuditLog.id)).all()
    denied = [r.object_id for r in rows if r.outcome == "denied"]
    assert denied == ["A", "NOPE"]
    exports = [r for r in rows if r.action == "export"]
    assert len(exports) == 1 and exports[0].object_id == "B"
    assert exports[0].detail["format"] == "pdf" and exports[0].detail["customers"] == 1


def test_a_batch_has_one_section_per_customer_in_scope(runtime, world, tmp_path) -> None:  # noqa: ANN001
    # Zhao's customers are B (lost), C (never) and E (churning); the owner sees A-F
    mine = reports.customers_report(runtime, world.actor("rep_zhao"), _query(), language="en",
                                    limit=50)
    text = pdf_text(mine.content, tmp_path, "zhao.pdf")
    assert mine.customers == 3
    assert all(name in text for name in ("Beta", "Gamma", "Epsilon"))
    assert not any(name in text for name in ("Alpha", "Delta", "Foxtrot"))
    churning = reports.customers_report(runtime, world.actor("owner"), _query(),
                                        status="churning", language="en")
    text = pdf_text(churning.content, tmp_path, "churning.pdf")
    assert churning.customers == 1 and "Epsilon" in text and "Alpha" not in text
    assert "status Churning" in text
    active = reports.select_for_report(runtime, world.actor("owner"),
                                       portrait.get_portrait(runtime, world.actor("owner"),
                                                             "A", _query()).filters,
                                       status="active")
    assert sorted(active) == sorted(world.customers[c] for c in "ADF")
    assert reports.select_for_report(runtime, world.actor("owner"),
                                     portrait.get_portrait(runtime, world.actor("owner"), "A",
                                                           _query()).filters,
                                     codes=["D", "E", "ZZZ"], limit=1) != []
    empty = reports.customers_report(runtime, world.actor("owner"), _query(),
                                     codes=["NO-SUCH"], language="zh")
    assert empty.customers == 0 and "没有符合条件的客户" in pdf_text(empty.content, tmp_path,
                                                                  "empty.pdf")


def test_a_missing_font_says_which_package_to_install(tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(pdf.FontMissing, match="fonts-noto-cjk"):
        pdf.find_cjk_font(str(tmp_path / "none.ttc"))
    path, face = pdf.find_cjk_font()
    assert path.is_file() and face >= 0


def test_chance_words_match_the_portrait() -> None:
    from layouts.portrait_cards import chance_text

    with use_language("en"):
        for probability in (0.0, 0.004, 0.2, 0.5, 0.996, 1.0):
            assert pdf.chance_text(probability) == chance_text(probability)


def test_fixed_words_match_the_pages() -> None:
    from layouts import labels

    assert pdf.PERIOD_NAMES == labels.PERIOD_NAMES
    assert pdf.STATUS_NAMES == labels.STATUS_NAMES


def _add_trade_peer_and_costs(runtime, world) -> None:  # noqa: ANN001
    """A second Trade customer G (East) bought Welding rod and Grout 10 days before AS_OF
    (100 each); A's Welding rod line (5000) cost 3000."""
    with session_scope(runtime.engine, write=True) as session:
        grout = Product(sku="GRT-1", name="Grout", category="Tiling")
        session.add(grout)
        peer = Customer(code="G", name="Golf", customer_type="Trade", region="East",
                        rep_id=world.reps["Wang"])
        session.add(peer)
        session.flush()
        welding = session.execute(select(Product.id).where(Product.sku == "WLD-1")).scalar_one()
        day = AS_OF - dt.timedelta(days=10)
        order = Order(order_no="G-0", customer_id=peer.id, order_date=day, amount=200.0)
        session.add(order)
        session.flush()
        session.add_all([OrderLine(order_id=order.id, line_key=sku, product_id=product,
                                   quantity=1, unit_price=100.0, amount=100.0)
                         for sku, product in (("WLD-1", welding), ("GRT-1", grout.id))])
        a_order = session.execute(select(Order.id, Order.order_date).where(
            Order.order_no == "A-0")).one()
        session.execute(update(OrderLine).where(OrderLine.order_id == a_order.id)
                        .values(unit_cost=3000.0))
        refresh_rollups(session, [(peer.id, day), (world.customers["A"], a_order.order_date)])
        bump_data_version(session)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_report_has_the_value_card_and_the_suggestions(runtime, world, tmp_path,  # noqa: ANN001
                                                       language: str) -> None:
    _add_trade_peer_and_costs(runtime, world)
    text = " ".join(pdf_text(reports.customer_report(runtime, world.actor("owner"), "A",
                                                     _query(), language).content,
                             tmp_path).split())
    # by hand: A's 30 days 5000 of which 3000 cost → gross margin 2000, 40.0 %; potential:
    # the 75th percentile of the Trade customers' revenue with at least 1 order (5000 and
    # 200): 200 + 0.75 × 4800 = 3800; headroom max(3800 - 5000, 0) = 0. Suggestion: Grout,
    # bought by G (1 of the 1 other active Trade customer; fewer than 5 in Trade · East)
    # bought by G (1 of the 1 other active Trade customer; fewer than 5 in Trade · East).
    # No expected value: the world is too small for a churn model ("–", as the portrait)
    view = portrait.get_portrait(runtime, world.actor("owner"), "A", _query())
    assert view.suggestions.items["sku"].tolist() == ["GRT-1"]
    assert pd.isna(view.figures["expected_value_next_90d"])
    words = {"en": ("Value and headroom", "Gross margin CN¥2,000", "Margin 40%",
                    "Potential CN¥3,800", "Headroom CN¥0", "Expected value, next 90 days –",
                    "Discovery and cross-sell", "1. GRT-1 Grout · Tiling · Discovery",
                    "Bought by 1 of 1 Trade customers in the last 90 days",
                    "as of Nov 22, 2026"),
             "zh": ("价值与增长空间", "毛利 ¥2,000", "40%", "¥3,800", "¥0",
                    "商品推荐与关联销售", "1. GRT-1 Grout · Tiling · 新品发现",
                    "近 90 天 1 位批发客户中有 1 位购买", "2026年11月22日")}
    for expected in words[language]:
        assert expected in text, expected
    if language == "zh":
        assert "Value and headroom" not in text and "Bought by" not in text
