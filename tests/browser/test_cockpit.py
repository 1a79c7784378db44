"""The cockpit in a real browser: both languages, filters in the address, links to exactly
those customers, the language switch, scope, a phone, nothing loaded from outside."""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qs, urlsplit

from dashboard.analytics.selection import count
from dashboard.db import session_scope
from dashboard.filters import parse_filters, parse_selector
from dashboard.scope import Actor
from dashboard.services import customer_table
from dashboard.services import filters as filter_service


def _number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def _expected(site, path_and_query: str) -> int:  # noqa: ANN001
    """How many customers the owner's list at that address has (computed directly)."""
    query = urlsplit(path_and_query).query
    runtime, owner = site.runtime(), Actor.system("browser-test")
    filters = filter_service.resolve_filters(runtime, owner, parse_filters(query))
    return count(customer_table.scoped_table(runtime, owner, filters), parse_selector(query))


def _language_of(site, username: str) -> str | None:  # noqa: ANN001
    from sqlalchemy import select

    from dashboard.models import User

    with session_scope(site.runtime().engine) as session:
        return session.execute(select(User.language).where(
            User.username == username)).scalar_one()


def test_cockpit_in_english_and_chinese(site, page) -> None:  # noqa: ANN001
    page.sign_in("owner")
    page.open("/")
    page.wait_for_cockpit()
    assert page.driver.title == "Cockpit · Customer cockpit"
    assert page.text("h1") == "Cockpit"
    assert "Last 30 days" in page.text(".page-headline")
    assert page.find("html").get_attribute("lang") == "en"
    assert page.horizontal_overflow() == 0
    assert "Call first" in page.text("#cockpit-call-first-div")
    assert "Model used:" in page.text("#cockpit-backtest-div")
    page.check_console()
    page.screenshot("cockpit-en")
    page.find(".language-switch button[value=zh]").click()  # EN | 中文
    page.wait(lambda: page.text("h1") == "驾驶舱", "the Chinese cockpit")
    page.wait_for_cockpit()
    assert page.find("html").get_attribute("lang") == "zh-CN"
    assert "近 30 天" in page.text(".page-headline") and "暴涨与暴跌" in page.text()
    assert re.search(r"¥[\d.,]+(万|亿)?", page.text("#kpi-revenue"))
    assert _language_of(site, "owner") == "zh"
    assert page.horizontal_overflow() == 0
    assert "优先致电" in page.text("#cockpit-call-first-div")
    assert "所用模型" in page.text("#cockpit-backtest-div")
    page.check_console()
    page.screenshot("cockpit-zh")
    page.find(".language-switch button[value=en]").click()
    page.wait(lambda: page.text("h1") == "Cockpit", "the English cockpit again")
    assert _language_of(site, "owner") == "en"


def test_filters_change_the_address_and_the_figures(site, page) -> None:  # noqa: ANN001
    page.sign_in("owner")
    page.open("/")
    page.wait_for_cockpit()
    orders_30 = page.text("#kpi-orders .kpi-value")
    customers_all = page.text("#cockpit-status-div .panel-note")
    page.select("filter-period-select", "90d")
    page.wait(lambda: "period=90d" in page.path_and_query, "the period in the address")
    page.wait(lambda: "Last 90 days" in page.text(".page-headline"), "the 90-day figures")
    page.wait_for_cockpit()
    assert page.text("#kpi-orders .kpi-value") != orders_30
    page.select("filter-type-select", "Retail")
    page.wait(lambda: "type=Retail" in page.path_and_query, "the type in the address")
    page.wait(lambda: page.text("#cockpit-status-div .panel-note") not in ("",
                                                                          customers_all),
              "fewer customers")
    page.wait_for_cockpit()
    assert page.path_and_query == "/?period=90d&type=Retail"
    assert "Retail" in page.text(".page-headline")
    shown = _number(page.text("#cockpit-status-div .panel-note"))
    assert shown == _expected(site, "/customers?period=90d&type=Retail")
    page.check_console()
    page.screenshot("cockpit-filtered-en")
    page.open("/?period=90d&type=Retail")  # the address alone gives the same view
    page.wait_for_cockpit()
    assert page.find("#filter-period-select").get_attribute("value") == "90d"
    assert page.find("#filter-type-select").get_attribute("value") == "Retail"
    assert _number(page.text("#cockpit-status-div .panel-note")) == shown


