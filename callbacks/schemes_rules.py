"""The Schemes page's rule editor: the conditions (AND), the actions, the contact plan and
the follow-up (kind, due in N days),
a preview of how many customers match now, and the save (``dashboard.services.rules``)."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime, error_text
from callbacks.schemes import HIDDEN, SHOWN, _clicked, _saved
from dashboard.analytics.rules import FIGURES
from dashboard.errors import CockpitError, ValidationError
from dashboard.i18n import _, format_number
from dashboard.services import rules as rule_service
from layouts import ids
from layouts.components.states import error_alert
from layouts.schemes_parts import AND_ROWS, choice_options, operator_options


def _condition_form(figure_key: str | None) -> tuple[Any, str, Any, str]:
    """Operator options, value class, choice options and choice class of a figure."""
    figure = FIGURES.get(str(figure_key)) or FIGURES["risk_score"]
    return (operator_options(figure.operators), HIDDEN if figure.is_choice else SHOWN,
            choice_options(figure.key, figure.choices), SHOWN if figure.is_choice else HIDDEN)


@callback(
    Input(ids.RULES_FIGURE, "value"), Input(ids.RULES_ACTION, "value"),
    Input(ids.RULES_ALSO, "value"), Input(ids.RULES_SUBJECT, "value"),
    output={"operators": Output(ids.RULES_OPERATOR, "options"),
            "value_class": Output(ids.RULES_VALUE, "className"),
            "choices": Output(ids.RULES_VALUE_CHOICE, "options"),
            "choice_class": Output(ids.RULES_VALUE_CHOICE, "className"),
            "no_segment": Output(ids.RULES_SEGMENT, "disabled"),
            "no_plan": Output(ids.RULES_CHANNEL, "disabled"),
            "no_frequency": Output(ids.RULES_FREQUENCY, "disabled"),
            "no_followup": Output(ids.RULES_FOLLOWUP_KIND, "disabled"),
            "no_followup_days": Output(ids.RULES_FOLLOWUP_DAYS, "disabled"),
            "no_share": Output(ids.RULES_SHARE, "disabled")},
)
def update_rule_form(figure_key: str | None, action: str | None,
                     also: list[str] | None, subject: str | None = None) -> dict[str, Any]:
    operators, value_class, choices, choice_class = _condition_form(figure_key)
    no_plan = action != "segment" or "contact" not in (also or [])
    no_followup = "followup" not in (also or [])
    return {"operators": operators, "value_class": value_class, "choices": choices,
            "choice_class": choice_class, "no_segment": action != "segment",
            "no_plan": no_plan, "no_frequency": no_plan, "no_followup": no_followup,
            "no_followup_days": no_followup, "no_share": subject != "account_manager"}


@callback(
    Input(ids.RULES_AND2_FIGURE, "value"), Input(ids.RULES_AND3_FIGURE, "value"),
    output=[Output(cid, prop) for row in AND_ROWS for cid, prop in (
        (row[1], "options"), (row[2], "className"), (row[3], "options"),
        (row[3], "className"), (row[1], "disabled"))],
)
def update_rule_conditions(second: str | None, third: str | None) -> list[Any]:
    out: list[Any] = []
    for key in (second, third):
        out += [*_condition_form(key), not key]
    return out


CONDITION_STATES = [State(cid, "value") for row in AND_ROWS for cid in row]


def _further(values: tuple[Any, ...]) -> list[dict[str, Any]]:
    """The further conditions' fields from the flat (figure, operator, value, choice) x 2."""
    return [{"figure": values[i], "operator": values[i + 1], "value": values[i + 2],
             "value_text": values[i + 3]} for i in range(0, len(values), 4)]


@callback(
    Output(ids.RULES_PREVIEW, "children"),
    Input(ids.RULES_FIGURE, "value"), Input(ids.RULES_OPERATOR, "value"),
    Input(ids.RULES_VALUE, "value"), Input(ids.RULES_VALUE_CHOICE, "value"),
    *[Input(cid, "value") for row in AND_ROWS for cid in row],
    Input(ids.RULES_MODAL, "is_open"),
    prevent_initial_call=True,
)
def update_rule_preview(figure: str | None, operator: str | None, value: Any,
                        value_text: str | None, *rest: Any) -> Any:
    *further, is_open = rest
    if not is_open:
        return no_update
    fields = {"figure": figure, "operator": operator, "value": value,
              "value_text": value_text, "and": _further(tuple(further)),
              "action": "alert"}
    try:
        count = rule_service.preview_rule(current_runtime(), current_actor(), fields)
    except CockpitError:
        return _("Complete the conditions to see how many customers match.")
    return _("{count} of your customers match these conditions now (before any 'for N days').",
             count=format_number(count))


def _rule_form(record: dict[str, Any] | None) -> dict[str, Any]:
    record = record or {}
    figure = FIGURES.get(str(record.get("figure"))) or FIGURES["risk_score"]
    team = record.get("team_id")
    actions = list(record.get("actions") or [record.get("action", "segment")])
    form = {"name": record.get("name", ""), "figure": figure.key,
            "operator": record.get("operator", ">"),
            "value": "" if figure.is_choice or not record else f"{float(record['value']):g}",
            "value_text": record.get("value_text") or (figure.choices[0] if figure.is_choice
                                                       else None),
            "for_days": int(record.get("for_days") or 0),
            "action": actions[0], "also": actions[1:],
            "segment": record.get("segment", ""), "team": "all" if team is None else str(team),
            "channel": record.get("channel") or "phone",
            "frequency": int(record.get("frequency_days") or 30),
            "followup_kind": record.get("followup_kind") or "call",
            "followup_days": 7 if record.get("followup_days") is None
            else int(record["followup_days"]),
            "subject": record.get("subject") or "customer",
            "share": 80 if record.get("share_pct") is None else f"{float(record['share_pct']):g}"}
    further = list(record.get("conditions") or [])
    for n, row in enumerate(AND_ROWS):
        one = further[n] if n < len(further) else {}
        key = one.get("figure") or ""
        form[row[0]] = key
        form[row[1]] = one.get("operator") or ">"
        form[row[2]] = "" if not key or one.get("value_text") else f"{float(one['value']):g}"
        form[row[3]] = one.get("value_text")
    return form


