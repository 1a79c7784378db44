"""The words and the editor forms of the Schemes page: scheme types and their band ranges,
timeframes, rule figures and comparisons, the scheme and rule editors and the delete confirmation (the page itself is
``layouts/schemes.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.analytics.kinds import DEFAULT_SCHEME_KIND, PERCENT, RANK, SCHEME_KINDS, VALUE
from dashboard.i18n import N_, _, format_number
from dashboard.reports.team import FOLLOWUP_KIND_NAMES
from layouts import ids
from layouts.labels import (
    CUSTOMER_TYPE_NAMES,
    customer_type_name,
    move_name,
    status_name,
    tier_name,
)

MAX_BANDS = 8
OPEN_END = 9_999  # a band up to this or more reads "above the band before" (the manual's 9999)
TIMEFRAME_NAMES = {
    30: N_("30 days against the 30 days before"),
    90: N_("90 days against the 90 days before"),
    180: N_("6 months against the 6 months before"),
    365: N_("12 months against the 12 months before"),
    730: N_("24 months against the 24 months before"),
}
FIGURE_NAMES = {
    "risk_score": N_("Risk score"),
    "risk_change_pct": N_("Risk change (%)"),
    "days_since_last_order": N_("Days since the last order"),
    "mean_gap_days": N_("Usual gap (days)"),
    "churn_probability": N_("Churn probability (%)"),
    "revenue": N_("Revenue in the period"),
    "revenue_prev": N_("Revenue in the previous period"),
    "growth_pct": N_("Growth (%)"),
    "orders": N_("Orders in the period"),
    "avg_order_value": N_("Average order value"),
    "margin_pct": N_("Margin (%)"),
    "return_rate_pct": N_("Return rate (%)"),
    "revenue_30d": N_("Revenue in the last 30 days"),
    "revenue_growth_pct": N_("30-day revenue growth (%)"),
    "expected_value_next_90d": N_("Expected value, next 90 days"),
    "revenue_vs_own90_pct": N_("Last 30 days vs own average of the 90 days before (%)"),
    "revenue_vs_own90": N_("Last 30 days minus own average of the 90 days before"),
    "revenue_vs_own365_pct": N_("Last 30 days vs own average of the 365 days before (%)"),
    "revenue_vs_own365": N_("Last 30 days minus own average of the 365 days before"),
    "status": N_("Status"),
    "abc_tier": N_("ABC tier"),
    "abc_tier_prev": N_("Previous ABC tier"),
    "tier_move": N_("Tier movement"),
    "customer_type": N_("Customer type"),
}
OPERATOR_NAMES = {">": N_("is above"), ">=": N_("is at least"), "<": N_("is below"),
                  "<=": N_("is at most"), "=": N_("is"), "!=": N_("is not")}


def kind_name(kind: str) -> str:
    """A scheme kind in words (the registry's label)."""
    found = SCHEME_KINDS.get(kind)
    return _(found.label) if found else kind


def kind_hint(kind: str | None) -> str:
    """What a scheme kind's figure is, with example bands (empty for no kind)."""
    found = SCHEME_KINDS.get(str(kind))
    return _(found.hint) if found else ""


def kind_options() -> list[dict[str, str]]:
    return [{"label": _(kind.label), "value": key} for key, kind in SCHEME_KINDS.items()]


def figure_name(figure: str) -> str:
    return _(FIGURE_NAMES.get(figure, figure))


def choice_name(figure: str, value: str | None) -> str:
    """A status, tier, movement or customer type in words."""
    if value is None:
        return "–"
    if figure == "status":
        return status_name(value)
    if figure in ("abc_tier", "abc_tier_prev"):
        return tier_name(value)
    if figure == "tier_move":
        return move_name(value)
    return customer_type_name(value)


def _unit(kind: str) -> str:
    """How the bounds of ``kind`` read (the registry's unit; a plain value if unknown)."""
    return SCHEME_KINDS[kind].unit if kind in SCHEME_KINDS else VALUE


def _number(value: float, kind: str) -> str:
    text = format_number(value, 2)
    return text + " %" if _unit(kind) == PERCENT else text


def band_range(kind: str, uppers: list[float], band: int) -> str:
    """``0 – 1``, ``> 1 – 2``, ``top 20 %``, ``≤ -50 %`` ... for band ``band`` (from 0)."""
    upper = uppers[band]
    if _unit(kind) == RANK:
        top = format_number(upper, 2)
        return _("top {n} %", n=top) if band == 0 else _("top {n} % after the bands above",
                                                       n=top)
    if band == 0:
        return ("≤ " + _number(upper, kind)) if upper < 0 else (
            _number(0, kind) + " – " + _number(upper, kind))
    if upper >= OPEN_END:  # "and above"
        return _("above {n}", n=_number(uppers[band - 1], kind))
    return "> " + _number(uppers[band - 1], kind) + " – " + _number(upper, kind)


def _field(label: str, control: Any, control_id: str, width: int = 6) -> dbc.Col:
    return dbc.Col([dbc.Label(label, html_for=control_id, className="small mb-1"), control],
                   md=width, className="mb-2")


def _options(names: Mapping[Any, str]) -> list[dict[str, Any]]:
    return [{"label": _(text), "value": str(key)} for key, text in names.items()]


def _band_rows() -> html.Div:
    header = dbc.Row([dbc.Col(html.Span(_("Band name"), className="small text-muted"), xs=7),
                      dbc.Col(html.Span(_("Up to (upper bound)"),
                                        className="small text-muted"), xs=5)], className="g-2")
    rows = [dbc.Row([
        dbc.Col(dbc.Input(id={"type": ids.SCHEMES_BAND_LABEL, "index": i}, maxLength=120,
                          size="sm", placeholder=_("Band {n} name", n=i + 1)), xs=7),
        dbc.Col(dbc.Input(id={"type": ids.SCHEMES_BAND_UPPER, "index": i}, type="text",
                          inputMode="decimal", size="sm",
                          placeholder=_("Band {n} upper bound", n=i + 1)), xs=5),
    ], className="g-2 mb-1") for i in range(MAX_BANDS)]
    return html.Div([header, *rows])


def scheme_editor() -> dbc.Modal:
    body = dbc.ModalBody([
        dbc.Row([
            _field(_("Title"), dbc.Input(id=ids.SCHEMES_TITLE, maxLength=120), ids.SCHEMES_TITLE,
                   8),
            _field(_("Colour"), dbc.Input(id=ids.SCHEMES_COLOUR, type="color",
                                          value="#1f77b4"), ids.SCHEMES_COLOUR, 4),
            _field(_("What it identifies and the action to take"),
                   dbc.Textarea(id=ids.SCHEMES_COMMENT, maxLength=2000, rows=2),
                   ids.SCHEMES_COMMENT, 12),
            _field(_("Type of classification"),
                   dbc.Select(id=ids.SCHEMES_KIND, options=kind_options(),
                              value=DEFAULT_SCHEME_KIND), ids.SCHEMES_KIND),
            _field(_("Customer type"), dbc.Select(id=ids.SCHEMES_TYPE, value="all", options=[
                {"label": _("All types"), "value": "all"},
                *({"label": customer_type_name(t), "value": t}
                  for t in CUSTOMER_TYPE_NAMES)]), ids.SCHEMES_TYPE),
            _field(_("Timeframe"), dbc.Select(id=ids.SCHEMES_TIMEFRAME, value="365",
                                              options=_options(TIMEFRAME_NAMES)),
                   ids.SCHEMES_TIMEFRAME),
            _field(_("Belongs to"), dbc.Select(id=ids.SCHEMES_TEAM, options=[]),
                   ids.SCHEMES_TEAM),
            _field(_("Minimum spend (optional)"),
                   dbc.Input(id=ids.SCHEMES_MIN_SPEND, type="text", inputMode="decimal"),
                   ids.SCHEMES_MIN_SPEND),
            _field(_("Minimum orders (optional)"),
                   dbc.Input(id=ids.SCHEMES_MIN_ORDERS, type="text", inputMode="numeric"),
                   ids.SCHEMES_MIN_ORDERS),
        ], className="g-2"),
        html.H3(_("Bands"), className="h6 mt-2"),
        html.P(id=ids.SCHEMES_BAND_HINT, className="small text-muted mb-2"),
        html.P(_("Each band runs from the band before up to its bound; leave a row empty to "
                 "drop it."), className="small text-muted mb-2"),
        _band_rows(),
        html.Div(id=ids.SCHEMES_ERROR, className="mt-2"),
    ])
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(html.Span(id=ids.SCHEMES_MODAL_TITLE))),
        body,
        dbc.ModalFooter([
            dbc.Button(_("Cancel"), id=ids.SCHEMES_CANCEL, color="secondary", outline=True),
            dbc.Button(_("Save"), id=ids.SCHEMES_SAVE, color="primary"),
        ]),
    ], id=ids.SCHEMES_MODAL, is_open=False, size="lg", scrollable=True)


