"""The customer list and the portrait in a real browser: a cockpit count opens exactly its
customers, sort, search and the CSV export of the rows shown, a portrait from the list, a
call logged from the list, both languages, the charts drawn, and stored script that stays text."""

from __future__ import annotations

import csv
import io
import re
import urllib.request
import uuid
from urllib.parse import unquote, urlsplit

from sqlalchemy import delete, select

from dashboard.db import bump_data_version, session_scope
from dashboard.filters import parse_filters, parse_selector
from dashboard.models import Comment, Customer, Visit
from dashboard.scope import Actor
from dashboard.services import customers as service
from dashboard.services.customers import ListRequest

GRID = "#customers-rows-grid"
NAMES = f"{GRID} .ag-pinned-left-cols-container a.customer-link"
XSS = ["<img src=x onerror=alert('n1')>", "<svg/onload=alert('n2')>",
       "[x](javascript:alert('n3'))", "\"><script>alert('n4')</script>",
       "javascript:alert('n5')", "<a href=\"javascript:alert('n6')\">n6</a>"]
XSS_COMMENTS = ["<img src=x onerror=alert('c1')>", "[click](javascript:alert('c2'))",
                "<svg><script>alert('c3')</script></svg>", "<iframe src=javascript:alert(4)>"]
ALERT_HOOK = ("window.__alerts = []; window.alert = window.confirm = window.prompt = "
              "function (m) { window.__alerts.push(String(m)); };")


def _number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text) or 0)


def _wait_for_list(page) -> int:  # noqa: ANN001
    """Until the grid has answered; returns the count it shows."""
    page.wait(lambda: re.search(r"\d", page.text("#customers-count-div")), "the count")
    count = _number(page.text("#customers-count-div"))
    if count:
        page.wait(lambda: page.find_all(NAMES), "the first rows")
    return count


def _owner_codes(site, address: str) -> list[str]:  # noqa: ANN001
    """The codes of the owner's list at ``address`` (the service, in the grid's order)."""
    runtime, owner = site.runtime(), Actor.system("browser-test")
    query = urlsplit(address).query
    request = ListRequest(filters=parse_filters(query), selector=parse_selector(query))
    page = service.get_customer_page(runtime, owner, request, 0, 1000)
    return page.rows["customer_code"].tolist()


def _download(page, href: str) -> list[dict]:  # noqa: ANN001
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in page.driver.get_cookies())
    request = urllib.request.Request(page.site.url + href, headers={"Cookie": cookies})
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - our server
        assert answer.headers["Content-Type"].startswith("text/csv")
        text = answer.read().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _export_href(page) -> str:  # noqa: ANN001
    href = page.find("#customers-export-link").get_attribute("href")
    return href[len(page.site.url):] if href.startswith(page.site.url) else href


def test_a_cockpit_cell_opens_exactly_its_customers(site, page) -> None:  # noqa: ANN001
    page.sign_in("owner")
    page.open("/?period=90d")
    page.wait_for_cockpit()
    cell = max((a for a in page.find_all(".matrix td a") if _number(a.text) > 0),
               key=lambda a: _number(a.text))
    shown = _number(cell.text)
    page.leave_for_other_pages()
    # clicked where it is: panels drawn later (Call first) may still move it down the page
    page.driver.execute_script("arguments[0].click();", cell)
    page.wait(lambda: page.path_and_query.startswith("/customers?"), "the list")
    assert _wait_for_list(page) == shown
    page.driver.get_log("browser")  # the cockpit's requests cut short by leaving it
    page.open(page.path_and_query)  # the list on its own, its console checked
    page.checking = True
    assert _wait_for_list(page) == shown
    words = page.text("#customers-headline-div")
    assert "Tier moved" in words and "Last 90 days" in words
    expected = _owner_codes(site, page.path_and_query)
    exported = _download(page, _export_href(page))
    # the same customers (the export keeps the list's order: money at risk, highest first)
    assert sorted(r["customer_code"] for r in exported) == sorted(expected)
    assert len(expected) == shown
    page.check_console()


