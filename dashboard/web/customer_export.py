"""``GET /customers/export.csv?view=<token>``: the customer list's CSV, exactly the rows the
grid showed (the same scope, filters, selector, quick search, column filters and order).

The token names a list view the list page saved for the signed-in user
(``dashboard.services.customers.save_view``); another user's token is refused and audited,
an expired one answers 404. The rows are streamed in chunks through ``dashboard.reports``
(safe against spreadsheet formula injection), with the columns of ``cockpit export
customers`` plus the list's own (phone, e-mail, receivable, overdue, last visit, call and
coupon) and the reason in the user's language; the export is audited with its row count.
The guard (``dashboard.web.guard``) lets only signed-in users reach it.
"""

from __future__ import annotations

from flask import Blueprint, Response, request, stream_with_context

from dashboard.filters import CUSTOMER_EXPORT_PATH
from dashboard.i18n import current_language
from dashboard.reports.csv import iter_csv
from dashboard.services import customers
from dashboard.web.context import current_actor, current_runtime

bp = Blueprint("customer_export", __name__)
PATH = CUSTOMER_EXPORT_PATH


@bp.get(PATH)
def export_customers() -> Response:
    export = customers.export_customers(current_runtime(), current_actor(),
                                        request.args.get("view", ""), current_language())
    response = Response(stream_with_context(iter_csv(export.chunks)),
                        mimetype="text/csv", content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response.headers["X-Row-Count"] = str(export.rows)
    return response


__all__ = ["PATH", "bp", "export_customers"]