CHANNEL_NAMES = {"visit": N_("Visit"), "phone": N_("Telephone"), "email": N_("E-mail")}
AND_ROWS = ((ids.RULES_AND2_FIGURE, ids.RULES_AND2_OPERATOR, ids.RULES_AND2_VALUE,
             ids.RULES_AND2_CHOICE),
            (ids.RULES_AND3_FIGURE, ids.RULES_AND3_OPERATOR, ids.RULES_AND3_VALUE,
             ids.RULES_AND3_CHOICE))


def _and_row(row: tuple[str, str, str, str]) -> dbc.Row:
    """A further condition (AND): empty figure = not used."""
    figure, operator, value, choice = row
    options = [{"label": _("(no further condition)"), "value": ""}, *_options(FIGURE_NAMES)]
    return dbc.Row([
        # placeholder: dbc.Select draws a hidden option of its own for "" (blank otherwise)
        _field(_("and"), dbc.Select(id=figure, options=options, value="",
                                    placeholder=_("(no further condition)")), figure, 5),
        _field(_("Comparison"), dbc.Select(id=operator, options=[], value=">"), operator, 3),
        dbc.Col([
            dbc.Label(_("Value"), html_for=value, className="small mb-1"),
            dbc.Input(id=value, type="text", inputMode="decimal"),
            dbc.Select(id=choice, options=[], className="d-none"),
        ], md=4, className="mb-2"),
    ], className="g-2")


