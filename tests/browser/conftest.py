"""Browser-test kit: the real app on a demo database, driven by Debian's Chromium.

- ``site`` (once per test session): ``cockpit demo --customers 300`` into a temporary data
  folder, then ``cockpit run`` (gunicorn, two workers) on a free local port; the demo
  sign-ins it prints are the test users. Stopped at the end of the session.
- ``page``: a fresh headless Chromium (``/usr/bin/chromium`` with ``/usr/bin/chromedriver``;
  nothing is downloaded) with helpers to sign in through the form, wait, take screenshots
  into ``tests/screenshots/<page>-<lang>.png`` (git-ignored) and read the console. A test
  fails on any console error or Content-Security-Policy violation on our pages.

Every test here is marked ``browser`` and runs in one xdist group (one demo site).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
DEMO_CUSTOMERS, DEMO_ORDERS = 300, 9000
_SIGN_IN_LINE = re.compile(r"^\s+(owner|manager|rep)\s+(\S+)\s+(\S+)\s*$")
# Collects CSP violations in the page (injected through DevTools, so the page's own CSP
# does not apply to it).
_CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  e.violatedDirective + ' ' + e.blockedURI));
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@dataclass
class Site:
    url: str
    data_dir: Path
    passwords: dict[str, str] = field(default_factory=dict)  # demo user name -> password

    def runtime(self) -> Any:
        """A runtime on the site's database (for the expected figures)."""
        from dashboard.config import load_settings
        from dashboard.runtime import build_runtime

        return build_runtime(load_settings(environ=_environment(self.data_dir)))


