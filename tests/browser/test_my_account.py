"""A customer's own page in a real browser: a Trade customer of the demo signs in, sees their
purchases by month and category and their target progress at 1366 px and on a 390-px phone,
in English and Chinese, with no console errors and no horizontal scrolling; a staff page
answers "not allowed". Screenshots ``my-account-{en,zh}`` and ``my-account-phone-{en,zh}``."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashboard.db import session_scope
from dashboard.models import Customer, Order
from dashboard.scope import Actor
from dashboard.services import users

USERNAME = "buyer-demo"
PASSWORD = "a long customer password for the demo"


@pytest.fixture
def customer(site):  # noqa: ANN001, ANN201
    """A sign-in for the Trade customer with the most orders (made once per site)."""
    runtime = site.runtime()
    if USERNAME not in site.passwords:
        with session_scope(runtime.engine) as session:
            code, name = session.execute(
                select(Customer.code, Customer.name).join(Order, Order.customer_id == Customer.id)
                .where(Customer.customer_type == "Trade").group_by(Customer.id)
                .order_by(func.count().desc(), Customer.id).limit(1)).one()
        users.create_user(runtime, Actor.system("test"), {
            "username": USERNAME, "role": "customer", "customer": code, "password": PASSWORD})
        site.passwords[USERNAME] = PASSWORD
        site.customer = (code, name)
    return site.customer


def _wait_for_page(page) -> None:  # noqa: ANN001
    page.wait(lambda: page.find_all("#my-header-div h1"), "the customer's name")
    page.wait(lambda: not page.find_all(".my-page .skeleton"), "no skeleton")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_their_page_on_a_laptop(site, page, customer, language: str) -> None:  # noqa: ANN001
    code, name = customer
    page.sign_in(USERNAME, language=language)
    page.wait(lambda: page.path_and_query == "/my", "their page")
    _wait_for_page(page)
    assert code in page.text("#my-header-div") and name in page.text("#my-header-div")
    words = {"en": ("Purchases by month", "Purchases by category", "Target progress"),
             "zh": ("按月采购", "按品类采购", "目标进度")}[language]
    body = page.text()
    assert all(w in body for w in words)
    assert not page.find_all("a[href='/customers']") and not page.find_all("a[href='/']")
    assert page.find_all("#my-monthly-div .js-plotly-plot")
    assert page.horizontal_overflow() == 0
    page.check_console()
    page.screenshot(f"my-account-{language}")
    page.open("/customers")
    page.wait(lambda: page.text("h1") in ("Not allowed", "不允许"), "the refusal")
    page.checking = False  # the refusal page answers 403: the browser logs that


@pytest.mark.parametrize("language", ["en", "zh"])
def test_their_page_on_a_phone(site, phone, customer, language: str) -> None:  # noqa: ANN001
    phone.sign_in(USERNAME, language=language)
    phone.wait(lambda: phone.path_and_query == "/my", "their page")
    _wait_for_page(phone)
    assert phone.horizontal_overflow() == 0
    phone.check_console()
    phone.screenshot(f"my-account-phone-{language}")