def rule_editor() -> dbc.Modal:
    body = dbc.ModalBody([dbc.Row([
        _field(_("Name"), dbc.Input(id=ids.RULES_NAME, maxLength=120), ids.RULES_NAME, 12),
        _field(_("When"), dbc.Select(id=ids.RULES_FIGURE, options=_options(FIGURE_NAMES),
                                     value="risk_score"), ids.RULES_FIGURE, 5),
        _field(_("Comparison"), dbc.Select(id=ids.RULES_OPERATOR, options=[], value=">"),
               ids.RULES_OPERATOR, 3),
        dbc.Col([
            dbc.Label(_("Value"), html_for=ids.RULES_VALUE, className="small mb-1"),
            dbc.Input(id=ids.RULES_VALUE, type="text", inputMode="decimal"),
            dbc.Select(id=ids.RULES_VALUE_CHOICE, options=[], className="d-none"),
        ], md=4, className="mb-2")], className="g-2"),
        *[_and_row(row) for row in AND_ROWS],
        dbc.Row([
        _field(_("For at least (days, 0: at once)"),
               dbc.Input(id=ids.RULES_FOR_DAYS, type="number", min=0, max=3650, value=0),
               ids.RULES_FOR_DAYS, 5),
        _field(_("Belongs to"), dbc.Select(id=ids.RULES_TEAM, options=[]), ids.RULES_TEAM, 7),
        _field(_("Whom the rule segments"), dbc.Select(id=ids.RULES_SUBJECT, value="customer", options=[
            {"label": _("customers"), "value": "customer"},
            {"label": _("account managers, by the share of their customers"),
             "value": "account_manager"}]), ids.RULES_SUBJECT, 7),
        _field(_("Share of the account manager's customers (at least, %)"),
               dbc.Input(id=ids.RULES_SHARE, type="number", min=1, max=100, value=80),
               ids.RULES_SHARE, 5),
        dbc.Col(html.Div(id=ids.RULES_PREVIEW, className="small text-muted", role="status",
                         **{"aria-live": "polite"}), md=12, className="mb-2"),
        dbc.Col([
            dbc.Label(_("Then"), className="small mb-1"),
            dbc.RadioItems(id=ids.RULES_ACTION, value="segment", options=[
                {"label": _("assign the customer to a segment"), "value": "segment"},
                {"label": _("raise an alert to the account manager"), "value": "alert"}]),
            dbc.Checklist(id=ids.RULES_ALSO, value=[], className="mt-1", options=[
                {"label": _("also raise an alert (to the account manager, else the team's "
                            "manager or the owner)"), "value": "alert"},
                {"label": _("set the segment's contact plan"), "value": "contact"},
                {"label": _("open a follow-up for the account manager"),
                 "value": "followup"}]),
        ], md=7, className="mb-2"),
        _field(_("Segment"), dbc.Input(id=ids.RULES_SEGMENT, maxLength=120), ids.RULES_SEGMENT,
               5),
        _field(_("Contact channel"), dbc.Select(id=ids.RULES_CHANNEL, value="phone",
                                                options=_options(CHANNEL_NAMES)),
               ids.RULES_CHANNEL, 6),
        _field(_("Every (days)"), dbc.Input(id=ids.RULES_FREQUENCY, type="number", min=1,
                                            max=3650, value=30), ids.RULES_FREQUENCY, 6),
        _field(_("Follow-up"), dbc.Select(id=ids.RULES_FOLLOWUP_KIND, value="call",
                                          options=_options(FOLLOWUP_KIND_NAMES)),
               ids.RULES_FOLLOWUP_KIND, 6),
        _field(_("Due in (days)"), dbc.Input(id=ids.RULES_FOLLOWUP_DAYS, type="number", min=0,
                                             max=366, value=7), ids.RULES_FOLLOWUP_DAYS, 6),
    ], className="g-2"), html.Div(id=ids.RULES_ERROR, className="mt-2")])
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(html.Span(id=ids.RULES_MODAL_TITLE))),
        body,
        dbc.ModalFooter([
            dbc.Button(_("Cancel"), id=ids.RULES_CANCEL, color="secondary", outline=True),
            dbc.Button(_("Save"), id=ids.RULES_SAVE, color="primary"),
        ]),
    ], id=ids.RULES_MODAL, is_open=False, size="lg", scrollable=True)


