"""The Team and Follow-ups pages in a real browser: a manager's team table whose customer
count opens exactly that account manager's customers, follow-ups assigned from ticked rows of
a list, a rep who sees them ("my follow-ups") and marks one done, the team page counting it;
both languages, 1366 and 390 px without horizontal scrolling, no console errors,
screenshots."""

from __future__ import annotations

import re

from sqlalchemy import select

from dashboard.db import session_scope
from dashboard.filters import parse_filters
from dashboard.models import Followup, User
from dashboard.scope import Actor
from dashboard.services import customer_table
from dashboard.services import filters as filter_service
from tests.browser.conftest import Page


def _actor(site, username: str) -> Actor:  # noqa: ANN001
    with session_scope(site.runtime().engine) as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one()
        return Actor(user_id=user.id, username=user.username, role=user.role,
                     team_id=user.team_id, rep_id=user.rep_id)


def _number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text) or 0)


def _wait_for_team(page) -> None:  # noqa: ANN001
    page.wait(lambda: page.find_all(".team-table tbody tr"), "the team table")


def test_the_team_page_opens_each_account_managers_customers(site, page) -> None:  # noqa: ANN001
    page.sign_in("manager")
    page.open("/team")
    _wait_for_team(page)
    assert page.driver.title == "Team · Customer cockpit"
    assert page.horizontal_overflow() == 0
    first = page.find(".team-table tbody tr td[data-href]")  # the first row's customer count
    count, href = _number(first.text), first.get_attribute("data-href")
    runtime, actor = site.runtime(), _actor(site, "manager")
    query = href.split("?", 1)[1]
    wanted = filter_service.resolve_filters(runtime, actor, parse_filters(query))
    assert wanted.rep_id is not None
    assert len(customer_table.scoped_table(runtime, actor, wanted)) == count
    page.check_console()
    page.screenshot("team-en")
    page.find(".language-switch button[value=zh]").click()
    page.wait(lambda: "经手人" in page.text(".team-table"), "the table in Chinese")
    assert "Account manager" not in page.text(".team-page")
    page.check_console()
    page.screenshot("team-zh")
    # a figure opens its customers in the app (assets/navigate.js), by click and by Enter
    cell = page.find(".team-table tbody tr td[data-href]")
    wanted = cell.get_attribute("data-href")
    cell.click()
    page.wait(lambda: page.driver.current_url.endswith(wanted), "the customers of the figure")
    page.driver.back()
    _wait_for_team(page)
    from selenium.webdriver.common.keys import Keys

    page.find(".team-table tbody tr td[data-href]").send_keys(Keys.ENTER)
    page.wait(lambda: page.driver.current_url.endswith(wanted), "the customers, by Enter")
    page.check_console()


def test_team_and_follow_ups_fit_a_phone(site, phone) -> None:  # noqa: ANN001
    phone.sign_in("manager")
    for path, ready, name in (("/team", ".team-table tbody tr", "team"),
                              ("/followups", ".followups-page .ag-root", "followups")):
        phone.open(path)
        phone.wait(lambda ready=ready: phone.find_all(ready), name)
        assert phone.horizontal_overflow() == 0, path
        phone.check_console()
        phone.screenshot(f"{name}-en-390")


def test_assign_then_done_reaches_the_team_page(site, page) -> None:  # noqa: ANN001
    rep = _actor(site, "rep")
    page.sign_in("manager")
    page.open(f"/customers?manager={rep.rep_id}")
    page.wait(lambda: len(page.find_all(".customer-grid .ag-center-cols-container .ag-row"))
              >= 2, "the customer rows")
    for box in page.find_all(".customer-grid .ag-pinned-left-cols-container .ag-row "
                             "input.ag-checkbox-input")[:2]:
        box.click()
    link = page.find("#customers-followup-link")
    page.wait(lambda: "selection=" in (link.get_attribute("href") or ""), "the selection")
    page.driver.get_log("browser")  # the customer list's own console is checked elsewhere
    page.open(link.get_attribute("href").split(site.url, 1)[-1])
    page.wait(lambda: "2" in page.text("#followups-assign-text-div"), "the assign form")
    page.select("followups-kind-select", "visit")
    due = page.find("#followups-due-input")
    page.driver.execute_script(
        "const s = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;"
        "s.call(arguments[0], arguments[1]);"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
        due, filter_service.today(site.runtime()).isoformat())
    page.find("#followups-note-textarea").send_keys("Bring the new catalogue")
    page.find("#followups-assign-button").click()
    page.wait(lambda: "Assigned 2 follow-ups." in page.text("#followups-result-alert"),
              "the assignment")
    page.check_console()
    page.screenshot("followups-en")
    with session_scope(site.runtime().engine) as session:
        mine = session.execute(select(Followup.id).where(
            Followup.rep_id == rep.rep_id, Followup.state == "open")).scalars().all()
    assert len(mine) >= 2

    rep_page = Page(site)
    try:
        _rep_marks_one_done(site, rep_page, rep)
    finally:
        rep_page.close()


def _done_ids(site, rep: Actor) -> set[int]:  # noqa: ANN001
    with session_scope(site.runtime().engine) as session:
        return set(session.execute(select(Followup.id).where(
            Followup.rep_id == rep.rep_id, Followup.state == "done")).scalars().all())


def _rep_marks_one_done(site, page, rep: Actor) -> None:  # noqa: ANN001
    before = _done_ids(site, rep)  # other tests on this site may have closed some already
    page.sign_in("rep", language="zh")
    page.open("/followups")
    page.wait(lambda: page.find_all(".followups-page .ag-row"), "my follow-ups")
    assert "Bring the new catalogue" in page.text(".followups-page")
    page.find(".followups-page .ag-row input.ag-checkbox-input").click()
    page.find("#followups-done-button").click()
    page.wait(lambda: "已保存" in page.text("#followups-result-alert"), "done")
    page.check_console()
    page.screenshot("followups-zh")
    assert len(_done_ids(site, rep) - before) == 1
    page.open("/team")
    page.wait(lambda: page.find_all(".team-table tbody tr"), "the team table")
    rows = page.find_all(".team-table tbody tr")
    assert len(rows) == 1  # a rep sees only themselves
    page.check_console()
