"""The migration ledger, the rule editor (several conditions, preview) and the alerts inbox
grouped by rule in a real browser: both languages, a laptop and a phone without horizontal
scrolling, no console errors, screenshots (ledger, rules-editor, alerts, each -en and -zh)."""

from __future__ import annotations

import re


def _zh(page) -> None:  # noqa: ANN001
    page.find(".language-switch button[value=zh]").click()


def _click(page, css: str) -> None:  # noqa: ANN001
    """Click a button far down the page (scrolled to, not covered by the sticky bars)."""
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); "
                               "arguments[0].click();", page.find(css))


def _wait_for_ledger(page) -> None:  # noqa: ANN001
    page.wait(lambda: page.find_all("#ledger-list-div table")
              or page.find_all("#ledger-list-div .empty-state"), "the ledger", timeout=90)


def test_the_ledger_in_both_languages(site, page) -> None:  # noqa: ANN001
    page.sign_in("manager")
    page.open("/ledger")
    _wait_for_ledger(page)
    assert page.text("h1") == "Migration ledger"
    assert re.search(r"Moves from .+: ABC tier \d+", page.text("#ledger-headline-div"))
    assert page.horizontal_overflow() == 0
    page.check_console()
    page.screenshot("ledger-en")
    _zh(page)
    page.wait(lambda: page.text("h1") == "迁移台账", "the Chinese page")
    _wait_for_ledger(page)
    assert "ABC 分类" in page.text("#ledger-headline-div")
    page.check_console()
    page.screenshot("ledger-zh")


def test_the_ledger_fits_a_phone(site, phone) -> None:  # noqa: ANN001
    phone.sign_in("rep")
    phone.open("/ledger")
    _wait_for_ledger(phone)
    assert phone.horizontal_overflow() == 0


def test_the_rule_editor_previews_a_rule_of_two_conditions(site, page) -> None:  # noqa: ANN001
    page.sign_in("owner")
    page.open("/schemes")
    page.wait(lambda: page.find_all(".scheme-card"), "the scheme cards")
    _click(page, "#rules-new-button")
    page.wait(lambda: page.find("#rules-editor-modal").is_displayed(), "the editor")
    page.select("rules-figure-select", "days_since_last_order")
    page.find("#rules-value-input").send_keys("30")
    page.select("rules-and2-figure-select", "revenue_vs_own365_pct")
    page.select("rules-and2-operator-select", "<=")
    page.find("#rules-and2-value-input").send_keys("-40")
    page.wait(lambda: "customers match these conditions now"
              in page.text("#rules-preview-div"), "the preview")
    assert page.horizontal_overflow() == 0
    page.screenshot("rules-editor-en")
    _click(page, "#rules-cancel-button")
    _zh(page)
    page.wait(lambda: page.text("h1") == "销售分类", "the Chinese page")
    page.wait(lambda: page.find_all(".scheme-card"), "the scheme cards")
    _click(page, "#rules-new-button")
    page.wait(lambda: page.find("#rules-editor-modal").is_displayed(), "the editor")
    page.select("rules-figure-select", "revenue_vs_own90_pct")
    page.select("rules-operator-select", "<=")
    page.find("#rules-value-input").send_keys("-40")
    page.select("rules-and2-figure-select", "revenue_vs_own90")
    page.select("rules-and2-operator-select", "<=")
    page.find("#rules-and2-value-input").send_keys("-2000")
    page.wait(lambda: "位符合这些条件" in page.text("#rules-preview-div"), "the preview")
    page.check_console()
    page.screenshot("rules-editor-zh")


def test_the_alerts_inbox_groups_by_rule(site, page) -> None:  # noqa: ANN001
    page.sign_in("manager")
    page.open("/alerts")
    page.wait(lambda: page.find_all("#alerts-list-div table")
              or page.find_all("#alerts-list-div .empty-state"), "the alerts")
    if page.find_all("#alerts-groups-div table"):
        assert "By rule" in page.text("#alerts-groups-div")
    assert page.horizontal_overflow() == 0
    page.check_console()
    page.screenshot("alerts-en")
    _zh(page)
    page.wait(lambda: page.text("h1") == "预警", "the Chinese page")
    page.wait(lambda: page.find_all("#alerts-list-div table")
              or page.find_all("#alerts-list-div .empty-state"), "the alerts")
    page.check_console()
    page.screenshot("alerts-zh")


def test_the_contact_plan_in_both_languages_and_on_a_phone(site, page, phone) -> None:  # noqa: ANN001
    page.sign_in("manager")
    page.open("/contact-plan")
    page.wait(lambda: page.find_all("#contact-plans-div .empty-state")
              or page.find_all("#contact-plans-div table"), "the plans")
    assert page.text("h1") == "Contact plan"
    assert page.horizontal_overflow() == 0
    page.check_console()
    page.screenshot("contact-plan-en")
    _zh(page)
    page.wait(lambda: page.text("h1") == "联系计划", "the Chinese page")
    page.check_console()
    page.screenshot("contact-plan-zh")
    phone.sign_in("rep")
    phone.open("/contact-plan")
    phone.wait(lambda: phone.find_all("#contact-plans-div .empty-state")
               or phone.find_all("#contact-plans-div table"), "the plans")
    assert phone.horizontal_overflow() == 0
