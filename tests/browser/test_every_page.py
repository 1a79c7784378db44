"""Every page in both languages, at 1366 px and on a 390-px phone: no console error, no
horizontal scrolling, and no English left on the Chinese pages (outside customer names, codes,
e-mail addresses and user names).

The Chinese pages are read on a site whose demo was written in Chinese (``cockpit demo
--language zh``), as a Chinese install would be. All problems of one window are collected and
reported together; every page leaves a screenshot ``tests/screenshots/page-<name>-<lang>-
<width>.png``.
"""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from dashboard.db import session_scope
from dashboard.filters import customer_path
from dashboard.models import Customer, User
from tests.browser.conftest import Page, Site

PAGES = (
    ("cockpit", "/"), ("customers", "/customers"), ("portrait", "{customer}"),
    ("campaigns", "/campaigns"), ("campaign-new", "/campaigns/new"), ("schemes", "/schemes"),
    ("alerts", "/alerts"), ("targets", "/targets"), ("team", "/team"), ("audit", "/audit"),
    ("duplicates", "/duplicates"), ("import", "/import"),
)
WIDTHS = (1366, 390)
WORD = re.compile(r"[A-Za-z][A-Za-z'’]{2,}")
# codes: anything with a digit, an @, a slash, an underscore or a dot inside (customer codes,
# SKUs, request ids, e-mail addresses, file names) and message placeholders like {name}
CODE = re.compile(r"\S*[0-9@/_.]\S*[A-Za-z]\S*|\S*[A-Za-z]\S*[0-9@/_]\S*|\{\w+\}")
# words that are names or codes in Chinese text too: formats and units, the language's own
# name on the language choice, the column names an import file must carry, the system users
# of the command line and the demo
ALLOWED = {"CSV", "PDF", "Excel", "XLSX", "xlsx", "csv", "Parquet", "SMS", "ABC", "VIP",
           "LED", "PVC", "PPR", "PTFE", "MIG", "CNY", "UTC", "SKU", "ERP", "English",
           "customer", "month", "target", "cli", "demo"}


def _names(site: Site) -> set[str]:
    """Words of the names the pages show as they were entered: customers, users."""
    runtime = site.runtime()
    with session_scope(runtime.engine) as session:
        customers = session.execute(select(Customer.name, Customer.code)).all()
        users = session.execute(select(User.username, User.display_name)).all()
    runtime.engine.dispose()
    words: set[str] = set()
    for row in [*customers, *users]:
        for value in row:
            words |= set(WORD.findall(str(value or "")))
    return words


def english_words(text: str, names: set[str]) -> list[str]:
    found = WORD.findall(CODE.sub(" ", text))
    return sorted({w for w in found if w not in names and w not in ALLOWED
                   and not (w.isupper() and len(w) <= 5)})


def _in_context(text: str, words: list[str]) -> list[str]:
    """Each word with the text around its first appearance (to find where it comes from)."""
    found = []
    for word in words:
        at = re.search(rf"\b{re.escape(word)}\b", text)
        found.append(text[max(0, at.start() - 30):at.end() + 30].replace("\n", " | ")
                     if at else word)
    return found


def _settle(window: Page) -> None:
    """Until Dash has drawn the page: no request in flight, no skeleton left."""
    window.wait(lambda: window.driver.execute_script(
        "return document.readyState === 'complete' && "
        "!document.querySelector('[data-dash-is-loading=\"true\"]') && "
        "!document.querySelector('.skeleton') && "
        "document.querySelector('#_pages_content, #_pages_location, body')"),
        "the page drawn", timeout=45)
    time.sleep(1.2)


def _first_customer(site: Site) -> str:
    """The portrait's address of the first customer."""
    runtime = site.runtime()
    with session_scope(runtime.engine) as session:
        code = session.execute(select(Customer.code).order_by(Customer.id)).scalars().first()
    runtime.engine.dispose()
    return customer_path(code)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_page(request: pytest.FixtureRequest, language: str, width: int) -> None:
    site: Site = request.getfixturevalue("site_zh" if language == "zh" else "site")
    names = _names(site) if language == "zh" else set()
    customer = _first_customer(site)
    window = Page(site, width=width, height=844 if width < 800 else 900, phone=width < 800)
    problems: list[str] = []
    try:
        window.sign_in("owner", language=language)
        for name, path in PAGES:
            window.open(path.format(customer=customer))
            _settle(window)
            overflow = window.horizontal_overflow()
            if overflow > 0:
                problems.append(f"{name}: {overflow} px wider than the window")
            if language == "zh":
                text = window.driver.execute_script("return document.body.innerText")
                title = window.driver.title
                left = english_words(text + "\n" + title, names)
                if left:
                    problems.append(f"{name}: English on the Chinese page: "
                                    f"{_in_context(text, left[:12])}")
            try:
                window.check_console()
            except AssertionError as error:
                problems.append(f"{name}: console: {str(error)[:400]}")
            window.screenshot(f"page-{name}-{language}-{width}")
            if width >= 800:
                window.driver.set_window_size(width, 900)
    finally:
        window.close()
    assert problems == [], "\n".join(problems)


def test_the_word_check_allows_names_codes_and_mail() -> None:
    names = {"Pacific", "Hardware"}
    text = ("太平洋 Pacific Hardware C000123 FST-0001 sales@x.example 导出 CSV Revenue owner "
            "{name} 请求 ccbe12f0 图 report_2026.pdf")
    assert english_words(text, names | {"owner"}) == ["Revenue"]