RULE_EDITOR = {
    "open": Output(ids.RULES_MODAL, "is_open"),
    "heading": Output(ids.RULES_MODAL_TITLE, "children"),
    "editing": Output(ids.RULES_EDITING, "data"), "name": Output(ids.RULES_NAME, "value"),
    "figure": Output(ids.RULES_FIGURE, "value"),
    "operator": Output(ids.RULES_OPERATOR, "value"),
    "value": Output(ids.RULES_VALUE, "value"),
    "value_text": Output(ids.RULES_VALUE_CHOICE, "value"),
    "for_days": Output(ids.RULES_FOR_DAYS, "value"),
    "action": Output(ids.RULES_ACTION, "value"), "also": Output(ids.RULES_ALSO, "value"),
    "segment": Output(ids.RULES_SEGMENT, "value"), "team": Output(ids.RULES_TEAM, "value"),
    "channel": Output(ids.RULES_CHANNEL, "value"),
    "frequency": Output(ids.RULES_FREQUENCY, "value"),
    "followup_kind": Output(ids.RULES_FOLLOWUP_KIND, "value"),
    "followup_days": Output(ids.RULES_FOLLOWUP_DAYS, "value"),
    "subject": Output(ids.RULES_SUBJECT, "value"), "share": Output(ids.RULES_SHARE, "value"),
    **{cid: Output(cid, "value") for row in AND_ROWS for cid in row},
    "error": Output(ids.RULES_ERROR, "children"),
}


@callback(
    Input(ids.RULES_NEW, "n_clicks"), Input({"type": ids.RULES_EDIT, "index": ALL}, "n_clicks"),
    Input(ids.RULES_CANCEL, "n_clicks"), output=RULE_EDITOR, prevent_initial_call=True,
)
def open_rule_editor(_new: int | None, _edits: list[int | None],
                     _cancel: int | None) -> dict[str, Any]:
    unchanged = dict.fromkeys(RULE_EDITOR, no_update)
    if ctx.triggered_id == ids.RULES_CANCEL:
        return {**unchanged, "open": False}
    if ctx.triggered_id == ids.RULES_NEW and _new:
        return {"open": True, "heading": _("New rule"), "editing": None, **_rule_form(None),
                "error": None}
    rule_id = _clicked()
    if rule_id is None:
        return unchanged
    record = rule_service.get_rule(current_runtime(), current_actor(), rule_id)
    return {"open": True, "heading": _("Edit rule"), "editing": rule_id, **_rule_form(record),
            "error": None}


@callback(
    Input(ids.RULES_SAVE, "n_clicks"),
    State(ids.RULES_EDITING, "data"), State(ids.RULES_NAME, "value"),
    State(ids.RULES_FIGURE, "value"), State(ids.RULES_OPERATOR, "value"),
    State(ids.RULES_VALUE, "value"), State(ids.RULES_VALUE_CHOICE, "value"),
    State(ids.RULES_FOR_DAYS, "value"), State(ids.RULES_ACTION, "value"),
    State(ids.RULES_SEGMENT, "value"), State(ids.RULES_TEAM, "value"),
    State(ids.SCHEMES_REFRESH, "data"), State(ids.RULES_ALSO, "value"),
    State(ids.RULES_CHANNEL, "value"), State(ids.RULES_FREQUENCY, "value"),
    State(ids.RULES_FOLLOWUP_KIND, "value"), State(ids.RULES_FOLLOWUP_DAYS, "value"),
    State(ids.RULES_SUBJECT, "value"), State(ids.RULES_SHARE, "value"),
    *CONDITION_STATES,
    output={"open": Output(ids.RULES_MODAL, "is_open", allow_duplicate=True),
            "error": Output(ids.RULES_ERROR, "children", allow_duplicate=True),
            "refresh": Output(ids.SCHEMES_REFRESH, "data", allow_duplicate=True),
            "result": Output(ids.SCHEMES_RESULT, "children", allow_duplicate=True),
            "result_open": Output(ids.SCHEMES_RESULT, "is_open", allow_duplicate=True)},
    prevent_initial_call=True,
)
def save_rule(_save: int | None, editing: int | None, name: str, figure: str, operator: str,
              value: str, value_text: str, for_days: Any, action: str, segment: str,
              team: str, refresh: int | None, also: list[str] | None = None,
              channel: str | None = None, frequency: Any = None,
              followup_kind: str | None = None, followup_days: Any = None,
              subject: str | None = None, share: Any = None,
              *further: Any) -> dict[str, Any]:
    fields = {"name": name, "figure": figure, "operator": operator, "value": value,
              "value_text": value_text, "for_days": for_days, "action": action,
              "segment": segment, "team_id": team, "also": also or [], "channel": channel,
              "frequency_days": frequency, "followup_kind": followup_kind,
              "followup_days": followup_days, "subject": subject or "customer",
              "share_pct": share, "and": _further(tuple(further))}
    try:
        rule_service.save_rule(current_runtime(), current_actor(), editing, fields)
    except ValidationError as exc:
        return _saved(error=error_alert(error_text(exc)))
    return _saved(open=False, error=None, refresh=(refresh or 0) + 1,
                  result=_("Rule saved; its customers are up to date."), result_open=True)
