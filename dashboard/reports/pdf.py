"""The printable customer report (PDF, fpdf2): one section per customer, built from the
portrait service's ``Portrait`` (the same figures the page shows, formatted the same way).

``customer_pdf(views, language, ...)`` returns the file's bytes. Everything is drawn with
fpdf2's own primitives (the 24-month revenue chart included): no browser, no plotting library.
Text is set in a CJK font from the Debian package ``fonts-noto-cjk`` (Latin letters included),
so the English and the Chinese report look alike; without such a font :class:`FontMissing`
says which package to install.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from babel.dates import format_skeleton
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from dashboard.analytics.kinds import CUSTOMER_TYPES
from dashboard.analytics.periods import PERIODS
from dashboard.analytics.reasons import decode
from dashboard.errors import CockpitError
from dashboard.i18n import (
    N_,
    _,
    absent,
    format_date,
    format_money,
    format_number,
    format_percent,
    locale_of,
    use_language,
)
from dashboard.reports.reasons import churn_reason

FONT_ENV = "COCKPIT_PDF_FONT"
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
STATUS_NAMES = {"active": N_("Active"), "churning": N_("Churning"), "lost": N_("Lost"),
                "never": N_("Never traded"), "new": N_("New this period"),
                "once": N_("One-time buyers")}
PERIOD_NAMES = dict(zip(PERIODS, (N_("Last 30 days"), N_("Last 90 days"), N_("Last 365 days"),
                                   N_("This month to date"), N_("This quarter to date"),
                                   N_("This year to date")), strict=True))  # as the pages
BUCKET_NAMES = {"overdue_1_30": N_("1–30 days"), "overdue_31_60": N_("31–60 days"),
                "overdue_61_90": N_("61–90 days"), "overdue_over_90": N_("over 90 days")}
TIMELINE_NAMES = {"order": N_("Order"), "return": N_("Return"), "coupon": N_("Coupon"),
                  "alert": N_("Alert"), "call": N_("Phone call"), "visit": N_("Visit"),
                  "comment": N_("Comment")}
CONTACT_OUTCOMES = {  # the outcomes of dashboard.services.contacts.OUTCOMES, as the page words them
    "reached": N_("Reached the customer"), "no_answer": N_("No answer"),
    "left_message": N_("Left a message"), "call_back": N_("Call back later"),
    "order_promised": N_("Order promised"), "ordered": N_("Ordered"),
    "complaint": N_("Complaint"), "not_interested": N_("Not interested"),
    "lost_to_competitor": N_("Lost to a competitor"), "closed": N_("Closed or out of business"),
    "other": N_("Other")}
SEND_STATES = {"pending": N_("waiting to be sent"), "sending": N_("being sent"),
               "sent": N_("sent"), "failed": N_("failed"), "unknown": N_("outcome unknown"),
               "holdout": N_("held out (comparison group)"),
               "unreachable": N_("no address for the channel"), "cancelled": N_("cancelled")}
ALERT_STATES = {"open": N_("To do"), "done": N_("Handled")}  # as the Alerts page
KIND_NAMES = {"discovery": N_("Discovery"), "cross_sell": N_("Cross-sell")}  # as the portrait
TIMELINE_ITEMS = 12
HISTORY_ROWS = 12
# colours of the page (the portrait's palette, as RGB)
BAR = (52, 120, 196)
LAST_YEAR = (150, 150, 150)
TARGET = (40, 40, 40)
GRID = (225, 225, 225)
MUTED = (110, 110, 110)


class FontMissing(CockpitError):
    """No font with Chinese characters is installed."""


@dataclass(frozen=True)
class ReportContext:
    """What every page states: who printed it, when, and with which figure rules."""

    printed_by: str
    printed_on: dt.date
    filters_text: str  # the narrowing of the list ("none" when there is none)
    rules_text: str  # the figure rules: horizon, risk bands, ABC method


def find_cjk_font(wanted: str | None = None) -> tuple[Path, int]:
    """The font file to use and, for a collection (.ttc), the number of its Simplified
    Chinese face; ``wanted`` (the ``COCKPIT_PDF_FONT`` setting) names another file."""
    paths = [Path(wanted)] if wanted else [Path(p) for p in FONT_CANDIDATES]
    for path in paths:
        if path.is_file():
            return path, _sc_face(path)
    raise FontMissing(
        "no CJK font found for the PDF reports: install the Debian package fonts-noto-cjk "
        f"(apt-get install fonts-noto-cjk) or set {FONT_ENV} to a .ttf/.otf/.ttc file",
        code="pdf_font_missing")


def _sc_face(path: Path) -> int:
    if path.suffix.lower() != ".ttc":
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    try:
        for number, font in enumerate(collection.fonts):
            name = font["name"].getDebugName(1) or ""
            if name.endswith(" SC"):
                return number
    finally:
        collection.close()
    return 0


def _text(value: Any) -> str:
    return "–" if absent(value) or value == "" else str(value)


def _day(value: Any) -> str:
    if absent(value) or (isinstance(value, str) and not value):
        return "–"
    return format_date(pd.Timestamp(value).date())


def _month(value: Any) -> str:
    return format_skeleton("yMMM", pd.Timestamp(value).date(), locale=locale_of())


def chance_text(churn_probability: float) -> str:
    """The chance of an order in per cent as the portrait words it (never 0 % or 100 %)."""
    chance = (1.0 - float(churn_probability)) * 100.0
    if chance >= 99.5:
        return "> " + format_percent(99)
    if chance < 0.5:
        return "< " + format_percent(1)
    return format_percent(chance)


def status_name(status: Any) -> str:
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else _text(status)


def period_name(period: str) -> str:
    return _(PERIOD_NAMES.get(period, period))


def place_text(source: str, name: Any, label: Any) -> str:
    """"Tier: A", "Status: Churning", "<scheme>: <band>"."""
    if source == "abc":
        return _("Tier") + ": " + _text(label)
    if source == "status":
        return _("Status") + ": " + status_name(label)
    shown = {"(pending)": _("(waiting)"), "(alert)": _("(alert raised)")}.get(
        str(label), _text(label))
    return f"{_text(name) if name else source}: {shown}"


class _Document(FPDF):
    def __init__(self, font: tuple[Path, int], footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(14, 14, 14)
        self.add_font("cjk", "", str(font[0]), collection_font_number=font[1])
        self.set_font("cjk", size=9)
        self.set_title(footer_text)
        self.set_creator("Customer cockpit")

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font("cjk", size=7)
        self.set_text_color(*MUTED)
        self.cell(0, 4, f"{self.footer_text} · {self.page_no()}", align="R")
        self.set_text_color(0, 0, 0)


class _Writer:
    """Writes one customer's section into the document."""

    def __init__(self, pdf: _Document, context: ReportContext,
                 reasons: Mapping[int, str] | None = None) -> None:
        self.pdf = pdf
        self.context = context
        self.reasons = reasons

    # --- building blocks ----------------------------------------------------------------

    def heading(self, text: str) -> None:
        pdf = self.pdf
        if pdf.will_page_break(18):
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font("cjk", size=11)
        pdf.set_text_color(*BAR)
        pdf.cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_draw_color(*GRID)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(1)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("cjk", size=9)

    def line(self, text: str, *, size: float = 9, muted: bool = False) -> None:
        pdf = self.pdf
        pdf.set_font("cjk", size=size)
        if muted:
            pdf.set_text_color(*MUTED)
        if pdf.get_string_width(text) < pdf.epw - 1:  # one line: a cell costs far less
            pdf.cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("cjk", size=9)

    def facts(self, pairs: Sequence[tuple[str, str]], columns: int = 2) -> None:
        """Label–value pairs in ``columns`` columns."""
        pdf = self.pdf
        width = (pdf.w - pdf.l_margin - pdf.r_margin) / columns
        for first in range(0, len(pairs), columns):
            for label, value in pairs[first:first + columns]:
                pdf.set_text_color(*MUTED)
                pdf.cell(width * 0.45, 5, label)
                pdf.set_text_color(0, 0, 0)
                pdf.cell(width * 0.55, 5, value)
            pdf.ln(5)

    def table(self, head: Sequence[str], rows: Iterable[Sequence[str]],
              widths: Sequence[float], numeric: set[int] = frozenset()) -> None:
        pdf = self.pdf
        full = pdf.w - pdf.l_margin - pdf.r_margin
        sizes = [full * w / sum(widths) for w in widths]

        def draw(cells: Sequence[str], muted: bool) -> None:
            if muted:
                pdf.set_text_color(*MUTED)
            for i, (cell, size) in enumerate(zip(cells, sizes, strict=True)):
                text = str(cell)
                while text and pdf.get_string_width(text) > size - 1:
                    text = text[:-2] + "…"
                pdf.cell(size, 5, text, align="R" if i in numeric else "L")
            pdf.ln(5)
            pdf.set_text_color(0, 0, 0)

        draw(head, True)
        for row in rows:
            if pdf.will_page_break(5):
                pdf.add_page()
                draw(head, True)
            draw(row, False)

    # --- the chart ---------------------------------------------------------------------

    def revenue_chart(self, monthly: pd.DataFrame, currency: str) -> None:
        """Bars of revenue by month, the same month last year as a grey line and the target
        as a dashed line, with the month names every third month."""
        pdf = self.pdf
        height, left_axis = 48.0, 22.0
        if pdf.will_page_break(height + 14):
            pdf.add_page()
        x0 = pdf.l_margin + left_axis
        y0 = pdf.get_y() + 2
        width = pdf.w - pdf.r_margin - x0
        values = [monthly[c].astype(float).fillna(0.0).tolist()
                  for c in ("revenue", "revenue_last_year")]
        targets = monthly["target"].astype(float).tolist()
        top = max([0.0] + values[0] + values[1] + [t for t in targets if not math.isnan(t)])
        low = min([0.0] + values[0] + values[1])
        top = top if top > low else low + 1.0
        span = top - low

        def y(value: float) -> float:
            return y0 + height * (top - value) / span

        pdf.set_font("cjk", size=6.5)
        pdf.set_line_width(0.15)
        for step in range(5):
            value = low + span * step / 4
            pdf.set_draw_color(*GRID)
            pdf.line(x0, y(value), x0 + width, y(value))
            pdf.set_text_color(*MUTED)
            pdf.set_xy(pdf.l_margin, y(value) - 2)
            pdf.cell(left_axis - 1, 4, format_money(value, currency, compact=True), align="R")
        count = len(monthly)
        slot = width / max(count, 1)
        pdf.set_fill_color(*BAR)
        for i, value in enumerate(values[0]):
            top_y, base_y = sorted((y(value), y(0.0)))
            if base_y - top_y > 0.05:
                pdf.rect(x0 + i * slot + slot * 0.15, top_y, slot * 0.7, base_y - top_y,
                         style="F")
        centres = [x0 + (i + 0.5) * slot for i in range(count)]
        pdf.set_line_width(0.5)
        pdf.set_draw_color(*LAST_YEAR)
        for i in range(1, count):
            pdf.line(centres[i - 1], y(values[1][i - 1]), centres[i], y(values[1][i]))
        pdf.set_draw_color(*TARGET)
        with pdf.local_context():
            pdf.set_dash_pattern(dash=1.2, gap=0.8)
            for i in range(1, count):
                if not (math.isnan(targets[i - 1]) or math.isnan(targets[i])):
                    pdf.line(centres[i - 1], y(targets[i - 1]), centres[i], y(targets[i]))
        pdf.set_line_width(0.2)
        pdf.set_text_color(*MUTED)
        for i in range(0, count, 3):
            pdf.set_xy(centres[i] - 10, y0 + height + 0.5)
            pdf.cell(20, 3.5, _month(monthly["month"].iloc[i]), align="C")
        legend_y = y0 + height + 5
        pdf.set_xy(x0, legend_y)
        for colour, label, dashed in ((BAR, _("Revenue"), False),
                                      (LAST_YEAR, _("Same month last year"), False),
                                      (TARGET, _("Target"), True)):
            x = pdf.get_x()
            pdf.set_draw_color(*colour)
            pdf.set_line_width(0.8 if not dashed else 0.4)
            pdf.line(x, legend_y + 2, x + 6, legend_y + 2)
            pdf.set_x(x + 7)
            pdf.cell(pdf.get_string_width(label) + 6, 4, label)
        pdf.set_line_width(0.2)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("cjk", size=9)
        pdf.set_xy(pdf.l_margin, legend_y + 6)

    # --- the sections ---------------------------------------------------------------------

    def customer(self, view: Any) -> None:
        pdf, record, row = self.pdf, view.record, view.figures or {}
        money = lambda value: format_money(value, view.currency)  # noqa: E731
        pdf.add_page()
        pdf.set_font("cjk", size=16)
        pdf.cell(0, 9, str(record.name or record.code), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.line(_("Customer report") + f" · {record.code}", size=10, muted=True)
        self.line(_("As of {date} · {period} ({start} to {end})",
                    date=format_date(view.filters.as_of), period=period_name(
                        view.filters.period), start=format_date(view.period.start),
                    end=format_date(view.period.end)), size=9)
        self.line(_("Filters: {filters}", filters=self.context.filters_text), muted=True)
        self.line(_("Figure rules: {rules}", rules=self.context.rules_text), muted=True)
        self.line(_("Printed on {date} by {user}", date=format_date(self.context.printed_on),
                    user=self.context.printed_by), muted=True)

        self.heading(_("Customer"))
        tier = _text(row.get("abc_tier"))
        if row.get("abc_tier_prev") and not absent(row.get("abc_tier_prev")):
            tier += " (" + _("before: {tier}", tier=row["abc_tier_prev"]) + ")"
        self.facts([(_("Code"), str(record.code)), (_("Type"), _(CUSTOMER_TYPES[record.customer_type].label)
                                   if record.customer_type in CUSTOMER_TYPES
                                   else _text(record.customer_type)),
                    (_("Account manager"), record.account_manager or _("no account manager")),
                    (_("Region"), _text(record.region)), (_("Phone"), _text(record.phone)),
                    (_("E-mail"), _text(record.email)), (_("Tier"), tier),
                    (_("Status"), status_name(row.get("status")))])

        self.heading(_("Prediction"))
        chance = row.get("churn_probability")
        if absent(chance):
            self.line(_("No prediction: no order yet."))
        else:
            reason = (self.reasons.get(view.customer_id, "") if self.reasons is not None
                      else churn_reason(row))
            self.line(chance_text(float(chance)) + " " + _(
                "likely to order in the next {days} days", days=view.horizon_days)
                + (" — " + reason if reason else ""), size=10)
        seen = view.last_contacts
        self.facts([(_("Revenue this period"), money(row.get("revenue"))),
                    (_("Growth"), format_percent(row.get("growth_pct"), signed=True)),
                    (_("Orders this period"), format_number(row.get("orders"))),
                    (_("Risk score"), format_number(row.get("risk_score"), 1)),
                    (_("Last order"), _day(seen.get("last_order"))),
                    (_("Last visit"), _day(seen.get("last_visit"))),
                    (_("Last call"), _day(seen.get("last_call"))),
                    (_("Last coupon"), _day(seen.get("last_coupon")))])

        self.heading(_("Revenue by month"))
        self.revenue_chart(view.monthly, view.currency)
        self.line(_("last 24 months, the current month to date"), size=7.5, muted=True)

        self.history(view)
        self.preferences(view, money)
        self.receivables(view, money)
        self.targets(view, money)
        self.alerts_and_places(view)
        self.timeline(view, money)
        self.value(view, money)
        self.suggestions(view)

    def history(self, view: Any) -> None:
        self.heading(_("Status and chance of stopping over time"))
        if view.history is None:
            self.line(_("The risk history is not available yet."), muted=True)
            return
        points = view.history.loc[view.history["kind"] == "month_end"].tail(HISTORY_ROWS)
        if points.empty:
            self.line(_("No month-end figures recorded yet"), muted=True)
        else:
            self.table([_("Date"), _("Status"), _("Tier"), _("Risk score"),
                        _("Chance of stopping")],
                       [[_day(r["date"]), status_name(r["status"]), _text(r["abc_tier"]),
                         format_number(r["risk_score"], 1),
                         format_percent(None if absent(r["churn_probability"])
                                        else float(r["churn_probability"]) * 100.0)]
                        for r in points.iloc[::-1].to_dict("records")],
                       [3, 3, 2, 2, 3], {3, 4})
        moves = view.history.loc[view.history["kind"] == "change"].tail(6).iloc[::-1]
        if len(moves):
            self.pdf.ln(1)
            for r in moves.to_dict("records"):
                self.line(_day(r["date"]) + "  " + place_text(
                    str(r["source"]), r["source_name"], r["label"]))

    def preferences(self, view: Any, money: Any) -> None:
        self.heading(_("Purchase preferences"))
        if view.products.empty and view.categories.empty:
            self.line(_("No purchases in the last 12 months"), muted=True)
            return
        share = lambda v: format_percent(v, 1)  # noqa: E731
        self.table([_("Category"), _("Revenue"), _("Share")],
                   [[_text(r["category"]) if r["category"] else _("No category"),
                     money(r["revenue"]), share(r["share_pct"])]
                    for r in view.categories.head(6).to_dict("records")], [6, 3, 2], {1, 2})
        self.pdf.ln(1)
        self.table([_("Product"), _("Revenue"), _("Share")],
                   [[f"{r['sku']} {r.get('product') or ''}".strip(), money(r["revenue"]),
                     share(r["share_pct"])]
                    for r in view.products.head(8).to_dict("records")], [6, 3, 2], {1, 2})

    def receivables(self, view: Any, money: Any) -> None:
        self.heading(_("Receivables"))
        owed = view.money
        self.facts([(_("Receivable"), money(owed.receivable)),
                    (_("Overdue"), money(owed.overdue))]
                   + [(_(BUCKET_NAMES[k]), money(v)) for k, v in owed.buckets.items()])
        if owed.open_count:
            invoices = owed.open_invoices
            self.table([_("Due"), _("Balance"), _("Days overdue")],
                       [[_day(r["due_date"]), money(r["balance"]),
                         format_number(r["days_overdue"])]
                        for r in invoices.to_dict("records")], [4, 3, 3], {1, 2})
            self.line(_("{shown} of {count} open invoices, the oldest first",
                        shown=len(invoices), count=owed.open_count), size=7.5, muted=True)

    def targets(self, view: Any, money: Any) -> None:
        self.heading(_("Targets"))
        months = view.monthly.loc[view.monthly["target"].notna()].tail(12)
        if months.empty:
            self.line(_("No targets set"), muted=True)
            return
        self.table([_("Month"), _("Target"), _("Revenue"), _("Reached")],
                   [[_month(r["month"]), money(r["target"]), money(r["revenue"]),
                     format_percent(r["revenue"] / r["target"] * 100.0 if r["target"] else None)]
                    for r in months.iloc[::-1].to_dict("records")], [3, 3, 3, 2], {1, 2, 3})

    def alerts_and_places(self, view: Any) -> None:
        self.heading(_("Open alerts and classifications"))
        if view.history is None:
            self.line(_("The risk history is not available yet."), muted=True)
            return
        current = view.history.loc[(view.history["kind"] == "change")
                                   & view.history["valid_to"].isna()]
        alerts = current.loc[current["label"] == "(alert)"]
        places = current.loc[current["source"].astype(str).str.startswith("scheme:")]
        if alerts.empty:
            self.line(_("No open alerts"), muted=True)
        for r in alerts.to_dict("records"):
            self.line(_day(r["date"]) + "  " + _text(r["source_name"]))
        for r in places.to_dict("records"):
            self.line(place_text(str(r["source"]), r["source_name"], r["label"]) + "  ("
                      + _("since {date}", date=_day(r["date"])) + ")")

    def timeline(self, view: Any, money: Any) -> None:
        self.heading(_("Timeline"))
        items = view.timeline.head(TIMELINE_ITEMS)
        if items.empty:
            self.line(_("Nothing recorded yet"), muted=True)
            return
        rows = []
        for r in items.to_dict("records"):
            kind = str(r["kind"])
            what = _(TIMELINE_NAMES[kind]) if kind in TIMELINE_NAMES else kind
            amount = money(r["amount"]) if kind in ("order", "return") else ""
            rows.append([_day(r["at"]), what, _timeline_detail(kind, r), amount])
        self.table([_("Date"), _("What"), _("Details"), _("Amount")], rows, [3, 2, 8, 3], {3})


    def value(self, view: Any, money: Any) -> None:
        """The portrait's "Value and headroom" card."""
        row = view.figures or {}
        self.heading(_("Value and headroom"))
        margin = row.get("gross_margin")
        self.facts([(_("Gross margin"), money(margin) if not absent(margin)
                     else _("no unit costs known")),
                    (_("Margin"), format_percent(row.get("margin_pct"), 1)
                     if not absent(row.get("margin_pct")) else "–"),
                    (_("Expected value, next 90 days"),
                     _known_money(money, row.get("expected_value_next_90d"))),
                    (_("Potential"), _known_money(money, row.get("potential"))),
                    (_("Headroom"), _known_money(money, row.get("headroom")))], columns=1)
        self.line(_("Potential: what the top quarter of similar customers (same type and "
                    "region, at least as many orders) spend in the period; headroom: the part "
                    "this customer does not spend with us."), size=7.5, muted=True)

    def suggestions(self, view: Any) -> None:
        """The portrait's "Discovery and cross-sell" card: each product with why."""
        self.heading(_("Discovery and cross-sell"))
        found = getattr(view, "suggestions", None)
        if found is None or found.items.empty:
            self.line(_("No suggestions for this customer"), muted=True)
            return
        for r in found.items.to_dict("records"):
            name = r["name"] if isinstance(r["name"], str) and r["name"] else ""
            category = (r["category"] if isinstance(r["category"], str) and r["category"]
                        else _("No category"))
            if self.pdf.will_page_break(10):
                self.pdf.add_page()
            self.line(f"{format_number(r['rank'])}. " + " · ".join(
                [f"{r['sku']} {name}".strip(), category, _(KIND_NAMES[str(r["kind"])])]))
            self.line("    " + str(r["reason"]), size=8, muted=True)
        if found.categories:
            self.line(_("Categories to try: ") + _(", ").join(found.categories), size=8)
        self.line(_("as of {date}", date=format_date(found.as_of)), size=7.5, muted=True)


def _known_money(money: Any, value: Any) -> str:
    return "–" if absent(value) else money(value)


def _timeline_detail(kind: str, item: dict[str, Any]) -> str:
    """The words of a timeline item after its kind, as the portrait's timeline has them."""
    title, detail = item.get("title"), item.get("detail")
    present = [v for v in (title, detail) if not absent(v) and str(v)]
    if kind in ("order", "return"):
        return _text(title) + (" · " + _("coupon {code}", code=detail)
                               if not absent(detail) and detail else "")
    if kind in ("call", "visit"):
        outcome = str(title or "")
        words = _(CONTACT_OUTCOMES[outcome]) if outcome in CONTACT_OUTCOMES else outcome
        return words + (" · " + str(detail) if not absent(detail) and detail else "")
    if kind == "coupon":
        state = str(detail or "")
        return _text(title) + (" · " + _(SEND_STATES[state]) if state in SEND_STATES else "")
    if kind == "alert":  # a stored text (key and values): the rule's name, as the alerts list
        key, values = decode(title)
        name = values.get("rule") if key != "text" else values.get("text")
        state = _(ALERT_STATES[str(detail)]) if str(detail) in ALERT_STATES else ""
        return " · ".join(v for v in (_text(name), state) if v)
    return " · ".join(str(v) for v in present)


def customer_pdf(views: Sequence[Any], language: str, context: ReportContext,
                 title: str | None = None, reasons: Mapping[int, str] | None = None,
                 font_file: str | None = None) -> bytes:
    """One PDF with a section (starting on a new page) per portrait of ``views``;
    ``reasons`` (customer id -> the churn reason in ``language``, ``churn_reasons`` of the
    customer table) saves working them out one customer at a time in a batch."""
    font = find_cjk_font(font_file)
    with use_language(language):
        name = title or _("Customer report")
        pdf = _Document(font, name)
        writer = _Writer(pdf, context, reasons)
        for view in views:
            writer.customer(view)
        if not views:
            pdf.add_page()
            writer.line(_("No customers match."))
        return bytes(pdf.output())


__all__ = ["FontMissing", "ReportContext", "chance_text", "customer_pdf", "find_cjk_font",
           "place_text", "status_name"]
