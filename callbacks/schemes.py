"""The Schemes page: the address → one service call → scheme cards and the rules table; the
editors and buttons → one service call each (``dashboard.services.schemes`` / ``rules``, which
check who may change what and audit it). Form problems are shown in the editor; refusals go
to the shell's message bar."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime, error_text
from dashboard import filters as address
from dashboard.analytics.kinds import DEFAULT_SCHEME_KIND
from dashboard.errors import ValidationError
from dashboard.i18n import _
from dashboard.services import rules as rule_service
from dashboard.services import schemes as service
from layouts import ids
from layouts.components.states import error_alert
from layouts.schemes import headline, rule_table, scheme_list
from layouts.schemes_parts import (
    MAX_BANDS,
    kind_hint,
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
    Input(ids.SCHEMES_QUERY, "data"), Input(ids.SCHEMES_REFRESH, "data"),
    output={"headline": Output(ids.SCHEMES_HEADLINE, "children"),
            "schemes": Output(ids.SCHEMES_LIST, "children"),
            "new_scheme": Output(ids.SCHEMES_NEW, "className"),
            "rules": Output(ids.RULES_LIST, "children"),
            "new_rule": Output(ids.RULES_NEW, "className"),
            "scheme_teams": Output(ids.SCHEMES_TEAM, "options"),
            "rule_teams": Output(ids.RULES_TEAM, "options")},
)
def update_schemes_page(query: dict[str, Any] | None, _refresh: int | None) -> dict[str, Any]:
    runtime, actor = current_runtime(), current_actor()
    page = service.get_schemes_page(runtime, actor, address.parse_filters(query))
    rules = rule_service.get_rules(runtime, actor)
    shown = SHOWN if page.can_create else HIDDEN
    teams = team_options(page.teams, business=actor.role == "owner")
    return {"headline": headline(page), "schemes": scheme_list(page), "new_scheme": shown,
            "rules": rule_table(rules), "new_rule": shown, "scheme_teams": teams,
            "rule_teams": teams}


@callback(Output(ids.SCHEMES_BAND_HINT, "children"), Input(ids.SCHEMES_KIND, "value"))
def update_band_hint(kind: str | None) -> str:
    return kind_hint(kind)


SCHEME_EDITOR = {
    "open": Output(ids.SCHEMES_MODAL, "is_open"),
    "heading": Output(ids.SCHEMES_MODAL_TITLE, "children"),
    "editing": Output(ids.SCHEMES_EDITING, "data"),
    "title": Output(ids.SCHEMES_TITLE, "value"),
    "comment": Output(ids.SCHEMES_COMMENT, "value"),
    "colour": Output(ids.SCHEMES_COLOUR, "value"),
    "customer_type": Output(ids.SCHEMES_TYPE, "value"),
    "kind": Output(ids.SCHEMES_KIND, "value"),
    "timeframe": Output(ids.SCHEMES_TIMEFRAME, "value"),
    "min_spend": Output(ids.SCHEMES_MIN_SPEND, "value"),
    "min_orders": Output(ids.SCHEMES_MIN_ORDERS, "value"),
    "team": Output(ids.SCHEMES_TEAM, "value"),
    "labels": Output(BAND_LABELS, "value"),
    "uppers": Output(BAND_UPPERS, "value"),
    "error": Output(ids.SCHEMES_ERROR, "children"),
}


def _band_rows() -> int:
    """How many band rows the page has (the wildcard outputs' length)."""
    found = next((o for o in ctx.outputs_list if isinstance(o, list)), None)
    return MAX_BANDS if found is None else len(found)


def _scheme_form(record: dict[str, Any] | None) -> dict[str, Any]:
    record = record or {}
    rows = _band_rows()
    bands = list(record.get("bands") or [])[:rows]
    team = record.get("team_id")
    return {"title": record.get("title", ""), "comment": record.get("comment", ""),
            "colour": record.get("colour", "#1f77b4"),
            "customer_type": record.get("customer_type") or "all",
            "kind": record.get("kind", DEFAULT_SCHEME_KIND),
            "timeframe": str(record.get("timeframe_days", 365)),
            "min_spend": "" if record.get("min_spend") is None else f"{record['min_spend']:g}",
            "min_orders": "" if record.get("min_orders") is None else str(record["min_orders"]),
            "team": "all" if team is None else str(team),
            "labels": [b["label"] for b in bands] + [""] * (rows - len(bands)),
            "uppers": [f"{float(b['upper']):g}" for b in bands] + [""] * (rows - len(bands))}


@callback(
    Input(ids.SCHEMES_NEW, "n_clicks"), Input({"type": ids.SCHEMES_EDIT, "index": ALL},
                                              "n_clicks"),
    Input(ids.SCHEMES_CANCEL, "n_clicks"), output=SCHEME_EDITOR, prevent_initial_call=True,
)
def open_scheme_editor(_new: int | None, _edits: list[int | None],
                       _cancel: int | None) -> dict[str, Any]:
    rows = _band_rows()
    unchanged = {**dict.fromkeys(SCHEME_EDITOR, no_update), "labels": [no_update] * rows,
                 "uppers": [no_update] * rows}
    if ctx.triggered_id == ids.SCHEMES_CANCEL:
        return {**unchanged, "open": False}
    if ctx.triggered_id == ids.SCHEMES_NEW and _new:
        return {"open": True, "heading": _("New scheme"), "editing": None,
                **_scheme_form(None), "error": None}
    scheme_id = _clicked()
    if scheme_id is None:
        return unchanged
    record = service.get_scheme(current_runtime(), current_actor(), scheme_id)
    return {"open": True, "heading": _("Edit scheme"), "editing": scheme_id,
            **_scheme_form(record), "error": None}


@callback(
    Input(ids.SCHEMES_SAVE, "n_clicks"),
    State(ids.SCHEMES_EDITING, "data"), State(ids.SCHEMES_TITLE, "value"),
    State(ids.SCHEMES_COMMENT, "value"), State(ids.SCHEMES_COLOUR, "value"),
    State(ids.SCHEMES_TYPE, "value"), State(ids.SCHEMES_KIND, "value"),
    State(ids.SCHEMES_TIMEFRAME, "value"), State(ids.SCHEMES_MIN_SPEND, "value"),
    State(ids.SCHEMES_MIN_ORDERS, "value"), State(ids.SCHEMES_TEAM, "value"),
    State(BAND_LABELS, "value"), State(BAND_UPPERS, "value"), State(ids.SCHEMES_REFRESH, "data"),
    output={"open": Output(ids.SCHEMES_MODAL, "is_open", allow_duplicate=True),
            "error": Output(ids.SCHEMES_ERROR, "children", allow_duplicate=True),
            "refresh": Output(ids.SCHEMES_REFRESH, "data"),
            "result": Output(ids.SCHEMES_RESULT, "children"),
            "result_open": Output(ids.SCHEMES_RESULT, "is_open")},
    prevent_initial_call=True,
)
def save_scheme(_save: int | None, editing: int | None, title: str, comment: str, colour: str,
                customer_type: str, kind: str, timeframe: str, min_spend: str,
                min_orders: str, team: str, labels: list[str] | None,
                uppers: list[str] | None, refresh: int | None) -> dict[str, Any]:
    fields = {"title": title, "comment": comment, "colour": colour,
              "customer_type": customer_type, "kind": kind, "timeframe_days": timeframe,
              "min_spend": min_spend, "min_orders": min_orders, "team_id": team,
              "bands": [{"label": a, "upper": b} for a, b in zip(labels or [], uppers or [],
                                                                  strict=False)]}
    try:
        service.save_scheme(current_runtime(), current_actor(), editing, fields)
    except ValidationError as exc:
        return _saved(error=error_alert(error_text(exc)))
    return _saved(open=False, error=None, refresh=(refresh or 0) + 1,
                  result=_("Scheme saved."), result_open=True)


def _saved(**given: Any) -> dict[str, Any]:
    """The answer of a save (scheme or rule): what is not given stays as it is."""
    return {name: given.get(name, no_update)
            for name in ("open", "error", "refresh", "result", "result_open")}


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
