"""A real browser signs in through the form, uses owner pages, and the page logs no
Content-Security-Policy violation or error (RELIABILITY-TESTS A.5, browser part)."""

from __future__ import annotations

import shutil
import threading
import time

import pytest
from werkzeug.serving import make_server

pytestmark = pytest.mark.browser


@pytest.fixture
def live_url(cockpit, runtime):  # noqa: ANN001, ANN201
    if runtime.engine.dialect.name != "sqlite":
        pytest.skip("the browser run needs one database only")
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip("needs /usr/bin/chromium and chromedriver")
    server = make_server("127.0.0.1", 0, cockpit.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _driver():  # noqa: ANN202
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options)


def _wait_text(driver, text: str, timeout: float = 20) -> str:  # noqa: ANN001
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        try:  # the page may be replaced between finding the body and reading it
            body = driver.find_element(By.TAG_NAME, "body").text
        except (StaleElementReferenceException, NoSuchElementException):
            body = ""
        if text in body:
            return body
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not shown; page says: {body[:500]}")


def _wait_cell(driver, text: str, timeout: float = 20) -> None:  # noqa: ANN001
    """Wait for a grid cell that reads exactly ``text``."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            cells = [cell.text.strip() for cell in driver.find_elements(By.CSS_SELECTOR, ".ag-cell")]
        except StaleElementReferenceException:  # the grid redrew between finding and reading
            cells = []
        if text in cells:
            return
        time.sleep(0.2)
    raise AssertionError(f"no grid cell reads {text!r}")


def test_sign_in_and_owner_pages_without_csp_violations(live_url, world) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    driver = _driver()
    try:
        driver.get(f"{live_url}/users")
        assert "/login?next=/users" in driver.current_url
        driver.find_element(By.LINK_TEXT, "简体中文").click()
        _wait_text(driver, "用户名")
        driver.find_element(By.ID, "username").send_keys("owner")
        driver.find_element(By.ID, "password").send_keys(world.password("owner"))
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        body = _wait_text(driver, "manager_a")  # the user list came through a callback
        assert "rep_none" in body
        driver.get(f"{live_url}/audit")
        _wait_cell(driver, "登录")  # the owner's own sign-in, its action worded in Chinese
        logs = driver.get_log("browser")
    finally:
        driver.quit()
    problems = [e["message"] for e in logs if e["level"] == "SEVERE"
                or "Content Security Policy" in e["message"]]
    assert problems == []
