"""The campaign pages in a real browser: tick customers in the list → "Send coupon…" → the
preview → send on the demo's log channel → the progress → the results page; the log file has
exactly the messages of the campaign; a whole list chosen on the page; the list of campaigns;
both languages; a rep's view; no console errors."""

from __future__ import annotations

import json
import re
import secrets
import time

from sqlalchemy import select

from dashboard.db import session_scope
from dashboard.models import Campaign, Outbox


def _messages(site, name: str) -> list[dict]:  # noqa: ANN001
    """The lines the log channel wrote for the campaign named ``name`` (its subject)."""
    path = site.data_dir / "outbox.log"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [m for m in map(json.loads, lines) if m["subject"] == name]


def _campaign_rows(site, name: str) -> list[tuple[str, str | None]]:  # noqa: ANN001
    with session_scope(site.runtime().engine) as session:
        return [tuple(r) for r in session.execute(
            select(Outbox.status, Outbox.address).join(Campaign, Campaign.id ==
                                                       Outbox.campaign_id)
            .where(Campaign.name == name).order_by(Outbox.id))]


def _tick_rows(page, count: int) -> None:  # noqa: ANN001
    page.wait(lambda: len(page.find_all(".customer-grid .ag-center-cols-container .ag-row"))
              >= count, "the customer rows")
    boxes = page.find_all(".customer-grid .ag-pinned-left-cols-container .ag-row "
                          "input.ag-checkbox-input")
    for box in boxes[:count]:
        box.click()


def _fill(page, element_id: str, text: str) -> None:  # noqa: ANN001
    """Replace a field's text the way a person does (select all, type), so that React sees
    every change."""
    from selenium.webdriver.common.keys import Keys

    field = page.find(f"#{element_id}")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE)
    field.send_keys(text)


def _click(page, css: str) -> None:  # noqa: ANN001
    """Click like a person once the page has settled (a card above may still be growing)."""
    from selenium.common.exceptions import ElementClickInterceptedException

    for attempt in range(5):
        element = page.find(css)
        page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        time.sleep(0.2)
        try:
            element.click()
            return
        except ElementClickInterceptedException:
            if attempt == 4:
                raise


def _cut_off(page, grid: str) -> list[str]:  # noqa: ANN001
    """The grid's headings and wrapping cells whose text does not fit (shown with "…")."""
    return page.driver.execute_script(
        "return [...document.querySelectorAll(arguments[0] + ' .ag-header-cell-text, ' + "
        "arguments[0] + ' .cell-wrap')].filter(e => e.scrollWidth > e.clientWidth + 1)"
        ".map(e => e.textContent)", grid)


def test_from_the_customer_list_to_the_results(site, page) -> None:  # noqa: ANN001
    name = "Browser " + secrets.token_hex(3)
    page.sign_in("owner")
    page.open("/customers?status=active")
    _tick_rows(page, 3)
    page.wait(lambda: "3 customers selected" in page.text("#customers-selection-div"),
              "three customers selected")
    link = page.find("#customers-coupon-link")
    page.wait(lambda: "selection=" in (link.get_attribute("href") or ""), "the coupon link")
    page.driver.get_log("browser")  # the customer list's own console is checked elsewhere
    link.click()
    page.wait(lambda: page.path_and_query.startswith("/campaigns/new?selection="),
              "the new campaign page")
    page.wait(lambda: "3 customers picked in the customer list" in
              page.text("#campaign-new-source-div"), "the selection in words")
    page.wait(lambda: page.find("#campaign-new-coupon-select").get_attribute("value"),
              "a coupon chosen")
    page.wait(lambda: "{code}" in (page.find("#campaign-new-template-textarea")
                                   .get_attribute("value") or ""), "the default message")
    assert page.find("#campaign-new-channel-radio input[value=log]").is_selected()
    _fill(page, "campaign-new-holdout-input", "0")
    _fill(page, "campaign-new-name-input", name)
    _click(page, "#campaign-new-preview-button")
    page.wait(lambda: "3 customers chosen" in page.text("#campaign-new-preview-div"),
              "the preview")
    preview = page.text("#campaign-new-preview-div")
    assert "3 get the message" in preview and "How the messages read" in preview
    page.wait(lambda: "intent=" in page.path_and_query, "the intent key in the address")
    draft_address = page.path_and_query
    send = page.find("#campaign-new-send-button")
    page.wait(lambda: send.is_enabled(), "Send enabled")
    assert "Send to 3 customers" in send.text
    assert page.horizontal_overflow() == 0
    page.check_console()
    page.screenshot("campaign-new-en")
    send.click()
    page.wait(lambda: re.fullmatch(r"/campaigns/\d+", page.path_and_query), "the results page",
              timeout=60)
    page.wait(lambda: page.find_all("#campaign-kpis-div .kpi-value") and not page.find_all(
        "#campaign-kpis-div .skeleton"), "the results")
    kpis = page.text("#campaign-kpis-div")
    assert re.search(r"Sent\s+3\b", kpis) and re.search(r"Recipients\s+3\b", kpis), kpis
    assert page.text("h1") == name
    page.wait(lambda: len(page.find_all("#campaign-recipients-grid .ag-center-cols-container "
                                        ".ag-row")) == 3, "three recipients")
    # just sent: nothing to measure yet, said in words instead of figures
    # the sending moment reads like the other dates (no raw 2026-12-07), nothing cut off
    sent = page.find_all("#campaign-recipients-grid .ag-center-cols-container "
                         "[col-id=sent_at]")
    assert len(sent) == 3 and all(re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, \d{4}\s\d{2}:\d{2}",
                                               c.text) for c in sent), [c.text for c in sent]
    assert _cut_off(page, "#campaign-recipients-grid") == []
    uplift = page.text("#campaign-uplift-div")
    assert "Only orders placed after that count: come back from" in uplift, uplift
    assert "CN¥" not in uplift
    rows = _campaign_rows(site, name)
    messages = _messages(site, name)
    assert [r[0] for r in rows] == ["sent"] * 3
    assert sorted(m["to"] for m in messages) == sorted(r[1] for r in rows)
    assert len({m["key"] for m in messages}) == 3
    assert all("{" not in m["message"] and "Dear " in m["message"] for m in messages)
    assert page.horizontal_overflow() == 0
    page.check_console()
    page.screenshot("campaign-results-en")
    page.open(draft_address)  # the same draft in another tab: already submitted
    page.wait(lambda: "3 customers picked" in page.text("#campaign-new-source-div"),
              "the draft again")
    _fill(page, "campaign-new-holdout-input", "0")
    _click(page, "#campaign-new-preview-button")
    page.wait(lambda: "This campaign was already submitted." in
              page.text("#campaign-new-preview-div"), "already submitted")
    assert not page.find("#campaign-new-send-button").is_enabled()
    assert len(_campaign_rows(site, name)) == 3 and len(_messages(site, name)) == 3
    page.open("/campaigns")
    page.wait(lambda: name in page.text("#campaigns-rows-grid"), "the campaign in the list")
    assert _cut_off(page, "#campaigns-rows-grid") == []  # no "Unkno…" heading
    page.check_console()
    page.screenshot("campaigns-en")


