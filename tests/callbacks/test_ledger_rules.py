"""The ledger page and the rule editor through the real callback endpoint (signed in, scoped):
the moves with their words in both languages, the download, the editor's preview and a rule
with two conditions and two actions saved from the form."""

from __future__ import annotations

import io

import openpyxl
from sqlalchemy import select

from dashboard.db import session_scope
from dashboard.models import AuditLog, SegmentRule
from layouts import ids
from tests.callbacks.test_schemes_alerts_targets import (  # noqa: F401 - the fixtures
    _alert_action,
    _body,
    _call,
    _fast_hashing,
    signed_in,
    world,
)
from tests.dashboard.services.recompute_world import AS_OF

QUERY = {"as_of": AS_OF.isoformat(), "period": "30d"}


def test_the_ledger_lists_the_moves_a_user_may_see(runtime, world, signed_in) -> None:  # noqa: ANN001, F811
    owner = _call(signed_in("owner"), ids.LEDGER_LIST, {
        f"{ids.LEDGER_QUERY}.data": QUERY, f"{ids.LEDGER_KIND}.value": "rule",
        f"{ids.LEDGER_SOURCE}.value": ""})
    body = _body(owner)
    assert "B Co" in body and "C Co" in body and "Not active" in body  # churning and lost
    assert "Status Churning ≠ Active" in body and "alert open" in body
    wang = _body(_call(signed_in("rep_wang"), ids.LEDGER_LIST, {
        f"{ids.LEDGER_QUERY}.data": QUERY, f"{ids.LEDGER_KIND}.value": "rule",
        f"{ids.LEDGER_SOURCE}.value": ""}))
    assert "B Co" in wang and "C Co" not in wang


def test_the_ledger_download_is_the_moves_in_words_and_audited(runtime, world,  # noqa: ANN001, F811
                                                               signed_in) -> None:  # noqa: F811
    client = signed_in("manager_east")
    answer = _call(client, ids.LEDGER_DOWNLOADED, {
        f"{ids.LEDGER_QUERY}.data": QUERY, f"{ids.LEDGER_KIND}.value": "rule",
        f"{ids.LEDGER_SOURCE}.value": ""}, clicked=(ids.LEDGER_EXPORT, "xlsx"))
    import base64

    content = answer.get_json()["response"][ids.LEDGER_DOWNLOADED]["data"]
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(content["content"]))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Day", "Code", "Customer", "Account manager", "Rule or scheme")
    assert sorted(r[1] for r in rows[1:]) == ["B", "C", "N"]  # East: not active
    with session_scope(runtime.engine) as s:
        audited = s.execute(select(AuditLog.detail).where(
            AuditLog.object_type == "ledger")).scalars().all()
    assert [a["rows"] for a in audited] == [3]


def _save_rule(client, values):  # noqa: ANN001, ANN202
    from tests.security.fixtures import callback_body

    key = next(k for k, spec in client.app.callback_map.items()
               if any(d["id"] == ids.RULES_SAVE for d in spec["inputs"]))
    return client.post("/_dash-update-component", json=callback_body(client.app, key, values),
                       headers={"X-CSRFToken": client.csrf})


def test_the_rule_editor_previews_and_saves_two_conditions(runtime, world,  # noqa: ANN001, F811
                                                            signed_in) -> None:  # noqa: F811
    client = signed_in("owner")
    condition = {f"{ids.RULES_FIGURE}.value": "revenue_vs_own90_pct",
                 f"{ids.RULES_OPERATOR}.value": "<=", f"{ids.RULES_VALUE}.value": "-40",
                 f"{ids.RULES_VALUE_CHOICE}.value": None,
                 f"{ids.RULES_AND2_FIGURE}.value": "revenue_vs_own90",
                 f"{ids.RULES_AND2_OPERATOR}.value": "<=",
                 f"{ids.RULES_AND2_VALUE}.value": "-500",
                 f"{ids.RULES_AND2_CHOICE}.value": None, f"{ids.RULES_AND3_FIGURE}.value": "",
                 f"{ids.RULES_AND3_OPERATOR}.value": ">", f"{ids.RULES_AND3_VALUE}.value": "",
                 f"{ids.RULES_AND3_CHOICE}.value": None}
    preview = _call(client, ids.RULES_PREVIEW, {**condition, f"{ids.RULES_MODAL}.is_open": True})
    assert "1 of your customers match these conditions now" in _body(preview)  # C
    unfinished = _call(client, ids.RULES_PREVIEW, {
        **condition, f"{ids.RULES_VALUE}.value": "", f"{ids.RULES_MODAL}.is_open": True})
    assert "Complete the conditions" in _body(unfinished)
    saved = _save_rule(client, {
        **condition, f"{ids.RULES_SAVE}.n_clicks": 1, f"{ids.RULES_EDITING}.data": None,
        f"{ids.RULES_NAME}.value": "Falling", f"{ids.RULES_FOR_DAYS}.value": 0,
        f"{ids.RULES_ACTION}.value": "segment", f"{ids.RULES_SEGMENT}.value": "Win back",
        f"{ids.RULES_TEAM}.value": "all", f"{ids.SCHEMES_REFRESH}.data": 0,
        f"{ids.RULES_ALSO}.value": ["alert", "contact"], f"{ids.RULES_CHANNEL}.value": "visit",
        f"{ids.RULES_FREQUENCY}.value": 14})
    assert "Rule saved" in _body(saved)
    with session_scope(runtime.engine) as s:
        rule = s.execute(select(SegmentRule).where(SegmentRule.name == "Falling")).scalar_one()
        assert (rule.actions, len(rule.conditions)) == (["segment", "alert", "contact"], 1)


