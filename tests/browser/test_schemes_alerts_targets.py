"""Schemes, Alerts and Targets in a real browser: a band count opens the list of exactly those
customers, a scheme is created (with a validation message first) and deleted, a rep's alerts
and the navbar's count, a target set by hand and a targets file checked then imported; both
languages, no console errors, screenshots."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from dashboard.db import session_scope
from dashboard.filters import parse_filters, parse_selector
from dashboard.models import User
from dashboard.scope import Actor
from dashboard.services import alerts, customer_table, schemes
from dashboard.services import filters as filter_service


def _number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text) or 0)


def _actor(site, username: str) -> Actor:  # noqa: ANN001
    with session_scope(site.runtime().engine) as session:
        user = session.execute(select(User).where(User.username == username)).scalar_one()
        return Actor(user_id=user.id, username=user.username, role=user.role,
                     team_id=user.team_id, rep_id=user.rep_id)


def _listed(site, actor: Actor, path_and_query: str) -> int:  # noqa: ANN001
    """How many customers the list at that address holds for ``actor`` (computed directly)."""
    query = urlsplit(path_and_query).query
    runtime = site.runtime()
    wanted = filter_service.resolve_filters(runtime, actor, parse_filters(query))
    table = customer_table.scoped_table(runtime, actor, wanted)
    return len(schemes.select_customers(runtime, actor, table, parse_selector(query),
                                        wanted.as_of))


def _wait_for_schemes(page) -> None:  # noqa: ANN001
    page.wait(lambda: page.find_all(".scheme-card .band-count"), "the scheme cards")
    page.wait(lambda: page.find_all(".rule-table") or page.find_all(".empty-state"),
              "the rules")


def test_a_band_count_opens_exactly_those_customers_in_both_languages(site, page) -> None:  # noqa: ANN001
    page.sign_in("manager")
    page.open("/schemes")
    _wait_for_schemes(page)
    assert page.driver.title == "Schemes · Customer cockpit"
    assert page.text("h1") == "Sales classifications"
    assert "Risk of going away" in page.text() and "Segmentation rules" in page.text()
    assert page.horizontal_overflow() == 0
    page.check_console()
    page.screenshot("schemes-en")
    page.find(".language-switch button[value=zh]").click()
    page.wait(lambda: page.text("h1") == "销售分类", "the Chinese page")
    _wait_for_schemes(page)
    assert "细分规则" in page.text() and "分类方案" in page.text("nav")
    page.check_console()
    page.screenshot("schemes-zh")
    page.find(".language-switch button[value=en]").click()
    page.wait(lambda: page.text("h1") == "Sales classifications", "English again")
    _wait_for_schemes(page)
    link = next(a for a in page.find_all(".scheme-card .band-count") if _number(a.text) > 0)
    shown = _number(link.text)
    page.leave_for_other_pages()
    link.click()
    page.wait(lambda: page.path_and_query.startswith("/customers"), "the customer list")
    query = parse_qs(urlsplit(page.path_and_query).query)
    assert set(query) == {"scheme", "band"}
    assert shown == _listed(site, _actor(site, "manager"), page.path_and_query)


def _fill(page, css: str, text: str) -> None:  # noqa: ANN001
    field = page.find(css)
    field.clear()
    field.send_keys(text)


def test_a_scheme_is_checked_saved_and_deleted(site, page) -> None:  # noqa: ANN001
    page.sign_in("owner")
    page.open("/schemes")
    _wait_for_schemes(page)
    before = len(page.find_all(".scheme-card"))
    page.find("#schemes-new-button").click()
    page.wait(lambda: page.find("#schemes-editor-modal").is_displayed(), "the editor")
    _fill(page, "#schemes-title-input", "Browser test scheme")
    labels = page.find_all("input[id*='schemes-band-label-input']")
    uppers = page.find_all("input[id*='schemes-band-upper-input']")
    for field, text in zip(labels[:2] + uppers[:2], ["Low", "High", "5", "2"], strict=True):
        field.send_keys(text)
    page.find("#schemes-save-button").click()
    page.wait(lambda: "must be above the band before" in page.text("#schemes-editor-error-div"),
              "the validation message")
    page.screenshot("schemes-editor-en")
    uppers[1].clear()
    uppers[1].send_keys("9")
    page.find("#schemes-save-button").click()
    page.wait(lambda: len(page.find_all(".scheme-card")) == before + 1, "the new card")
    card = page.find_all(".scheme-card")[-1]
    assert "Browser test scheme" in card.text
    card.find_element("css selector", "button[id*='schemes-delete-button']").click()
    page.wait(lambda: page.find("#schemes-confirm-modal").is_displayed(), "the confirmation")
    page.find("#schemes-confirm-yes-button").click()
    page.wait(lambda: len(page.find_all(".scheme-card")) == before, "the card gone")


def test_a_rep_marks_an_alert_done_and_the_count_follows(site, page) -> None:  # noqa: ANN001
    rep = _actor(site, "rep")
    expected = alerts.count_open(site.runtime(), rep)
    page.sign_in("rep")
    page.open("/alerts")
    page.wait(lambda: page.find_all("#alerts-list-div table") or
              page.find_all("#alerts-list-div .empty-state"), "the alerts")
    badge = page.text("#shell-alert-count-span")
    assert (_number(badge) if badge else 0) == min(expected, 999)
    assert page.text("h1") == "Alerts"
    page.check_console()
    page.screenshot("alerts-en")
    if expected == 0:
        return
    shown = "var s = document.getElementById('alerts-rule-select'); " \
            "return s.selectedIndex < 0 ? '' : s.options[s.selectedIndex].text;"
    assert page.driver.execute_script(shown).startswith("Every rule (")  # not a blank box
    show = page.find("#alerts-groups-div button[data-alert^='show:']")
    rule = show.get_attribute("data-alert").split(":")[1]
    show.click()  # the rule's alerts only
    page.wait(lambda: page.find("#alerts-rule-select").get_attribute("value") == rule,
              "the rule chosen")
    page.wait(lambda: not page.find_all("[data-dash-is-loading='true']"), "the rule's alerts")
    page.wait(lambda: page.find_all("#alerts-list-div button[data-alert^='done:']")[0].click()
              or True, "a Mark done button to click")  # again if the list was redrawn
    page.wait(lambda: _number(page.text("#shell-alert-count-span") or "0") == expected - 1,
              "the count going down")
    assert alerts.count_open(site.runtime(), rep) == expected - 1
    page.find(".language-switch button[value=zh]").click()
    page.wait(lambda: page.text("h1") == "预警", "the Chinese page")
    page.wait(lambda: page.find_all("#alerts-list-div table") or
              page.find_all("#alerts-list-div .empty-state"), "the alerts")
    page.check_console()
    page.screenshot("alerts-zh")
    page.find(".language-switch button[value=en]").click()
    page.wait(lambda: page.text("h1") == "Alerts", "English again")


def test_targets_set_by_hand_and_imported_from_a_file(site, page, tmp_path: Path) -> None:  # noqa: ANN001
    page.sign_in("manager")
    page.open("/targets")
    page.wait(lambda: page.find_all("#targets-chart-div .js-plotly-plot"), "the month chart")
    assert page.text("h1") == "Sales targets"
    page.check_console()
    page.screenshot("targets-en")
    _fill(page, "#targets-amount-input", "12345")
    page.find("#targets-save-button").click()
    page.wait(lambda: "Target saved" in page.text("#targets-edit-result-div"), "saved")
    code = page.text("#targets-customer-dropdown").split("·")[0].strip()
    upload = tmp_path / "targets.csv"
    upload.write_text(f"customer,month,target\n{code},2026-12,5000\n{code},2026-13,1\n",
                      encoding="utf-8")
    page.find("#targets-upload input[type=file]").send_keys(str(upload))
    page.wait(lambda: "1 with problems" in page.text("#targets-preview-div"), "the check")
    assert "row 3" in page.text("#targets-preview-div")
    for control in ("#targets-skip-bad-checkbox", "#targets-import-button"):  # below the fold
        page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});"
                                   "arguments[0].click();", page.find(control))
    page.wait(lambda: "Imported" in page.text("#targets-preview-div"), "the import")
    # the navbar is above the fold, and the page may still move as the import's refresh lands
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});"
                               "arguments[0].click();",
                               page.find(".language-switch button[value=zh]"))
    page.wait(lambda: page.text("h1") == "销售目标", "the Chinese page")
    page.wait(lambda: page.find_all("#targets-chart-div .js-plotly-plot"), "the month chart")
    time.sleep(0.5)
    page.check_console()
    page.screenshot("targets-zh")
    page.find(".language-switch button[value=en]").click()
    page.wait(lambda: page.text("h1") == "Sales targets", "English again")


_CALL_LOG = """
window.__dashCalls = [];
const cockpitFetch = window.fetch;
window.fetch = function (url, options) {
  try {
    if (String(url).includes('_dash-update-component')) {
      const body = JSON.parse(options.body);
      window.__dashCalls.push({output: String(body.output || ''),
                               inputs: (body.changedPropIds || []).join(',')});
    }
  } catch (e) { /* not a callback */ }
  return cockpitFetch.apply(this, arguments);
};
"""


def test_targets_page_is_drawn_once_and_a_name_shows_that_customer(site, page) -> None:  # noqa: ANN001
    """The page's content comes once (it ran a second time after the summary table when every
    row had a pattern-matching button), the month chart is asked for once on arrival, and a
    click on a customer's name in the table draws that customer's months."""
    page.sign_in("owner")
    page.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _CALL_LOG})
    page.open("/targets")
    page.wait(lambda: page.find_all("#targets-chart-div .js-plotly-plot"), "the month chart")
    time.sleep(1.5)  # anything that would follow the chart has had time to ask
    calls = page.driver.execute_script("return window.__dashCalls")
    content = [c for c in calls if "_pages_content.children" in c["output"]]
    charts = [c for c in calls if c["output"] == "targets-chart-div.children"]
    assert len(content) == 1, calls
    assert len(charts) == 1, calls
    assert not page.find_all("[id*='targets-pick-button']")
    names = page.find_all("#targets-summary-grid button[data-customer]")
    assert len(names) >= 2
    first = page.text("#targets-chart-div").splitlines()[0]
    chosen = names[1]
    code = chosen.find_element("xpath", "..").text.splitlines()[-1].strip()
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});"
                               "arguments[0].click();", chosen)
    page.wait(lambda: page.text("#targets-chart-div").startswith(code + " ·"),
              "the chosen customer's months")
    assert not first.startswith(code + " ·")
    assert page.text("#targets-customer-dropdown").startswith(code)
    page.check_console()
