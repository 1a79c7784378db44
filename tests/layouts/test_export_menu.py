"""The download menus: one item per table and format, headed by what they hold, in the
reader's language, each a plain link to the export of the rows shown."""

from __future__ import annotations

import dash_bootstrap_components as dbc

from dashboard.i18n import use_language
from layouts.components.export_menu import export_hrefs, export_menu
from tests.layouts.walk import walk

CUSTOMER_DOWNLOADS = (  # as on the customer list
    ("customers", "xlsx", "The rows shown"), ("customers", "csv", "The rows shown"),
    ("customer-report", "xlsx", "Report with every scheme and segment"),
    ("customer-report", "csv", "Report with every scheme and segment"),
)


def _items(menu: dbc.DropdownMenu) -> list[dbc.DropdownMenuItem]:
    return [n for n in walk(menu) if isinstance(n, dbc.DropdownMenuItem)]


def test_the_customer_menu_in_both_languages() -> None:
    with use_language("en"):
        items = _items(export_menu("menu", CUSTOMER_DOWNLOADS, view="tok"))
    assert [i.children for i in items] == [
        "The rows shown", "Excel workbook (.xlsx)", "CSV file (.csv)",
        "Report with every scheme and segment", "Excel workbook (.xlsx)", "CSV file (.csv)"]
    links = [i for i in items if not getattr(i, "header", False)]
    assert [i.id for i in links] == [{"type": "menu", "index": "customers.xlsx"},
                                     {"type": "menu", "index": "customers.csv"},
                                     {"type": "menu", "index": "customer-report.xlsx"},
                                     {"type": "menu", "index": "customer-report.csv"}]
    assert [i.href for i in links] == [
        "/exports/customers.xlsx?view=tok", "/exports/customers.csv?view=tok",
        "/exports/customer-report.xlsx?view=tok", "/exports/customer-report.csv?view=tok"]
    assert all(i.external_link for i in links)  # the browser downloads, no page change
    with use_language("zh"):
        chinese = _items(export_menu("menu", CUSTOMER_DOWNLOADS))
    assert [i.children for i in chinese][:3] == ["当前显示的行", "Excel 工作簿（.xlsx）",
                                                 "CSV 文件（.csv）"]


def test_the_items_follow_the_rows_shown() -> None:
    outputs = [{"id": {"type": "m", "index": "alerts.xlsx"}, "property": "href"},
               {"id": {"type": "m", "index": "alerts.csv"}, "property": "href"}]
    assert export_hrefs(outputs, status="done") == ["/exports/alerts.xlsx?status=done",
                                                    "/exports/alerts.csv?status=done"]
    assert export_hrefs(outputs[:1], status="all", view=None) == [
        "/exports/alerts.xlsx?status=all"]
