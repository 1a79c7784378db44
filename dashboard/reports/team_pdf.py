"""The Team page's table as a printable PDF (fpdf2 with the CJK font of
``dashboard.reports.pdf``): one row per account manager with the totals, stating the as-of
date, the period, the filters and the figure rules it used. The rows are the team service's
(``dashboard.services.team``); this module only lays them out."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.i18n import _, format_date, format_money, format_number, format_percent, use_language
from dashboard.reports.pdf import ReportContext, _Document, _Writer, find_cjk_font, period_name

COLUMNS = ("account_manager", "customers", "active", "churning", "lost", "revenue",
           "revenue_prev", "growth_pct", "attainment_pct", "money_at_risk", "open_alerts",
           "followups", "contacts", "contact_plan")
WIDTHS = (20, 11, 10, 12, 9, 20, 19, 9, 11, 17, 10, 11, 15, 14)
NUMERIC = set(range(1, len(COLUMNS)))


def _headings() -> list[str]:
    return [_("Account manager"), _("Customers"), _("Active"), _("Churning"), _("Lost"),
            _("Revenue"), _("Previous period"), _("Change"), _("Of target"),
            _("Money at risk"), _("Open alerts"), _("Follow-ups open / overdue"),
            _("Calls / visits"), _("Contact plan: made / planned")]


def _cells(row: dict[str, Any], currency: str) -> list[str]:
    def money(value: Any) -> str:
        return "–" if value is None or pd.isna(value) else format_money(value, currency)

    def count(value: Any) -> str:
        return "–" if value is None or pd.isna(value) else format_number(int(value))

    def pct(value: Any) -> str:
        return "–" if value is None or pd.isna(value) else format_percent(value)

    name = str(row.get("account_manager") or _("No account manager"))
    if row.get("segments"):  # the segments of rules over account managers ("Top rep")
        name = f"{name} ({row['segments']})"
    return [name,
            count(row.get("customers")), count(row.get("active")),
            count(row.get("churning")), count(row.get("lost")), money(row.get("revenue")),
            money(row.get("revenue_prev")), pct(row.get("growth_pct")),
            pct(row.get("attainment_pct")), money(row.get("money_at_risk")),
            count(row.get("open_alerts")),
            f"{count(row.get('open_followups'))} / {count(row.get('overdue_followups'))}",
            f"{count(row.get('calls'))} / {count(row.get('visits'))}",
            f"{count(row.get('planned_made'))} / {count(row.get('planned_contacts'))}"]


def team_pdf(page: Any, language: str, context: ReportContext,
             font_file: str | None = None) -> bytes:
    """The team table of ``page`` (``dashboard.services.team.TeamPage``) as a PDF."""
    font = find_cjk_font(font_file)
    with use_language(language):
        title = _("Team report")
        pdf = _Document(font, title)
        writer = _Writer(pdf, context)
        pdf.add_page()
        pdf.set_font("cjk", size=16)
        pdf.cell(0, 9, title)
        pdf.ln(9)
        bounds = page.bounds
        writer.line(_("As of {date} · {period} ({start} to {end})",
                      date=format_date(page.filters.as_of),
                      period=period_name(page.filters.period),
                      start=format_date(bounds.start), end=format_date(bounds.end)), size=9)
        writer.line(_("Against the previous period, {start} to {end}",
                      start=format_date(bounds.prev_start), end=format_date(bounds.prev_end)),
                    muted=True)
        writer.line(_("Filters: {filters}", filters=context.filters_text), muted=True)
        writer.line(_("Figure rules: {rules}", rules=context.rules_text), muted=True)
        writer.line(_("Printed on {date} by {user}", date=format_date(context.printed_on),
                      user=context.printed_by), muted=True)
        writer.heading(_("Account managers"))
        segments = getattr(page, "rep_segments", {})  # "Top rep" and the like, by rep id
        rows = [_cells({**row, "segments": "; ".join(segments.get(int(row["rep_id"]), []))
                        if pd.notna(row.get("rep_id")) else ""}, page.currency)
                for row in page.team.to_dict("records")]
        if page.totals:
            rows.append([_("Total"), *_cells(page.totals, page.currency)[1:]])
        if rows:
            pdf.set_font("cjk", size=6.5)  # fourteen columns across the page
            writer.table(_headings(), rows, WIDTHS, NUMERIC)
            pdf.set_font("cjk", size=9)
        else:
            writer.line(_("No account managers in view"))
        return bytes(pdf.output())


__all__ = ["team_pdf"]
