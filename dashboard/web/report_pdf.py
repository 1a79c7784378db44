"""``GET /customers/report.pdf?code=<code>&as_of=…&period=…``: the printable report of one
customer (``dashboard.services.reports``) for the signed-in user, in their language; and
``GET /team/report.pdf``, the Team page's table.

The customer is checked against the user's scope by the portrait service: an unknown customer
and one outside the scope get the same refusal, audited; a report is audited as an export.
The guard (``dashboard.web.guard``) lets only signed-in users reach it.

``GET /customers/selection-report?selection=<token>&format=pdf|zip&as_of=…``: the reports of
the customer list's selection (the user's own token; at most 500 customers), one PDF with a
section each or a zip of one PDF per customer.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from dashboard.errors import ValidationError
from dashboard.filters import parse_filters
from dashboard.i18n import current_language
from dashboard.reports.pdf_links import REPORT_PDF_PATH, SELECTION_REPORT_PATH, TEAM_PDF_PATH
from dashboard.services import reports
from dashboard.web.context import current_actor, current_runtime

bp = Blueprint("report_pdf", __name__)
PATH = REPORT_PDF_PATH


@bp.get(PATH)
def customer_report() -> Response:
    code = request.args.get("code", "")[:64]
    found = reports.customer_report(current_runtime(), current_actor(), code,
                                    parse_filters(request.args), current_language())
    return _download(found.content, found.filename, "application/pdf")


def _download(content: bytes, filename: str, mimetype: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(SELECTION_REPORT_PATH)
def selection_report() -> Response:
    kind = request.args.get("format", "pdf")
    if kind not in ("pdf", "zip"):
        raise ValidationError("format must be pdf or zip")
    found = reports.customers_report(current_runtime(), current_actor(),
                                     parse_filters(request.args),
                                     selection=request.args.get("selection", "")[:64],
                                     language=current_language(), as_zip=kind == "zip")
    return _download(found.content, found.filename,
                     "application/zip" if kind == "zip" else "application/pdf")


@bp.get(TEAM_PDF_PATH)
def team_report() -> Response:
    """``GET /team/report.pdf?as_of=…&period=…``: the Team page's table, scoped like it."""
    found = reports.team_report(current_runtime(), current_actor(),
                                parse_filters(request.args), current_language())
    response = Response(found.content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


__all__ = ["PATH", "bp", "customer_report", "selection_report", "team_report"]