def _environment(data_dir: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    # the scheduler stays off: its catch-up recompute 20 s after start would compete with
    # the pages the tests time (tests/dashboard/services/test_scheduler.py covers it)
    return {**keep, "COCKPIT_DATA_DIR": str(data_dir), "COCKPIT_ENV": "production",
            "COCKPIT_REDIS_URL": "", "COCKPIT_SCHEDULER": "off"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cockpit(*args: str) -> list[str]:
    return [sys.executable, "-c", "from dashboard.cli import main; main()", *args]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path,
                   timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"cockpit run stopped: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("cockpit run did not answer in time")


def _serve(tmp_path_factory: pytest.TempPathFactory, language: str) -> Iterator[Site]:
    """The demo (its words in ``language``) served by ``cockpit run`` until the session ends."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("needs Debian's chromium and chromium-driver")
    data_dir = tmp_path_factory.mktemp(f"browser-site-{language}")
    env = _environment(data_dir)
    demo = subprocess.run(_cockpit("demo", "--customers", str(DEMO_CUSTOMERS), "--orders",
                                   str(DEMO_ORDERS), "--seed", "3", "--language", language),
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=True)
    found = [_SIGN_IN_LINE.match(line) for line in demo.stdout.splitlines()]
    passwords = {m.group(2): m.group(3) for m in found if m}
    assert set(passwords) == {"owner", "manager", "rep"}, demo.stdout[-800:]
    port = _free_port()
    log = (data_dir / "server.log").open("w")
    server = subprocess.Popen(_cockpit("run", "--host", "127.0.0.1", "--port", str(port),
                                       "--workers", "2"),
                              env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, data_dir / "server.log", timeout=180)
        yield Site(url=url, data_dir=data_dir, passwords=passwords)
    finally:
        server.terminate()  # gunicorn (``cockpit run`` becomes it) stops its workers
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from _serve(tmp_path_factory, "en")


@pytest.fixture(scope="session")
def site_zh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A second site whose demo is written in Chinese (``cockpit demo --language zh``)."""
    yield from _serve(tmp_path_factory, "zh")


class Page:
    """One browser window on the site."""

    def __init__(self, site: Site, *, width: int = 1366, height: int = 900,
                 phone: bool = False) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service

        options = Options()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", f"--window-size={width},{height}",
                    "--lang=en-US"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                    {"source": _CSP_LISTENER})
        if phone:
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
        self.site, self.width, self.phone = site, width, phone
        self.checking = True  # the console is checked at the end

    # --- navigation ------------------------------------------------------------------------

    def open(self, path: str) -> None:
        self.driver.get(self.site.url + path)

    def sign_in(self, username: str, *, language: str = "en") -> None:
        from selenium.webdriver.common.by import By

        if self.driver.current_url.startswith(self.site.url):
            self.driver.delete_all_cookies()  # signed in already: /login would go on
        self.open(f"/login?lang={language}")
        self.driver.find_element(By.ID, "username").send_keys(username)
        self.driver.find_element(By.ID, "password").send_keys(self.site.passwords[username])
        self.driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.wait(lambda: "/login" not in self.driver.current_url, "signed in")
        # a user's own language choice wins over the sign-in page's; an earlier test on the
        # same site may have switched it, so switch back to the one this test reads
        lang = self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") or ""
        if not lang.startswith(language):
            switch = self.find(f".language-switch button[value={language}]")
            self.driver.execute_script("arguments[0].click();", switch)
            self.wait(lambda: (self.driver.find_element(By.TAG_NAME, "html")
                               .get_attribute("lang") or "").startswith(language),
                      f"the page in {language}")

    @property
    def path_and_query(self) -> str:
        url = self.driver.current_url
        return url[len(self.site.url):] if url.startswith(self.site.url) else url

    # --- waiting and reading ---------------------------------------------------------------

    def wait(self, condition: Any, what: str, timeout: float = 30) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = condition()
            except Exception:  # noqa: BLE001 - the page is still changing
                value = None
            if value:
                return value
            time.sleep(0.15)
        raise AssertionError(f"timed out waiting for {what}; at {self.driver.current_url}: "
                             f"{self.text()[:600]}")

    def find(self, css: str, timeout: float = 15) -> Any:
        """The first element matching ``css``, waiting for it to appear (Dash renders the
        page after the address loads; a slow machine takes seconds)."""
        found = self.wait(lambda: self.find_all(css), f"an element {css}", timeout)
        return found[0]

    def find_all(self, css: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css: str = "body") -> str:
        found = self.find_all(css)
        return found[0].text if found else ""

    def wait_for_cockpit(self) -> None:
        """Until the cockpit's cards are filled (no skeleton left)."""
        self.wait(lambda: self.find_all("#kpi-revenue .kpi-value") or
                  self.find_all(".empty-state"), "the cockpit's figures")
        self.wait(lambda: not self.find_all("#cockpit-panels-div .skeleton"), "no skeleton")

    def select(self, element_id: str, value: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.find(f"#{element_id}")).select_by_value(value)

    def horizontal_overflow(self) -> int:
        """Pixels the page is wider than the window (0: no horizontal scrolling)."""
        return int(self.driver.execute_script(
            "return document.documentElement.scrollWidth - "
            "document.documentElement.clientWidth"))

    def resources(self) -> list[str]:
        return self.driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")

    # --- evidence ------------------------------------------------------------------------

    def screenshot(self, name: str) -> Path:
        """The whole page as ``tests/screenshots/<name>.png``."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        height = int(self.driver.execute_script("return document.body.scrollHeight"))
        if self.phone:
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": self.width, "height": height + 20, "deviceScaleFactor": 1,
                "mobile": True})
        else:
            self.driver.set_window_size(self.width, height + 140)
        time.sleep(0.3)
        path = SCREENSHOTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def check_console(self) -> None:
        """Fail on console errors or CSP violations since the last check."""
        logs = self.driver.get_log("browser")
        errors = [e["message"] for e in logs if e["level"] == "SEVERE"
                  or "Content Security Policy" in e["message"]]
        try:
            errors += self.driver.execute_script("return window.__cspViolations || []")
        except Exception:  # noqa: BLE001 - a page in the middle of loading
            pass
        assert errors == [], errors

    def leave_for_other_pages(self) -> None:
        """From here on the window shows pages tested elsewhere: check ours first."""
        self.check_console()
        self.checking = False

    def close(self) -> None:
        self.driver.quit()


@pytest.fixture
def page(site: Site) -> Iterator[Page]:
    window = Page(site)
    try:
        yield window
        if window.checking:
            window.check_console()
    finally:
        window.close()


@pytest.fixture
def phone(site: Site) -> Iterator[Page]:
    window = Page(site, width=390, height=844, phone=True)
    try:
        yield window
        window.check_console()
    finally:
        window.close()