def test_a_whole_list_in_chinese(site, page) -> None:  # noqa: ANN001
    page.sign_in("manager", language="zh")
    page.open("/campaigns/new")
    page.wait(lambda: len(page.find_all("#campaign-new-list-select option")) > 5,
              "the lists offered")
    assert page.text("h1") == "新建营销活动"
    churning = next(o for o in page.find_all("#campaign-new-list-select option")
                    if o.get_attribute("value") == "status=churning")
    assert "状态：即将流失" in churning.text
    page.select("campaign-new-list-select", "status=churning")
    page.wait(lambda: "尊敬的" in (page.find("#campaign-new-template-textarea")
                                  .get_attribute("value") or ""), "the Chinese message")
    _fill(page, "campaign-new-template-textarea", "您好 {nam}")
    page.wait(lambda: "未知的占位符 {nam}" in page.text("#campaign-new-template-check-div"),
              "the message check in Chinese")
    _fill(page, "campaign-new-template-textarea", "尊敬的{name}：凭{code}{value}，有效期至{expiry}。")
    page.wait(lambda: "未知的占位符" not in page.text("#campaign-new-template-check-div"),
              "a good message")
    _click(page, "#campaign-new-preview-button")
    page.wait(lambda: "位客户" in page.text("#campaign-new-preview-div"), "the preview")
    assert "凭" in page.text("#campaign-new-preview-div")
    send = page.find("#campaign-new-send-button")
    page.wait(lambda: send.is_enabled(), "Send enabled")
    assert page.horizontal_overflow() == 0
    page.check_console()
    page.screenshot("campaign-new-zh")
    _click(page, "#campaign-new-send-button")
    page.wait(lambda: re.fullmatch(r"/campaigns/\d+", page.path_and_query), "the results page",
              timeout=60)
    page.wait(lambda: "收件人" in page.text("#campaign-kpis-div"), "the results in Chinese")
    page.wait(lambda: not page.find_all("#campaign-kpis-div .skeleton"), "the figures")
    assert "对照组" in page.text("#campaign-kpis-div")
    assert page.horizontal_overflow() == 0
    page.check_console()
    page.screenshot("campaign-results-zh")
    page.open("/campaigns")
    page.wait(lambda: page.find_all("#campaigns-rows-grid .ag-row"), "the campaigns")
    assert page.text("h1") == "营销活动"
    page.check_console()
    page.screenshot("campaigns-zh")


def test_a_rep_campaign_page(site, page) -> None:  # noqa: ANN001
    page.sign_in("rep")
    page.open("/campaigns/new")
    page.wait(lambda: len(page.find_all("#campaign-new-list-select option")) > 5,
              "the lists offered")
    assert "d-none" in page.find("#campaign-new-coupon-toggle-button").get_attribute("class")
    page.check_console()
    page.screenshot("campaign-new-rep-en")
    page.leave_for_other_pages()
    page.open("/login?next=/campaigns")  # signed in: on to the page, not the form again
    page.wait(lambda: page.path_and_query == "/campaigns", "the campaigns page")