def test_alerts_are_grouped_by_rule_and_acknowledged_in_bulk_within_the_scope(  # noqa: ANN001
        runtime, world, signed_in) -> None:  # noqa: F811
    from dashboard.models import Alert

    page = _call(signed_in("owner"), ids.ALERTS_GROUPS, {
        f"{ids.ALERTS_STATUS}.value": "open", f"{ids.ALERTS_RULE}.value": ""})
    out = page.get_json()["response"]
    assert "Not active" in _body(page) and "3 alerts" in _body(page)  # B, C, N
    assert out[ids.ALERTS_RULE]["options"][0]["label"] == "Every rule (3)"
    with session_scope(runtime.engine) as s:
        rule_id = s.execute(select(SegmentRule.id)).scalar_one()
    wang = signed_in("rep_wang")
    done = _alert_action(wang, f"rule-done:{rule_id}")
    assert "1 alert marked done." in _body(done)  # only B is Wang's
    with session_scope(runtime.engine) as s:
        states = dict(s.execute(select(Alert.customer_id, Alert.status)).all())
        audited = s.execute(select(AuditLog.detail).where(
            AuditLog.action == "alert.done_all")).scalars().all()
    assert states == {world.customers["B"]: "done", world.customers["C"]: "open",
                      world.customers["N"]: "open"}
    assert audited == [{"alerts": 1}]
    narrowed = _call(signed_in("owner"), ids.ALERTS_LIST, {
        f"{ids.ALERTS_STATUS}.value": "open", f"{ids.ALERTS_RULE}.value": str(rule_id)})
    assert "C Co" in _body(narrowed) and "B Co" not in _body(narrowed)


def test_the_contact_plan_page_sets_a_plan_and_lists_who_is_overdue(runtime, world,  # noqa: ANN001, F811
                                                                     signed_in) -> None:  # noqa: F811
    from dashboard.services import rules as rule_service

    rule_id = rule_service.save_rule(runtime, world.owner(), None, {
        "name": "Quiet", "figure": "status", "operator": "!=", "value_text": "active",
        "action": "segment", "segment": "Call soon", "team_id": "all"})
    manager = signed_in("manager_east")
    refused = _call(manager, ids.CONTACT_REFRESH, {
        f"{ids.CONTACT_SAVE}.n_clicks": 1, f"{ids.CONTACT_TARGET}.value": f"rule:{rule_id}|Call soon",
        f"{ids.CONTACT_CHANNEL}.value": "phone", f"{ids.CONTACT_FREQUENCY}.value": 7,
        f"{ids.CONTACT_REFRESH}.data": 0})
    assert "Contact plan saved" not in _body(refused)  # a business-wide rule: owners only
    owner = signed_in("owner")
    bad = _call(owner, ids.CONTACT_REFRESH, {
        f"{ids.CONTACT_SAVE}.n_clicks": 1, f"{ids.CONTACT_TARGET}.value": f"rule:{rule_id}|Call soon",
        f"{ids.CONTACT_CHANNEL}.value": "phone", f"{ids.CONTACT_FREQUENCY}.value": 0,
        f"{ids.CONTACT_REFRESH}.data": 0})
    assert "whole number of days from 1 to 3650" in _body(bad)
    saved = _call(owner, ids.CONTACT_REFRESH, {
        f"{ids.CONTACT_SAVE}.n_clicks": 1, f"{ids.CONTACT_TARGET}.value": f"rule:{rule_id}|Call soon",
        f"{ids.CONTACT_CHANNEL}.value": "phone", f"{ids.CONTACT_FREQUENCY}.value": 7,
        f"{ids.CONTACT_REFRESH}.data": 0})
    assert "Contact plan saved" in _body(saved)
    page = _call(signed_in("rep_wang"), ids.CONTACT_OVERDUE, {
        f"{ids.CONTACT_QUERY}.data": QUERY, f"{ids.CONTACT_REFRESH}.data": 1})
    body = _body(page)
    assert "B Co" in body and "C Co" not in body and "never contacted" in body
