"""The Schemes page: the address → one service call → scheme cards and the rules table; the
editors and buttons → one service call each (``dashboard.services.schemes`` / ``rules``, which
check who may change what and audit it). Form problems are shown in the editor; refusals go
to the shell's message bar."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime, error_text
from dashboard.analytics.rules import FIGURES
from dashboard.errors import ValidationError
from dashboard.i18n import _
from dashboard.services import rules as rule_service
from dashboard.services import schemes as service
from layouts import ids, links
from layouts.components.states import error_alert
from layouts.schemes import headline, rule_table, scheme_list
from layouts.schemes_parts import (
    KIND_HINTS,
    MAX_BANDS,
    choice_options,
    operator_options,
    team_options,
)

BAND_LABELS = {"type": ids.SCHEMES_BAND_LABEL, "index": ALL}
BAND_UPPERS = {"type": ids.SCHEMES_BAND_UPPER, "index": ALL}
HIDDEN, SHOWN = "d-none", ""


def _clicked() -> int | None:
    """The index of the pattern-matching button that was really clicked (None when the
    callback fired because buttons were drawn)."""
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return None
    trigger = ctx.triggered_id
    return int(trigger["index"]) if isinstance(trigger, dict) else None


@callback(
    Output(ids.SCHEMES_HEADLINE, "children"), Output(ids.SCHEMES_LIST, "children"),
    Output(ids.SCHEMES_NEW, "className"), Output(ids.RULES_LIST, "children"),
    Output(ids.RULES_NEW, "className"), Output(ids.SCHEMES_TEAM, "options"),
    Output(ids.RULES_TEAM, "options"),
    Input(ids.SCHEMES_QUERY, "data"), Input(ids.SCHEMES_REFRESH, "data"),
)
def update_schemes_page(query: dict[str, Any] | None, _refresh: int | None) -> tuple:
    runtime, actor = current_runtime(), current_actor()
    page = service.get_schemes_page(runtime, actor, links.parse_filters(query))
    rules = rule_service.get_rules(runtime, actor)
    shown = SHOWN if page.can_create else HIDDEN
    teams = team_options(page.teams, business=actor.role == "owner")
    return (headline(page), scheme_list(page), shown, rule_table(rules), shown, teams, teams)


@callback(Output(ids.SCHEMES_BAND_HINT, "children"), Input(ids.SCHEMES_KIND, "value"))
def update_band_hint(kind: str | None) -> str:
    return _(KIND_HINTS[kind]) if kind in KIND_HINTS else ""


def _band_rows() -> int:
    """How many band rows the page has (the wildcard outputs' length)."""
    found = ctx.outputs_list[12] if len(ctx.outputs_list) > 12 else []
    return len(found) if isinstance(found, list) else MAX_BANDS


def _scheme_form(record: dict[str, Any] | None) -> tuple:
    record = record or {}
    rows = _band_rows()
    bands = list(record.get("bands") or [])[:rows]
    labels = [b["label"] for b in bands] + [""] * (rows - len(bands))
    uppers = [f"{float(b['upper']):g}" for b in bands] + [""] * (rows - len(bands))
    team = record.get("team_id")
    return (record.get("title", ""), record.get("comment", ""),
            record.get("colour", "#1f77b4"), record.get("customer_type") or "all",
            record.get("kind", "risk_score"), str(record.get("timeframe_days", 365)),
            "" if record.get("min_spend") is None else f"{record['min_spend']:g}",
            "" if record.get("min_orders") is None else str(record["min_orders"]),
            "all" if team is None else str(team), labels, uppers)


@callback(
    Output(ids.SCHEMES_MODAL, "is_open"), Output(ids.SCHEMES_MODAL_TITLE, "children"),
    Output(ids.SCHEMES_EDITING, "data"), Output(ids.SCHEMES_TITLE, "value"),
    Output(ids.SCHEMES_COMMENT, "value"), Output(ids.SCHEMES_COLOUR, "value"),
    Output(ids.SCHEMES_TYPE, "value"), Output(ids.SCHEMES_KIND, "value"),
    Output(ids.SCHEMES_TIMEFRAME, "value"), Output(ids.SCHEMES_MIN_SPEND, "value"),
    Output(ids.SCHEMES_MIN_ORDERS, "value"), Output(ids.SCHEMES_TEAM, "value"),
    Output(BAND_LABELS, "value"), Output(BAND_UPPERS, "value"),
    Output(ids.SCHEMES_ERROR, "children"),
    Input(ids.SCHEMES_NEW, "n_clicks"), Input({"type": ids.SCHEMES_EDIT, "index": ALL},
                                              "n_clicks"),
    Input(ids.SCHEMES_CANCEL, "n_clicks"), prevent_initial_call=True,
)
def open_scheme_editor(_new: int | None, _edits: list[int | None], _cancel: int | None) -> tuple:
    rows = _band_rows()
    unchanged = (*([no_update] * 12), [no_update] * rows, [no_update] * rows, no_update)
    if ctx.triggered_id == ids.SCHEMES_CANCEL:
        return (False, *unchanged[1:])
    if ctx.triggered_id == ids.SCHEMES_NEW and _new:
        return (True, _("New scheme"), None, *_scheme_form(None), None)
    scheme_id = _clicked()
    if scheme_id is None:
        return unchanged
    record = service.get_scheme(current_runtime(), current_actor(), scheme_id)
    return (True, _("Edit scheme"), scheme_id, *_scheme_form(record), None)


@callback(
    Output(ids.SCHEMES_MODAL, "is_open", allow_duplicate=True),
    Output(ids.SCHEMES_ERROR, "children", allow_duplicate=True),
    Output(ids.SCHEMES_REFRESH, "data"), Output(ids.SCHEMES_RESULT, "children"),
    Output(ids.SCHEMES_RESULT, "is_open"),
    Input(ids.SCHEMES_SAVE, "n_clicks"),
    State(ids.SCHEMES_EDITING, "data"), State(ids.SCHEMES_TITLE, "value"),
    State(ids.SCHEMES_COMMENT, "value"), State(ids.SCHEMES_COLOUR, "value"),
    State(ids.SCHEMES_TYPE, "value"), State(ids.SCHEMES_KIND, "value"),
    State(ids.SCHEMES_TIMEFRAME, "value"), State(ids.SCHEMES_MIN_SPEND, "value"),
    State(ids.SCHEMES_MIN_ORDERS, "value"), State(ids.SCHEMES_TEAM, "value"),
    State(BAND_LABELS, "value"), State(BAND_UPPERS, "value"), State(ids.SCHEMES_REFRESH, "data"),
    prevent_initial_call=True,
)
def save_scheme(_save: int | None, editing: int | None, title: str, comment: str, colour: str,
                customer_type: str, kind: str, timeframe: str, min_spend: str,
                min_orders: str, team: str, labels: list[str] | None,
                uppers: list[str] | None, refresh: int | None) -> tuple:
    fields = {"title": title, "comment": comment, "colour": colour,
              "customer_type": customer_type, "kind": kind, "timeframe_days": timeframe,
              "min_spend": min_spend, "min_orders": min_orders, "team_id": team,
              "bands": [{"label": a, "upper": b} for a, b in zip(labels or [], uppers or [],
                                                                  strict=False)]}
    try:
        service.save_scheme(current_runtime(), current_actor(), editing, fields)
    except ValidationError as exc:
        return no_update, error_alert(error_text(exc)), no_update, no_update, no_update
    return False, None, (refresh or 0) + 1, _("Scheme saved."), True


@callback(
    Output(ids.SCHEMES_REFRESH, "data", allow_duplicate=True),
    Input({"type": ids.SCHEMES_UP, "index": ALL}, "n_clicks"),
    Input({"type": ids.SCHEMES_DOWN, "index": ALL}, "n_clicks"),
    State(ids.SCHEMES_REFRESH, "data"), prevent_initial_call=True,
)
def move_scheme(_ups: list[int | None], _downs: list[int | None], refresh: int | None) -> Any:
    scheme_id = _clicked()
    if scheme_id is None:
        return no_update
    direction = "up" if ctx.triggered_id["type"] == ids.SCHEMES_UP else "down"
    service.move_scheme(current_runtime(), current_actor(), scheme_id, direction)
    return (refresh or 0) + 1


@callback(
    Output(ids.SCHEMES_CONFIRM, "is_open"), Output(ids.SCHEMES_CONFIRM_TEXT, "children"),
    Output(ids.SCHEMES_CONFIRM_TARGET, "data"),
    Input({"type": ids.SCHEMES_DELETE, "index": ALL}, "n_clicks"),
    Input({"type": ids.RULES_DELETE, "index": ALL}, "n_clicks"),
    Input(ids.SCHEMES_CONFIRM_NO, "n_clicks"), prevent_initial_call=True,
)
def ask_to_delete(_schemes: list[int | None], _rules: list[int | None],
                  _no: int | None) -> tuple:
    if ctx.triggered_id == ids.SCHEMES_CONFIRM_NO:
        return False, no_update, None
    key = _clicked()
    if key is None:
        return no_update, no_update, no_update
    if ctx.triggered_id["type"] == ids.SCHEMES_DELETE:
        text = _("Delete this scheme? Its customers' history stays; the bands stop today.")
        return True, text, {"kind": "scheme", "id": key}
    text = _("Delete this rule? Its history and its alerts stay.")
    return True, text, {"kind": "rule", "id": key}


@callback(
    Output(ids.SCHEMES_CONFIRM, "is_open", allow_duplicate=True),
    Output(ids.SCHEMES_REFRESH, "data", allow_duplicate=True),
    Input(ids.SCHEMES_CONFIRM_YES, "n_clicks"),
    State(ids.SCHEMES_CONFIRM_TARGET, "data"), State(ids.SCHEMES_REFRESH, "data"),
    prevent_initial_call=True,
)
def confirm_delete(_yes: int | None, target: dict[str, Any] | None,
                   refresh: int | None) -> tuple:
    if not _yes or not isinstance(target, dict):
        return no_update, no_update
    remove = service.delete_scheme if target.get("kind") == "scheme" else \
        rule_service.delete_rule
    remove(current_runtime(), current_actor(), target.get("id"))
    return False, (refresh or 0) + 1


# --- rules ------------------------------------------------------------------------------------


@callback(
    Output(ids.RULES_OPERATOR, "options"), Output(ids.RULES_VALUE, "className"),
    Output(ids.RULES_VALUE_CHOICE, "options"), Output(ids.RULES_VALUE_CHOICE, "className"),
    Output(ids.RULES_SEGMENT, "disabled"),
    Input(ids.RULES_FIGURE, "value"), Input(ids.RULES_ACTION, "value"),
)
def update_rule_form(figure_key: str | None, action: str | None) -> tuple:
    figure = FIGURES.get(str(figure_key)) or FIGURES["risk_score"]
    choices = choice_options(figure.key, figure.choices)
    return (operator_options(figure.operators), HIDDEN if figure.is_choice else SHOWN,
            choices, SHOWN if figure.is_choice else HIDDEN, action != "segment")


def _rule_form(record: dict[str, Any] | None) -> tuple:
    record = record or {}
    figure = FIGURES.get(str(record.get("figure"))) or FIGURES["risk_score"]
    team = record.get("team_id")
    return (record.get("name", ""), figure.key, record.get("operator", ">"),
            "" if figure.is_choice or not record else f"{float(record['value']):g}",
            record.get("value_text") or (figure.choices[0] if figure.is_choice else None),
            int(record.get("for_days") or 0), record.get("action", "segment"),
            record.get("segment", ""), "all" if team is None else str(team))


@callback(
    Output(ids.RULES_MODAL, "is_open"), Output(ids.RULES_MODAL_TITLE, "children"),
    Output(ids.RULES_EDITING, "data"), Output(ids.RULES_NAME, "value"),
    Output(ids.RULES_FIGURE, "value"), Output(ids.RULES_OPERATOR, "value"),
    Output(ids.RULES_VALUE, "value"), Output(ids.RULES_VALUE_CHOICE, "value"),
    Output(ids.RULES_FOR_DAYS, "value"), Output(ids.RULES_ACTION, "value"),
    Output(ids.RULES_SEGMENT, "value"), Output(ids.RULES_TEAM, "value"),
    Output(ids.RULES_ERROR, "children"),
    Input(ids.RULES_NEW, "n_clicks"), Input({"type": ids.RULES_EDIT, "index": ALL}, "n_clicks"),
    Input(ids.RULES_CANCEL, "n_clicks"), prevent_initial_call=True,
)
def open_rule_editor(_new: int | None, _edits: list[int | None], _cancel: int | None) -> tuple:
    if ctx.triggered_id == ids.RULES_CANCEL:
        return (False, *([no_update] * 12))
    if ctx.triggered_id == ids.RULES_NEW and _new:
        return (True, _("New rule"), None, *_rule_form(None), None)
    rule_id = _clicked()
    if rule_id is None:
        return (no_update,) * 13
    record = rule_service.get_rule(current_runtime(), current_actor(), rule_id)
    return (True, _("Edit rule"), rule_id, *_rule_form(record), None)


@callback(
    Output(ids.RULES_MODAL, "is_open", allow_duplicate=True),
    Output(ids.RULES_ERROR, "children", allow_duplicate=True),
    Output(ids.SCHEMES_REFRESH, "data", allow_duplicate=True),
    Output(ids.SCHEMES_RESULT, "children", allow_duplicate=True),
    Output(ids.SCHEMES_RESULT, "is_open", allow_duplicate=True),
    Input(ids.RULES_SAVE, "n_clicks"),
    State(ids.RULES_EDITING, "data"), State(ids.RULES_NAME, "value"),
    State(ids.RULES_FIGURE, "value"), State(ids.RULES_OPERATOR, "value"),
    State(ids.RULES_VALUE, "value"), State(ids.RULES_VALUE_CHOICE, "value"),
    State(ids.RULES_FOR_DAYS, "value"), State(ids.RULES_ACTION, "value"),
    State(ids.RULES_SEGMENT, "value"), State(ids.RULES_TEAM, "value"),
    State(ids.SCHEMES_REFRESH, "data"), prevent_initial_call=True,
)
def save_rule(_save: int | None, editing: int | None, name: str, figure: str, operator: str,
              value: str, value_text: str, for_days: Any, action: str, segment: str,
              team: str, refresh: int | None) -> tuple:
    fields = {"name": name, "figure": figure, "operator": operator, "value": value,
              "value_text": value_text, "for_days": for_days, "action": action,
              "segment": segment, "team_id": team}
    try:
        rule_service.save_rule(current_runtime(), current_actor(), editing, fields)
    except ValidationError as exc:
        return no_update, error_alert(error_text(exc)), no_update, no_update, no_update
    return False, None, (refresh or 0) + 1, _("Rule saved; its customers are up to date."), True
