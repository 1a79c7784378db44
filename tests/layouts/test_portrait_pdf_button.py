"""The portrait header's [PDF] button: it links to the report of this customer for the
figures the page shows (as-of date, period and narrowing), in both languages."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard.filters import Filters
from dashboard.i18n import use_language
from dashboard.reports.pdf_links import REPORT_PDF_PATH, report_href
from layouts.portrait_head import header


def _links(component) -> list:  # noqa: ANN001
    found = []
    stack = [component]
    while stack:
        node = stack.pop()
        if getattr(node, "href", None) and "report.pdf" in str(node.href):
            found.append(node)
        children = getattr(node, "children", None)
        stack.extend(children if isinstance(children, list) else [children] if children is
                     not None and not isinstance(children, str) else [])
    return found


def test_report_href_keeps_the_figures_of_the_page() -> None:
    filters = Filters(as_of=dt.date(2026, 11, 22), period="90d", region="East / 华东", rep_id=7)
    href = report_href("A&B 1", filters)
    parts = urlsplit(href)
    assert parts.path == REPORT_PDF_PATH
    assert parse_qs(parts.query) == {"code": ["A&B 1"], "as_of": ["2026-11-22"],
                                     "period": ["90d"], "region": ["East / 华东"],
                                     "manager": ["7"]}
    assert report_href("C") == REPORT_PDF_PATH + "?code=C"


@pytest.mark.parametrize(("language", "word"), [("en", "Printable report"), ("zh", "可打印报告")])
def test_the_header_has_a_pdf_button(language: str, word: str) -> None:
    record = SimpleNamespace(name="Alpha", code="A", customer_type="trade",
                             account_manager="Wang", region="East", phone=None, email=None)
    view = SimpleNamespace(record=record, figures={"status": "active", "abc_tier": "A"},
                           filters=Filters(as_of=dt.date(2026, 11, 22), period="30d"))
    with use_language(language):
        links = _links(header(view))
    assert len(links) == 1
    assert links[0].href == report_href("A", view.filters)
    assert word in links[0].title
