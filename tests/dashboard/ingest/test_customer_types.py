"""Customer types on import (SPEC.md "Import fields", issue 17 item 6): every word the product
shows for a type, in either language, and the usual synonyms, whatever the case, width or
spacing; an unknown word is a row-numbered error as before."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select

from dashboard.analytics.kinds import CUSTOMER_TYPES
from dashboard.db import session_scope
from dashboard.i18n import LANGUAGES, translate
from dashboard.ingest import values
from dashboard.ingest.run import ImportOptions, run_import
from dashboard.models import Customer
from tests.dashboard.ingest.helpers import LINE_HEADER, csv_bytes, line_rows

UNKNOWN = "unknown customer type (use Retail, Trade or Distributor)"
SYNONYMS = [
    ("retailer", "Retail"), ("Retailers", "Retail"), ("零售商", "Retail"),
    ("零售客户", "Retail"), ("wholesale", "Trade"), ("Wholesaler", "Trade"),
    ("WHOLESALERS", "Trade"), ("批发商", "Trade"), ("批发", "Trade"), ("贸易", "Trade"),
    ("dealer", "Distributor"), ("Reseller", "Distributor"), ("经销商", "Distributor"),
    ("经销", "Distributor"), ("代理商", "Distributor"), ("分销商", "Distributor"),
    ("分销", "Distributor"),
]


def _parse(*words: str) -> tuple[list[str], list[str]]:
    parsed, reasons = values.customer_types(pd.Series(list(words), dtype="str"))
    return parsed.tolist(), reasons.tolist()


@pytest.mark.parametrize(("word", "code"), SYNONYMS)
def test_each_synonym(word: str, code: str) -> None:
    assert _parse(word) == ([code], [""])


@pytest.mark.parametrize(("language", "code"), [(lang, code) for lang in LANGUAGES
                                                  for code in CUSTOMER_TYPES])
def test_the_word_the_pages_show_in_each_language(language: str, code: str) -> None:
    shown = translate(CUSTOMER_TYPES[code].label, language)
    assert _parse(shown) == ([code], [""])


def test_the_chinese_words_of_the_catalog_and_the_spec() -> None:
    # SPEC.md: Retail 零售, Trade 批发, Distributor 分销商 (贸易, the older page word, still imports)
    assert [translate(CUSTOMER_TYPES[c].label, "zh") for c in CUSTOMER_TYPES] == [
        "零售", "批发", "分销商"]
    assert _parse("零售", "贸易", "批发", "分销商") == (
        ["Retail", "Trade", "Trade", "Distributor"], ["", "", "", ""])


def test_case_width_and_spaces_do_not_matter() -> None:
    parsed, reasons = _parse("  RETAIL ", "\u3000分销商\u3000", "Ｔｒａｄｅ", "ｄｅａｌｅｒ",
                             "Retail  customer", "whole\u3000sale customer", "\t批发商")
    assert parsed == ["Retail", "Distributor", "Trade", "Distributor", "Retail", "", "Trade"]
    assert reasons == ["", "", "", "", "", UNKNOWN, ""]


def test_blank_stays_blank_unknown_words_are_errors() -> None:
    assert _parse("", "\u3000", "VIP", "Retail Trade", "零售批发", "Distributor") == (
        ["", "", "", "", "", "Distributor"], ["", "", UNKNOWN, UNKNOWN, UNKNOWN, ""])


def _import(engine, data: bytes, kind: str, name: str):  # noqa: ANN001, ANN202
    return run_import(engine, kind, data, filename=name, options=ImportOptions())


def _types(engine) -> dict[str, str]:  # noqa: ANN001
    with session_scope(engine) as s:
        return dict(s.execute(select(Customer.code, Customer.customer_type)).all())


def test_orders_file_with_customer_types(engine) -> None:  # noqa: ANN001
    header = [*LINE_HEADER, "customer_type"]
    report = _import(engine, line_rows(
        ["SO-1", "C1", "2026-03-01", "P1", "1", "2", "分销商"],
        ["SO-2", "C2", "2026-03-01", "P1", "1", "2", " Wholesaler "],
        ["SO-3", "C3", "2026-03-02", "P1", "1", "2", "零售商"],
        ["SO-4", "C4", "2026-03-02", "P1", "1", "2", "代理商"], header=header),
        "orders", "orders.csv")
    assert (report.status, report.errors, report.created["customers"]) == ("imported", [], 4)
    assert _types(engine) == {"C1": "Distributor", "C2": "Trade", "C3": "Retail",
                              "C4": "Distributor"}


def test_customers_file_with_customer_types(engine) -> None:  # noqa: ANN001
    report = _import(engine, csv_bytes([
        ["customer", "customer_name", "customer_type"],
        ["C1", "Alpha", "贸易"], ["C2", "Beta", "DEALER"], ["C3", "Gamma", "retailer"],
        ["C4", "Delta", ""]]), "customers", "customers.csv")
    assert (report.status, report.errors, report.created["customers"]) == ("imported", [], 4)
    assert _types(engine) == {"C1": "Trade", "C2": "Distributor", "C3": "Retail",
                              "C4": "Retail"}


def test_an_unknown_word_is_a_row_numbered_error(engine) -> None:  # noqa: ANN001
    report = _import(engine, csv_bytes([
        ["customer", "customer_name", "customer_type"],
        ["C1", "Alpha", "分销商"], ["C2", "Beta", "Key account"]]), "customers",
        "customers.csv")
    assert report.status == "rejected"
    assert [(e.row, e.column, e.value, e.reason) for e in report.errors] == [
        (3, "customer_type", "Key account", UNKNOWN)]
    assert _types(engine) == {}
