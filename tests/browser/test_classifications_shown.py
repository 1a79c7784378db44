"""Classifications where people work, in both languages at 1366 px and on a 390-px phone: the
customer list shows band and segment badges under the names and narrows to a band or a
segment from its own menu (kept in the address); the portrait shows them beside the tier; a
rep at an owner's page reads one refusal, not two; the rep's targets page has no empty half.
Screenshots: ``tests/screenshots/classes-<what>-<lang>-<width>.png``."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from dashboard.db import session_scope
from dashboard.models import SegmentRule
from tests.browser.conftest import Page, Site

WIDTHS = (1366, 390)


def _settle(window: Page) -> None:
    window.wait(lambda: window.driver.execute_script(
        "return document.readyState === 'complete' && "
        "!document.querySelector('[data-dash-is-loading=\"true\"]') && "
        "!document.querySelector('.skeleton')"), "the page drawn", timeout=45)
    time.sleep(1.0)


def _segment_rule(site: Site) -> tuple[int, str]:
    runtime = site.runtime()
    with session_scope(runtime.engine) as session:
        row = session.execute(select(SegmentRule.id, SegmentRule.segment)
                              .where(SegmentRule.action == "segment")).first()
    runtime.engine.dispose()
    return int(row[0]), str(row[1])


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["en", "zh"])
def test_badges_filter_and_one_refusal(request: pytest.FixtureRequest, language: str,
                                       width: int) -> None:
    site: Site = request.getfixturevalue("site_zh" if language == "zh" else "site")
    rule_id, segment = _segment_rule(site)
    phone = width < 800
    window = Page(site, width=width, height=844 if phone else 900, phone=phone)
    tag = f"{language}-{width}"
    try:
        window.sign_in("owner", language=language)
        window.open("/customers")
        window.find(".customer-grid .customer-classes .badge-class", timeout=45)
        _settle(window)
        assert window.horizontal_overflow() == 0
        window.screenshot(f"classes-list-{tag}")

        # the band and segment menu: choosing the segment keeps it in the address and lists
        # only its customers, each with the segment's badge
        toggle = window.find(".class-picker-toggle")
        window.driver.execute_script("arguments[0].click();", toggle)
        item = window.wait(lambda: [a for a in window.find_all(".class-picker .dropdown-item")
                                    if a.text.strip() == segment], "the segment in the menu")[0]
        window.screenshot(f"classes-menu-{tag}")
        window.driver.execute_script("arguments[0].click();", item)
        window.wait(lambda: f"segment={rule_id}" in window.path_and_query, "segment=")
        _settle(window)
        window.wait(lambda: segment in window.text(".list-words"), "the segment in words")
        window.wait(lambda: window.find_all(".customer-grid .ag-row .badge-class"), "rows")
        rows = window.find_all(".ag-pinned-left-cols-container .ag-row .customer-classes")
        assert rows and all(segment in r.text for r in rows)
        window.screenshot(f"classes-segment-{tag}")

        # the portrait of the first customer listed shows the badges beside the tier
        link = window.find(".customer-grid .customer-link")
        window.driver.execute_script("arguments[0].click();", link)
        window.find(".portrait-badges .badge-class", timeout=45)
        _settle(window)
        assert segment in window.text(".portrait-badges")
        assert window.horizontal_overflow() == 0
        window.screenshot(f"classes-portrait-{tag}")
        window.leave_for_other_pages()
    finally:
        window.close()

    rep = Page(site, width=width, height=844 if phone else 900, phone=phone)
    try:
        rep.sign_in("rep", language=language)
        for path, name in (("/users", "users"), ("/audit", "audit")):
            rep.open(path)
            rep.find(".page-refusal")
            _settle(rep)
            time.sleep(1.5)  # the hidden parts' callbacks have been refused by now
            shown = [a for a in rep.find_all("#shell-message-alert") if a.is_displayed()]
            assert shown == [], f"{name}: a second refusal above the page's own"
            rep.screenshot(f"classes-refusal-{name}-{tag}")
        rep.open("/targets")
        rep.find("#targets-summary-grid table, #targets-summary-grid .empty-state", timeout=45)
        _settle(rep)
        assert not rep.find_all("#targets-edit-card-div")[0].is_displayed()
        rep.screenshot(f"classes-targets-rep-{tag}")
        rep.leave_for_other_pages()
    finally:
        rep.close()