def test_sort_search_and_export_the_rows_shown(site, page) -> None:  # noqa: ANN001
    page.sign_in("owner")
    page.open("/customers?status=active")
    total = _wait_for_list(page)
    assert total > 5
    page.find(f"{GRID} .ag-header-cell[col-id='orders'] .ag-header-cell-label").click()
    page.wait(lambda: page.find_all(f"{GRID} .ag-header-cell[col-id='orders'] "
                                    ".ag-sort-ascending-icon:not(.ag-hidden)"), "sorted")
    page.wait(lambda: _download(page, _export_href(page))[0]["customer_name"] ==
              page.find_all(NAMES)[0].text, "the first row of the sorted list")
    rows = _download(page, _export_href(page))
    orders = [int(r["orders"]) for r in rows]
    assert orders == sorted(orders) and len(rows) == total
    code = unquote(page.find_all(NAMES)[0].get_attribute("href").split("/customer/")[1]
                   .split("?")[0])
    page.find("#customers-search-input").send_keys(code + "\n")
    page.wait(lambda: _number(page.text("#customers-count-div")) == 1, "one customer")
    rows = _download(page, _export_href(page))
    assert [r["customer_code"] for r in rows] == [code]
    page.check_console()
    page.screenshot("customers-search-en")


def test_portrait_from_the_list_and_a_call_from_the_list(site, page) -> None:  # noqa: ANN001
    from selenium.webdriver.support.ui import Select

    page.sign_in("rep")
    page.open("/customers")
    _wait_for_list(page)
    link = page.find_all(NAMES)[0]
    name, href = link.text, link.get_attribute("href")
    code = unquote(href.split("/customer/")[1].split("?")[0])
    page.find(f"{GRID} .ag-pinned-right-cols-container .ag-row[row-index='0'] "
              "button.row-action").click()
    page.wait(lambda: page.find(".contact-dialog").is_displayed(), "the dialog")
    assert name in page.text(".contact-dialog")
    Select(page.find(".contact-dialog select.contact-outcome")).select_by_value("order_promised")
    note = f"Will order next week {uuid.uuid4().hex[:8]}"
    page.find(".contact-dialog textarea.contact-note").send_keys(note)
    page.find(".contact-dialog .contact-save").click()
    page.wait(lambda: "recorded for" in page.text("#customers-result-alert"), "saved")
    with session_scope(site.runtime().engine) as session:
        saved = session.execute(select(Customer.code, Visit.outcome, Visit.kind).join(
            Customer, Customer.id == Visit.customer_id).where(Visit.note == note)).one()
    assert tuple(saved) == (code, "order_promised", "call")
    page.find_all(NAMES)[0].click()
    page.wait(lambda: page.path_and_query.startswith("/customer/"), "the portrait")
    page.wait(lambda: name in page.text(".portrait-name"), "the portrait's header")
    page.wait(lambda: note in page.text("#portrait-timeline-div"), "the call in the timeline")
    assert "Revenue by month" in page.text() and "Money" in page.text()
    page.check_console()


def test_list_and_portrait_in_both_languages(site, page) -> None:  # noqa: ANN001
    page.sign_in("owner")
    page.open("/customers?tier=A")
    _wait_for_list(page)
    assert page.horizontal_overflow() == 0
    page.check_console()
    page.screenshot("customers-en")
    page.find_all(NAMES)[0].click()
    page.wait(lambda: page.find_all(".portrait-name"), "the portrait")
    page.wait(lambda: not page.find_all("#portrait-body-div .skeleton"), "the cards")
    assert page.horizontal_overflow() == 0
    page.check_console()
    page.screenshot("portrait-en")
    portrait = page.path_and_query
    page.find(".language-switch button[value=zh]").click()
    page.wait(lambda: "客户画像" in page.driver.title or "月度销售额" in page.text(), "Chinese")
    page.wait(lambda: not page.find_all("#portrait-body-div .skeleton"), "the cards")
    assert "购买偏好" in page.text() and "应收" in page.text()
    page.check_console()
    page.screenshot("portrait-zh")
    page.open("/customers?tier=A")
    _wait_for_list(page)
    assert "客户" in page.text("h1") and "A 类，" in page.text("#customers-headline-div")
    assert "最近交易日期" in page.text(GRID)
    page.check_console()
    page.screenshot("customers-zh")
    page.open(portrait)
    page.find(".language-switch button[value=en]").click()
    page.wait(lambda: "Revenue by month" in page.text(), "English again")


