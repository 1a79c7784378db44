"""The import page in a real browser: a GBK orders file chosen through the upload's file
input shows its columns proposed and its bad row with the row number, the button says why it
is greyed out, then the good rows import as a background job; the Chinese page; a rep reads
the refusal and has no navbar entry. Screenshots ``import-en`` and ``import-zh``."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import func, select

from dashboard.db import session_scope
from dashboard.models import Customer, Order

CSV = ("单号,客户编码,日期,商品编码,数量,单价,商品名称\n"
       "IMP-1,IMP-A,2026-11-20,IMP-SKU1,2,100,螺丝\n"
       "IMP-2,IMP-A,2026-11-21,IMP-SKU2,abc,50,垫圈\n"
       "IMP-3,IMP-G,2026-11-21,IMP-SKU1,1,100,螺丝\n").encode("gbk")


def _click(page, css: str) -> None:  # noqa: ANN001
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});"
                               "arguments[0].click();", page.find(css))


def _imported(site) -> tuple[int, int]:  # noqa: ANN001
    with session_scope(site.runtime().engine) as session:
        orders = session.scalar(select(func.count()).select_from(Order).where(
            Order.order_no.like("IMP-%")))
        customers = session.scalar(select(func.count()).select_from(Customer).where(
            Customer.code.like("IMP-%")))
    return int(orders or 0), int(customers or 0)


def test_a_gbk_file_is_checked_then_its_good_rows_imported(site, page,  # noqa: ANN001
                                                          tmp_path: Path) -> None:
    upload = tmp_path / "erp-gbk.csv"
    upload.write_bytes(CSV)
    page.sign_in("owner")
    page.open("/import")
    page.wait(lambda: page.text("h1") == "Import data", "the import page")
    assert page.find_all(".navbar a[href='/import']")
    page.find("#import-upload input[type=file]").send_keys(str(upload))
    page.wait(lambda: "erp-gbk.csv" in page.text("#import-file-div"), "the upload")
    page.wait(lambda: "abc" in page.text("#import-problems-div"), "the check")
    problems = page.text("#import-problems-div")
    assert "1 problem in the file" in problems and "数量" in problems
    assert "3" in problems.split("数量")[0]  # the row number, before the column
    assert "螺丝" in page.text("#import-preview-div")  # GBK read as such
    assert page.find("#import-start-button").get_attribute("disabled") is not None
    assert "tick" in page.text("#import-why-div")
    assert _imported(site) == (0, 0)
    _click(page, "#import-skip-bad-checkbox")
    page.wait(lambda: page.find("#import-start-button").get_attribute("disabled") is None,
              "the button")
    _click(page, "#import-start-button")
    page.wait(lambda: "Imported Orders from erp-gbk.csv" in page.text("#import-result-div"),
              "the import", timeout=90)
    assert "Rows: 3 read, 2 accepted, 1 rejected, 2 written." in page.text(
        "#import-result-div")
    assert _imported(site) == (2, 2)
    page.check_console()
    page.screenshot("import-en")

    page.driver.execute_script("window.scrollTo(0, 0);")
    page.find(".language-switch button[value=zh]").click()
    page.wait(lambda: page.text("h1") == "导入数据", "the Chinese page")
    page.find("#import-upload input[type=file]").send_keys(str(upload))
    page.wait(lambda: "abc" in page.text("#import-problems-div"), "the check in Chinese")
    assert "文件中有 1 个问题" in page.text("#import-problems-div")
    assert "勾选" in page.text("#import-why-div")
    time.sleep(0.5)
    page.check_console()
    page.screenshot("import-zh")
    page.find(".language-switch button[value=en]").click()
    page.wait(lambda: page.text("h1") == "Import data", "English again")


def test_a_rep_reads_the_refusal(site, page) -> None:  # noqa: ANN001
    page.sign_in("rep")
    page.open("/import")
    page.wait(lambda: "Only owners and managers can import data" in page.text(),
              "the refusal")
    assert not page.find_all(".navbar a[href='/import']")
    assert not page.find("#import-upload").is_displayed()
