"""``GET /exports/<table>.<csv|xlsx>``: a page's table as a file people open, in the signed-in
user's language (``dashboard.reports.tables``), exactly the rows that page shows them.

- ``customers.{csv,xlsx}?view=<token>``: the customer list's rows (the saved view of
  ``/customers``, as ``/customers/export.csv``, whose fixed machine-readable columns stay);
- ``customer-report.{csv,xlsx}?view=<token>``: the same rows with each customer's band in every
  active scheme (one column per scheme, titled with its title) and their rule segments;
- ``alerts.{csv,xlsx}?status=open|done|all``: the alerts of the Alerts page;
- ``campaign-recipients.{csv,xlsx}?campaign=<id>``: a campaign's recipients in the scope,
  with the outcome in words;
- ``campaigns.{csv,xlsx}``: the campaign list of the Campaigns page, counted in the scope;
- ``users.{csv,xlsx}``: the users of the Users page (owners only);
- ``team.{csv,xlsx}?<filter query>``: the Team page's table, one row per account manager;
- ``followups.{csv,xlsx}?state=open|overdue|done|all&manager=<id>``: the follow-ups of the
  Follow-ups page.

Another user's view token is refused and audited, an expired one answers 404; every export is
audited with its row count and format. The guard lets only signed-in users reach it.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from dashboard.filters import parse_filters
from dashboard.i18n import current_language
from dashboard.reports.tables import EXPORTS_PREFIX, MIME, Table
from dashboard.services import exports
from dashboard.web.context import current_actor, current_runtime

bp = Blueprint("table_exports", __name__)
ROUTE = EXPORTS_PREFIX + "<table>.<any(csv, xlsx):fmt>"


def _table(name: str, fmt: str) -> Table:
    runtime, actor = current_runtime(), current_actor()
    if name in ("customers", "customer-report"):
        return exports.customer_list_export(runtime, actor, request.args.get("view", ""),
                                            fmt, report=name == "customer-report")
    if name == "alerts":
        return exports.alert_export(runtime, actor, request.args.get("status", "open"), fmt)
    if name == "campaigns":
        return exports.campaigns_export(runtime, actor, fmt)
    if name == "users":
        return exports.users_export(runtime, actor, fmt)
    if name == "team":
        return exports.team_export(runtime, actor, parse_filters(request.args), fmt)
    if name == "followups":
        return exports.followups_export(runtime, actor, request.args.get("state", "open"),
                                        request.args.get("manager"), fmt)
    if name == "campaign-recipients":
        return exports.recipients_export(runtime, actor, request.args.get("campaign", ""), fmt)
    abort(404)


@bp.get(ROUTE)
def export_table(table: str, fmt: str) -> Response:
    found = _table(table, fmt)
    response = Response(found.write(fmt, current_language()), content_type=MIME[fmt])
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{found.filename(fmt)}"')
    response.headers["X-Row-Count"] = str(len(found))
    return response


__all__ = ["ROUTE", "bp", "export_table"]
