"""A rule's follow-up from end to end in a real browser: a manager makes a rule ("not active
for a day: segment 'Call back' and a visit follow-up due in 7 days") in the rule editor; the
scheduler's pass (``cockpit schedule --run-due``, what the runner does every night) fires it a
day later; the rep sees the follow-up in "my follow-ups" (in Chinese) and marks it done; the
team page counts the open follow-ups and the ledger shows the move with "follow-up done".
Screenshots rule-followup-editor-en, rule-followup-followups-zh, rule-followup-team-zh,
rule-followup-ledger-en and -zh; no console errors."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import uuid

from sqlalchemy import func, select, update

from dashboard.db import session_scope
from dashboard.models import Followup, Membership, SegmentRule
from dashboard.services import filters as filter_service
from tests.browser.conftest import ROOT, Page, _cockpit, _environment
from tests.browser.test_team_followups import _actor


def _click(page, css: str) -> None:  # noqa: ANN001
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); "
                               "arguments[0].click();", page.find(css))


def _type(page, css: str, text: str) -> None:  # noqa: ANN001
    from selenium.webdriver.common.keys import Keys

    field = page.find(css)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE)
    field.send_keys(text)


def _make_rule(site, page, name: str, team_id: int) -> None:  # noqa: ANN001
    page.sign_in("manager")
    page.open("/schemes")
    page.wait(lambda: page.find_all(".scheme-card") or page.find_all("#rules-list-div"),
              "the schemes page")
    _click(page, "#rules-new-button")
    page.wait(lambda: page.find("#rules-editor-modal").is_displayed(), "the editor")
    page.find("#rules-name-input").send_keys(name)
    page.select("rules-figure-select", "status")
    page.wait(lambda: page.find_all("#rules-operator-select option[value='!=']"),
              "the operators of a status")
    page.select("rules-operator-select", "!=")
    page.wait(lambda: page.find_all("#rules-value-choice-select option[value=active]"),
              "the statuses")
    page.select("rules-value-choice-select", "active")
    _type(page, "#rules-for-days-input", "1")
    page.wait(lambda: page.find_all(f"#rules-team-select option[value='{team_id}']"),
              "the team")
    page.select("rules-team-select", str(team_id))
    page.find("#rules-segment-input").send_keys("Call back")
    page.driver.execute_script(
        "const box = [...document.querySelectorAll('#rules-also-checklist input')]"
        ".find(i => i.closest('.form-check').textContent.includes('open a follow-up'));"
        "box.click();")
    page.wait(lambda: page.find("#rules-followup-kind-select").is_enabled(),
              "the follow-up fields")
    page.select("rules-followup-kind-select", "visit")
    _type(page, "#rules-followup-days-input", "7")
    page.wait(lambda: "customers match these conditions now" in page.text("#rules-preview-div"),
              "the preview")
    page.screenshot("rule-followup-editor-en")
    _click(page, "#rules-save-button")
    page.wait(lambda: "Rule saved" in page.text("#schemes-result-alert"), "the rule saved")
    page.check_console()


def _run_the_scheduler(site) -> str:  # noqa: ANN001
    done = subprocess.run(_cockpit("schedule", "--run-due"), env=_environment(site.data_dir),
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=True)
    return done.stdout


def test_a_rule_followup_from_the_editor_to_done(site, page) -> None:  # noqa: ANN001
    runtime = site.runtime()
    manager, rep = _actor(site, "manager"), _actor(site, "rep")
    name = f"Not active {uuid.uuid4().hex[:6]}"
    _make_rule(site, page, name, manager.team_id)
    with session_scope(runtime.engine, write=True) as s:
        rule = s.execute(select(SegmentRule).where(SegmentRule.name == name)).scalar_one()
        rule_id = rule.id
        assert (rule.actions, rule.followup_kind, rule.followup_days, rule.for_days) == (
            ["segment", "followup"], "visit", 7, 1)
        waiting = s.execute(select(func.count()).select_from(Membership).where(
            Membership.source == f"rule:{rule_id}", Membership.label == "(pending)",
            Membership.valid_to.is_(None))).scalar_one()
        assert waiting > 0
        # nothing fires on the day the rule is saved ("for 1 day")
        assert s.execute(select(func.count()).select_from(Followup).where(
            Followup.rule_id == rule_id)).scalar_one() == 0
        # the rule was saved a day earlier: its customers have been waiting since yesterday
        today = filter_service.today(runtime)
        s.execute(update(Membership).where(
            Membership.source == f"rule:{rule_id}", Membership.valid_to.is_(None))
            .values(valid_from=today - dt.timedelta(days=1)))
    out = _run_the_scheduler(site)
    assert re.search(r"^recompute \(.+\): ok .*'followups': \d+", out, re.M), out
    with session_scope(runtime.engine) as s:
        fired = s.execute(select(Followup.rep_id, Followup.kind, Followup.due_date,
                                 Followup.fired_on).where(Followup.rule_id == rule_id)).all()
    assert fired and {(k, d, f) for _r, k, d, f in fired} == {
        ("visit", today + dt.timedelta(days=7), today)}
    mine = sum(1 for r in fired if r[0] == rep.rep_id)
    assert mine > 0
    assert str(len(fired)) in re.search(r"'followups': (\d+)", out).group(0)
    # the same pass again: nothing new
    again = _run_the_scheduler(site)
    assert "Nothing due" in again or "'followups': 0" in again

    rep_page = Page(site)
    try:
        _rep_marks_it_done(rep_page, name)
    finally:
        rep_page.close()
    with session_scope(runtime.engine) as s:
        states = s.execute(select(Followup.state, func.count()).where(
            Followup.rule_id == rule_id).group_by(Followup.state)).all()
        open_mine = s.execute(select(func.count()).select_from(Followup).where(
            Followup.rep_id == rep.rep_id, Followup.state == "open")).scalar_one()
    assert dict(states) == ({"done": 1, "open": len(fired) - 1} if len(fired) > 1
                            else {"done": 1})

    rep_page = Page(site)
    try:
        rep_page.sign_in("rep", language="zh")
        rep_page.open("/team")
        rep_page.wait(lambda: rep_page.find_all(".team-table tbody tr"), "the team table")
        cells = rep_page.find_all(".team-table tbody tr td")
        shown_open = int(re.sub(r"[^\d]", "", cells[12].text.split("/")[0]))
        assert shown_open == open_mine
        assert "联系计划" in rep_page.text(".team-table thead")
        rep_page.check_console()
        rep_page.screenshot("rule-followup-team-zh")
    finally:
        rep_page.close()

    page.open("/ledger")
    page.wait(lambda: page.find_all("#ledger-list-div table")
              or page.find_all("#ledger-list-div .empty-state"), "the ledger", timeout=120)
    page.wait(lambda: page.find_all(f"#ledger-source-select option[value='rule:{rule_id}']"),
              "the rule among the sources", timeout=60)
    page.select("ledger-source-select", f"rule:{rule_id}")
    page.wait(lambda: "follow-up done" in page.text("#ledger-list-div"), "the rule's moves",
              timeout=120)
    assert name in page.text("#ledger-list-div") and "Call back" in page.text("#ledger-list-div")
    page.check_console()
    page.screenshot("rule-followup-ledger-en")
    page.find(".language-switch button[value=zh]").click()
    page.wait(lambda: page.text("h1") == "迁移台账", "the Chinese page", timeout=60)
    page.wait(lambda: page.find_all(f"#ledger-source-select option[value='rule:{rule_id}']"),
              "the rule among the sources", timeout=120)
    page.select("ledger-source-select", f"rule:{rule_id}")
    page.wait(lambda: "跟进已完成" in page.text("#ledger-list-div"), "the moves in Chinese",
              timeout=120)
    page.check_console()
    page.screenshot("rule-followup-ledger-zh")


def _rep_marks_it_done(page, name: str) -> None:  # noqa: ANN001
    page.sign_in("rep", language="zh")
    page.open("/followups")
    note = f"规则：{name}"
    page.wait(lambda: note in page.text(".followups-page"), "the rule's follow-up")
    index = page.driver.execute_script(
        "const row = [...document.querySelectorAll('.followups-page .ag-center-cols-container "
        ".ag-row')].find(r => r.textContent.includes(arguments[0]));"
        "return row ? row.getAttribute('row-index') : null;", note)
    assert index is not None
    _click(page, f".followups-page .ag-row[row-index='{index}'] input.ag-checkbox-input")
    page.find("#followups-done-button").click()
    page.wait(lambda: "已保存" in page.text("#followups-result-alert"), "done")
    page.check_console()
    page.screenshot("rule-followup-followups-zh")