def test_a_matrix_cell_and_a_status_count_open_exactly_those_customers(site, page) -> None:  # noqa: ANN001
    page.sign_in("owner")
    page.open("/?period=90d")
    page.wait_for_cockpit()
    cells = [a for a in page.find_all(".matrix td a") if _number(a.text) > 0]
    cell = next(a for a in cells if "tier_prev=C" in a.get_attribute("href")
                and "tier=B" in a.get_attribute("href"))
    shown = _number(cell.text)
    status = next(a for a in page.find_all(".legend-table td.num a")
                  if "status=churning" in a.get_attribute("href"))
    churning = _number(status.text)
    page.check_console()
    page.leave_for_other_pages()
    # clicked where it is: panels drawn later (Call first) may still move it down the page
    page.driver.execute_script("arguments[0].click();", cell)
    page.wait(lambda: page.path_and_query.startswith("/customers"), "the customer list")
    query = parse_qs(urlsplit(page.path_and_query).query)
    assert query == {"period": ["90d"], "tier_prev": ["C"], "tier": ["B"]}
    assert shown == _expected(site, page.path_and_query)
    page.driver.back()
    page.wait(lambda: page.path_and_query == "/?period=90d", "back on the cockpit")
    page.wait_for_cockpit()
    status = next(a for a in page.find_all(".legend-table td.num a")
                  if "status=churning" in a.get_attribute("href"))
    page.driver.execute_script("arguments[0].click();", status)
    page.wait(lambda: "status=churning" in page.path_and_query, "the churning list")
    assert page.path_and_query == "/customers?period=90d&status=churning"
    assert churning == _expected(site, page.path_and_query)
    page.driver.back()
    page.wait(lambda: page.path_and_query == "/?period=90d", "back on the cockpit")
    page.wait_for_cockpit()
    mover = page.find(".mover-table td.name.cell-link")  # the cell itself opens the portrait
    code, href = mover.get_attribute("data-code"), mover.get_attribute("data-href")
    assert href == f"/customer/{code}?period=90d"
    page.driver.execute_script("arguments[0].click();", mover)
    page.wait(lambda: page.path_and_query == href, "the mover's portrait")


def test_a_call_logged_from_call_first(site, page) -> None:  # noqa: ANN001
    """A rep's Call first rows are their customers; one click opens the dialog for the first
    and the call is recorded."""
    from sqlalchemy import select

    from dashboard.models import Customer, Visit

    page.sign_in("rep")
    page.open("/")
    page.wait_for_cockpit()
    page.wait(lambda: page.find_all("#cockpit-call-first-div .call-first-item"), "Call first")
    first = page.find_all("#cockpit-call-first-div .call-first-item")[0]
    name = first.find_element("css selector", ".call-first-name a").text
    button = first.find_element("css selector", "button")
    page.driver.execute_script("arguments[0].click();", button)
    page.wait(lambda: page.find(".contact-dialog").is_displayed(), "the dialog")
    assert name in page.text(".contact-dialog")
    note = f"Call first {uuid.uuid4().hex[:8]}"
    page.find(".contact-dialog textarea.contact-note").send_keys(note)
    page.find(".contact-dialog .contact-save").click()
    page.wait(lambda: "recorded for" in page.text("#cockpit-result-alert"), "saved")
    with session_scope(site.runtime().engine) as session:
        saved = session.execute(select(Customer.name, Visit.kind).join(
            Customer, Customer.id == Visit.customer_id).where(Visit.note == note)).one()
    assert tuple(saved) == (name, "call")
    page.check_console()


def test_a_rep_sees_only_their_own_customers(site, page) -> None:  # noqa: ANN001
    page.sign_in("rep")
    page.open("/")
    page.wait_for_cockpit()
    managers = [o for o in page.find_all("#filter-manager-select option")
                if o.get_attribute("value")]  # not the select's empty placeholder
    assert len(managers) == 1 and managers[0].text.strip()
    assert "your customers" in page.text(".page-headline")
    nav = page.driver.execute_script(  # the entries under "More" too, though folded
        "return document.querySelector('nav').textContent")
    assert "Users" not in nav and "Audit log" not in nav  # owner pages are not offered
    assert "Team" in nav  # the team page shows a rep their own row
    page.check_console()
    page.screenshot("cockpit-rep-en")


def test_on_a_phone(site, phone) -> None:  # noqa: ANN001
    phone.sign_in("manager")
    phone.open("/")
    phone.wait_for_cockpit()
    assert phone.horizontal_overflow() == 0
    assert "your team's customers" in phone.text(".page-headline")
    phone.screenshot("cockpit-phone-en")


def test_nothing_is_loaded_from_outside(site, page) -> None:  # noqa: ANN001
    page.sign_in("owner")
    page.open("/")
    page.wait_for_cockpit()
    outside = [u for u in page.resources() if not u.startswith(site.url)]
    assert outside == []
    sheets = page.driver.execute_script(
        "return Array.from(document.styleSheets).map(s => s.href || '')")
    bootstrap = next(i for i, h in enumerate(sheets) if "bootstrap.min.css" in h)
    ours = next(i for i, h in enumerate(sheets) if h.split("?")[0].endswith("/cockpit.css"))
    assert bootstrap < ours  # our rules win over Bootstrap's
    assert page.driver.execute_script(
        "return getComputedStyle(document.documentElement)"
        ".getPropertyValue('--status-lost').trim()") == "#c62828"


def test_unknown_addresses_get_friendly_pages(site, page) -> None:  # noqa: ANN001
    page.sign_in("rep")
    page.open("/no-such-page")
    page.wait(lambda: "Page not found" in page.text(".not-found-page"), "the not-found page")
    assert "404" not in page.text(".not-found-page")  # words, not Dash's status line
    # the address itself answers 404 (the browser logs that); nothing else may complain
    logs = [e["message"] for e in page.driver.get_log("browser") if e["level"] == "SEVERE"]
    assert logs and all("/no-such-page" in m and "404" in m for m in logs), logs
    page.find(".not-found-page a").click()
    page.wait_for_cockpit()
    page.open("/customer/NO-SUCH-CUSTOMER")
    page.wait(lambda: "Customer not found" in page.text("#portrait-missing-div"), "not found")
    actions = page.find(".portrait-actions")
    assert not actions.is_displayed()  # nobody to send a coupon to or to call
    page.check_console()
    page.screenshot("not-found-en")
