"""The portrait's [PDF] button in a real browser: it is on the page in both languages and its
address gives the signed-in user the report of this customer, in their language."""

from __future__ import annotations

import subprocess
import urllib.request
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.browser.test_customers import NAMES, _wait_for_list

pytestmark = pytest.mark.browser
PDF_LINK = "a[href*='report.pdf']"


def _fetch(page, href: str) -> tuple[str, bytes]:  # noqa: ANN001
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in page.driver.get_cookies())
    request = urllib.request.Request(href if href.startswith("http") else page.site.url + href,
                                     headers={"Cookie": cookies})
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - our server
        return answer.headers["Content-Type"], answer.read()


def test_the_pdf_button_gives_this_customers_report(site, page, tmp_path: Path) -> None:  # noqa: ANN001
    page.sign_in("owner")
    page.open("/customers")
    _wait_for_list(page)
    link = page.find_all(NAMES)[0]
    name = link.text
    code = unquote(link.get_attribute("href").split("/customer/")[1].split("?")[0])
    link.click()
    page.wait(lambda: name in page.text(".portrait-name"), "the portrait")
    button = page.find(PDF_LINK)
    assert button.text.strip() == "PDF" and "report.pdf" in button.get_attribute("href")
    page.check_console()
    page.screenshot("portrait-pdf-button-en")
    kind, content = _fetch(page, button.get_attribute("href"))
    assert kind == "application/pdf" and content.startswith(b"%PDF-")
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert name in text and code in text and "Customer report" in text

    page.find(".language-switch button[value=zh]").click()
    page.wait(lambda: "月度销售额" in page.text(), "Chinese")
    button = page.find(PDF_LINK)
    assert "可打印报告" in button.get_attribute("title")
    kind, content = _fetch(page, button.get_attribute("href"))
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "客户报告" in text and name in text
    page.screenshot("portrait-pdf-button-zh")
