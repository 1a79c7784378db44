"""Suggestions in a real browser: the portrait's discovery and cross-sell card and the
/suggestions page (rules with a coupon campaign each, the backtest beside the plain lists),
in English and Chinese, at laptop and phone width, without console errors; screenshots."""

from __future__ import annotations

from sqlalchemy import select

from dashboard.db import session_scope
from dashboard.models import Customer, Order


def _busy_customer(site) -> str:  # noqa: ANN001
    from sqlalchemy import func

    with session_scope(site.runtime().engine) as session:
        return session.execute(
            select(Customer.code).join(Order, Order.customer_id == Customer.id)
            .group_by(Customer.code).order_by(func.count().desc()).limit(1)).scalar_one()


def _wait_for_card(page) -> None:  # noqa: ANN001
    page.wait(lambda: page.find_all("#portrait-discovery-div .suggest-item")
              or page.find_all("#portrait-discovery-div .empty-state"), "the suggestions")


def test_portrait_shows_suggestions_in_both_languages(site, page) -> None:  # noqa: ANN001
    page.sign_in("owner")
    page.open(f"/customer/{_busy_customer(site)}")
    _wait_for_card(page)
    items = page.find_all("#portrait-discovery-div .suggest-item")
    assert items, page.text("#portrait-discovery-div")
    text = page.text("#portrait-discovery-div")
    assert "Discovery and cross-sell" in text and "coming later" not in text
    assert "customers" in text  # every suggestion says why
    assert page.horizontal_overflow() <= 0
    page.check_console()
    page.screenshot("portrait-suggestions-en")
    page.find(".language-switch button[value=zh]").click()
    page.wait(lambda: "交叉销售" in page.text("#portrait-discovery-div")
              or "新品发现" in page.text("#portrait-discovery-div"), "the Chinese card")
    page.check_console()
    page.screenshot("portrait-suggestions-zh")
    page.find(".language-switch button[value=en]").click()


def test_rules_page_starts_a_coupon_campaign(site, page) -> None:  # noqa: ANN001
    page.sign_in("owner")
    page.open("/suggestions")
    page.wait(lambda: page.find_all(".suggestions-table tbody tr"), "the rules")
    page.wait(lambda: "Hit rate" in page.text("#suggestions-backtest-div"), "the backtest")
    assert page.text("h1") == "What to sell next"
    assert "Item-to-item" in page.text("#suggestions-backtest-div")
    assert page.horizontal_overflow() <= 0
    page.check_console()
    page.screenshot("suggestions-en")
    page.find(".suggestions-table tbody tr button").click()
    page.wait(lambda: page.path_and_query.startswith("/campaigns/new?selection="),
              "the new campaign page")
    page.find(".language-switch button[value=zh]").click()
    # the switch reloads the page it is on: wait for that before going elsewhere
    page.wait(lambda: page.find("html").get_attribute("lang") == "zh-CN", "the Chinese UI")
    page.open("/suggestions")
    page.wait(lambda: page.text("h1") == "下一步卖什么", "the Chinese page")
    page.wait(lambda: "命中率" in page.text("#suggestions-backtest-div"), "the backtest")
    page.check_console()
    page.screenshot("suggestions-zh")
    page.find(".language-switch button[value=en]").click()


def test_pages_fit_a_phone(site, phone) -> None:  # noqa: ANN001
    phone.sign_in("owner")
    phone.open("/suggestions")
    phone.wait(lambda: phone.find_all(".suggestions-table tbody tr"), "the rules")
    assert phone.horizontal_overflow() <= 0
    phone.open(f"/customer/{_busy_customer(site)}")
    _wait_for_card(phone)
    # the card itself fits (the portrait's top-products table is wider than a phone: not ours)
    widest = phone.driver.execute_script(
        "return Math.max(...[...document.querySelectorAll('#portrait-discovery-div *')]"
        ".map(e => e.getBoundingClientRect().right))")
    assert widest <= phone.driver.execute_script("return document.documentElement.clientWidth")
    phone.check_console()
