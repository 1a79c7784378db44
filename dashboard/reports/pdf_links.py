"""The addresses of the printable reports (a customer's and the team table, served by
``dashboard.web.report_pdf``),
kept apart so that the pages can link to it without importing the web layer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from dashboard.filters import FILTER_KEYS, Filters

REPORT_PDF_PATH = "/customers/report.pdf"
SELECTION_REPORT_PATH = "/customers/selection-report"
TEAM_PDF_PATH = "/team/report.pdf"


def report_href(code: str, filters: Filters | None = None) -> str:
    """The address of ``code``'s report for the figures of ``filters``."""
    params: dict[str, str] = {"code": str(code), **_filter_params(filters)}
    return REPORT_PDF_PATH + "?" + urlencode(params)


def _filter_params(filters: Filters | None) -> dict[str, str]:
    if filters is None:
        return {}
    params = {"as_of": filters.as_of.isoformat(), "period": filters.period}
    params.update({k: str(v) for k, v in (("type", filters.customer_type),
                                          ("region", filters.region),
                                          ("manager", filters.rep_id)) if v is not None})
    return params


def selection_report_href(token: str, query: Mapping[str, Any] | None = None, *,
                          as_zip: bool = False) -> str:
    """The address of the reports of the customer list's selection ``token`` for the list's
    filters (``query``, the page's address parameters): one PDF, or a zip of one PDF per
    customer."""
    params = {"selection": str(token), "format": "zip" if as_zip else "pdf"}
    params.update({k: str(v) for k, v in (query or {}).items()
                   if k in FILTER_KEYS and isinstance(v, (str, int)) and str(v)})
    return SELECTION_REPORT_PATH + "?" + urlencode(params)

def team_pdf_url(params: dict[str, str]) -> str:
    """The address of the Team page's table as a PDF for the filter query ``params``."""
    return TEAM_PDF_PATH + ("?" + urlencode(params) if params else "")


__all__ = ["REPORT_PDF_PATH", "SELECTION_REPORT_PATH", "TEAM_PDF_PATH", "report_href",
           "selection_report_href", "team_pdf_url"]
