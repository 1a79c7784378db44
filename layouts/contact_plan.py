"""The contact plan at ``/contact-plan`` (SPEC "Contact plan", seed 003): the channel and
frequency of each scheme band and rule segment (editable by owners and managers), the
customers overdue for contact (never contacted first, then the most overdue), how many per
account manager, and the customers visited in the last 90 days whose plan is a cheaper
channel, and the contacts the plan set in the page's period against those made (what the Team
page's "contact plan: made / planned" opens). ``callbacks/contact_plan.py`` fills it."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.filters import CONTACT_PLAN_PATH, query_params
from dashboard.i18n import _, format_date, format_number
from layouts import ids
from layouts.components.states import empty_state, skeleton
from layouts.links import customer_link
from layouts.schemes_parts import CHANNEL_NAMES

SHOWN = 200


def title() -> str:
    return _("Contact plan") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=CONTACT_PLAN_PATH, name="Contact plan",
                   title=lambda **_kw: title())


def _panel(heading: str, body_id: str) -> html.Div:
    return html.Div([html.H2(heading, className="h6 mb-1"),
                     html.Div(skeleton(3), id=body_id)], className="mb-3")


def layout(**query: Any) -> html.Div:
    editor = dbc.Row([
        dbc.Col([dbc.Label(_("Band or segment"), html_for=ids.CONTACT_TARGET,
                           className="small mb-1"),
                 # placeholder: dbc.Select draws a hidden option of its own for ""
                 dbc.Select(id=ids.CONTACT_TARGET, options=[], value="",
                            placeholder=_("Choose a band or segment"))], md=5),
        dbc.Col([dbc.Label(_("Contact channel"), html_for=ids.CONTACT_CHANNEL,
                           className="small mb-1"),
                 dbc.Select(id=ids.CONTACT_CHANNEL, value="phone", placeholder=_("(no plan)"),
                            options=[
                     *[{"label": _(name), "value": key} for key, name in CHANNEL_NAMES.items()],
                     {"label": _("(no plan)"), "value": ""}])], md=3),
        dbc.Col([dbc.Label(_("Every (days)"), html_for=ids.CONTACT_FREQUENCY,
                           className="small mb-1"),
                 dbc.Input(id=ids.CONTACT_FREQUENCY, type="number", min=1, max=3650,
                           value=30)], md=2),
        dbc.Col(dbc.Button(_("Save"), id=ids.CONTACT_SAVE, color="primary",
                           className="mt-md-4"), md=2),
    ], className="g-2 mb-2")
    return html.Div([
        dcc.Store(id=ids.CONTACT_QUERY, data=query_params(query)),
        dcc.Store(id=ids.CONTACT_REFRESH, data=0),
        html.Div([html.H1(_("Contact plan")),
                  html.Div(id=ids.CONTACT_HEADLINE, className="text-muted")],
                 className="page-headline"),
        html.Div([html.H2(_("Channel and frequency per band and segment"), className="h6 mb-1"),
                  editor, html.Div(id=ids.CONTACT_RESULT),
                  html.Div(skeleton(2), id=ids.CONTACT_PLANS)], className="mb-3"),
        _panel(_("Contacts made against the plan in the period"), ids.CONTACT_PERIOD),
        _panel(_("Overdue for contact, per account manager"), ids.CONTACT_BY_REP),
        _panel(_("Overdue for contact"), ids.CONTACT_OVERDUE),
        _panel(_("Visited but low value (last 90 days, a cheaper channel is planned)"),
               ids.CONTACT_LOW_VALUE),
    ], className="container-fluid contact-plan-page")


def target_options(targets: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    return [{"label": _("Choose a band or segment"), "value": ""},
            *[{"label": f"{name}: {label}", "value": f"{source}|{label}"}
              for source, label, name in targets]]


def _table(head: list[str], rows: list[list[Any]]) -> html.Div:
    return html.Div(html.Table([
        html.Thead(html.Tr([html.Th(h) for h in head])),
        html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows])],
        className="table table-sm align-middle mb-0"), className="table-responsive panel")


def _channel(key: Any) -> str:
    return _(CHANNEL_NAMES[key]) if key in CHANNEL_NAMES else str(key)


def plans_table(view: Any) -> Any:
    if view.plans.empty:
        return empty_state(_("No contact plan yet."),
                           _("Choose a band or segment above, a channel and how often."),
                           icon="bi-telephone")
    rows = [[f"{r['source_name']}: {r['label']}", _channel(r["channel"]),
             _("every {days} days", days=format_number(r["frequency_days"]))]
            for r in view.plans.to_dict("records")]  # a few plans
    return _table([_("Band or segment"), _("Contact channel"), _("Frequency")], rows)


def _customer(row: dict[str, Any]) -> Any:
    return customer_link([row["customer_name"] or row["customer_code"],
                          html.Span(" " + row["customer_code"], className="text-muted small")],
                         row["customer_code"])


def _day(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else format_date(value)


def overdue_table(view: Any) -> Any:
    late = view.customers.loc[view.customers["never_contacted"]
                              | (view.customers["days_overdue"] > 0)]
    if late.empty:
        return empty_state(_("Nobody is overdue for contact."), "", icon="bi-check2-circle")
    rows = [[_customer(r), r["account_manager"] or "–",
             f"{r['label']} · {_channel(r['channel'])}", _day(r["last_contact"]),
             _day(r["next_contact_due"]),
             _("never contacted") if r["never_contacted"] else format_number(r["days_overdue"])]
            for r in late.head(SHOWN).to_dict("records")]  # one screen of rows
    return _table([_("Customer"), _("Account manager"), _("Plan"), _("Last contact"),
                   _("Next contact due"), _("Days overdue")], rows)


def by_rep_table(view: Any) -> Any:
    if view.overdue_by_rep.empty:
        return None
    rows = [[r["account_manager"] or "–", format_number(r["overdue"]),
             format_number(r["never_contacted"])]
            for r in view.overdue_by_rep.to_dict("records")]  # one row per account manager
    return _table([_("Account manager"), _("Overdue"), _("Never contacted")], rows)


def low_value_table(view: Any) -> Any:
    if view.low_value.empty:
        return empty_state(_("No visits to customers planned for a cheaper channel."), "",
                           icon="bi-check2-circle")
    rows = [[_customer(r), r["account_manager"] or "–",
             f"{r['label']} · {_channel(r['channel'])}", format_number(r["visits"])]
            for r in view.low_value.head(SHOWN).to_dict("records")]  # one screen of rows
    return _table([_("Customer"), _("Account manager"), _("Plan"), _("Visits")], rows)


def period_table(view: Any) -> Any:
    """The customers behind the Team page's "contact plan: made / planned" (the page
    filters: period, account manager, type, region), most missed contacts first."""
    heading = html.P(_("{start} to {end}: {made} of {planned} planned contacts made.",
                       start=format_date(view.bounds.start), end=format_date(view.bounds.end),
                       made=format_number(view.made), planned=format_number(view.planned)),
                     className="small text-muted mb-1")
    if view.rows.empty:
        return [heading, empty_state(_("No contacts planned in this period."), "",
                                     icon="bi-calendar-check")]
    rows = [[_customer(r), r["account_manager"] or "–",
             f"{r['label']} · {_channel(r['channel'])}",
             _("every {days} days", days=format_number(r["frequency_days"])),
             format_number(r["planned"]), format_number(r["made"])]
            for r in view.rows.head(SHOWN).to_dict("records")]  # one screen of rows
    return [heading, _table([_("Customer"), _("Account manager"), _("Plan"), _("Frequency"),
                             _("Planned"), _("Made")], rows)]


def headline(view: Any) -> str:
    late = int((view.customers["never_contacted"] | (view.customers["days_overdue"] > 0)).sum())
    return _("As of {date}: {planned} customers have a plan, {late} are overdue for contact.",
             date=format_date(view.as_of), planned=format_number(len(view.customers)),
             late=format_number(late))


__all__ = ["by_rep_table", "headline", "layout", "low_value_table", "overdue_table",
           "period_table", "plans_table", "target_options"]