def test_the_portrait_charts_draw_their_bars_and_lines(site, page) -> None:  # noqa: ANN001
    """The charts' plotly.js is the basic bundle: the portrait's bars and lines are drawn."""
    from plotly.offline import get_plotlyjs_version

    page.sign_in("owner")
    page.open("/customers?tier=A")
    _wait_for_list(page)
    page.find_all(NAMES)[0].click()
    page.wait(lambda: page.find_all("#portrait-body-div .js-plotly-plot .barlayer .point"),
              "the bars drawn")
    assert page.find_all("#portrait-body-div .js-plotly-plot .scatterlayer path.js-line")
    version, traces = page.driver.execute_script(
        "return [window.Plotly.version, Object.keys(window.Plotly.PlotSchema.get().traces)]")
    assert version == get_plotlyjs_version()
    assert set(traces) == {"bar", "scatter", "pie"}  # the basic bundle, not the full one
    assert any("plotly/package_data/plotly.min.js" in r for r in page.resources())
    page.check_console()


def _add_payloads(site) -> list[int]:  # noqa: ANN001
    runtime = site.runtime()
    with session_scope(runtime.engine, write=True) as session:
        rows = [Customer(code=f"XSS-{i}", name=f"xss {payload}", customer_type="Retail",
                         email="javascript:alert('e')//@x.example", phone="javascript:1")
                for i, payload in enumerate(XSS)]
        session.add_all(rows)
        session.flush()
        session.add_all([Comment(customer_id=rows[0].id, body=body) for body in XSS_COMMENTS])
        bump_data_version(session)
        return [c.id for c in rows]


def _remove_payloads(site, customer_ids: list[int]) -> None:  # noqa: ANN001
    with session_scope(site.runtime().engine, write=True) as session:
        session.execute(delete(Comment).where(Comment.customer_id.in_(customer_ids)))
        session.execute(delete(Customer).where(Customer.id.in_(customer_ids)))
        bump_data_version(session)


def test_stored_script_stays_text(site, page) -> None:  # noqa: ANN001
    added = _add_payloads(site)
    try:
        page.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                    {"source": ALERT_HOOK})
        page.sign_in("owner")
        page.open("/customers?status=never")
        _wait_for_list(page)
        page.find("#customers-search-input").send_keys("xss\n")
        page.wait(lambda: _number(page.text("#customers-count-div")) == len(XSS), "payloads")
        page.wait(lambda: len(page.find_all(NAMES)) == len(XSS), "their rows")
        shown = {a.text for a in page.find_all(NAMES)}
        assert shown == {f"xss {p}" for p in XSS}
        assert all(a.get_attribute("href").startswith(page.site.url + "/customer/XSS-")
                   for a in page.find_all(NAMES))
        page.find_all(NAMES)[0].click()
        page.wait(lambda: page.find_all(".timeline-comment"), "the comments")
        timeline = page.text("#portrait-timeline-div")
        assert all(body in timeline for body in XSS_COMMENTS)
        injected = page.driver.execute_script(
            "return document.querySelectorAll('img[src=\"x\"], iframe, svg script, "
            "a[href^=\"javascript\"]').length")
        assert injected == 0
        assert page.driver.execute_script("return window.__alerts") == []
        page.check_console()
        page.screenshot("portrait-xss-en")
    finally:
        _remove_payloads(site, added)