def confirm_dialog() -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalBody(html.Div(id=ids.SCHEMES_CONFIRM_TEXT)),
        dbc.ModalFooter([
            dbc.Button(_("Keep it"), id=ids.SCHEMES_CONFIRM_NO, color="secondary", outline=True),
            dbc.Button(_("Delete"), id=ids.SCHEMES_CONFIRM_YES, color="danger"),
        ]),
    ], id=ids.SCHEMES_CONFIRM, is_open=False)


def stores() -> list[Any]:
    return [dcc.Store(id=ids.SCHEMES_EDITING), dcc.Store(id=ids.RULES_EDITING),
            dcc.Store(id=ids.SCHEMES_CONFIRM_TARGET), dcc.Store(id=ids.SCHEMES_REFRESH, data=0),
            button_types(ids.SCHEMES_EDIT, ids.SCHEMES_UP, ids.SCHEMES_DOWN,
                         ids.SCHEMES_DELETE, ids.RULES_EDIT, ids.RULES_DELETE)]


def button_types(*types: str) -> html.Div:
    """One hidden, never-clicked button (index 0) per kind of button the callbacks draw
    into the page, so that every id a callback uses is declared in the layout."""
    return html.Div([html.Button(id={"type": kind, "index": 0}, tabIndex="-1")
                     for kind in types], hidden=True)


def team_options(teams: Mapping[int, str], *, business: bool) -> list[dict[str, str]]:
    """Who a new scheme or rule may belong to: the whole business (owners) or a team."""
    options = [{"label": _("The whole business"), "value": "all"}] if business else []
    return options + [{"label": _("Team {name}", name=name), "value": str(team)}
                      for team, name in teams.items()]


def operator_options(operators: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"label": _(OPERATOR_NAMES[o]), "value": o} for o in operators]


def choice_options(figure: str, values: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"label": choice_name(figure, v), "value": v} for v in values]


__all__ = ["AND_ROWS", "CHANNEL_NAMES", "FIGURE_NAMES", "MAX_BANDS", "OPERATOR_NAMES", "TIMEFRAME_NAMES", "band_range",
           "button_types",
           "choice_name", "choice_options", "confirm_dialog", "figure_name", "kind_hint",
           "kind_name", "kind_options", "operator_options", "rule_editor", "scheme_editor",
           "stores", "team_options"]
