"""The Schemes, Alerts and Targets callbacks through the real endpoint (signed-in users of the
small world of ``tests/dashboard/services/recompute_world.py``): band links, the editor's
validation messages, forged ids refused and audited, the navbar's alert count, marking done,
targets by hand, a file check and the CSV report."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from dashboard import passwords
from dashboard.db import session_scope
from dashboard.models import Alert, AuditLog, ClassificationScheme, SegmentRule
from dashboard.scope import Actor
from dashboard.services import users as user_service
from dashboard.services.recompute import run_recompute
from layouts import ids
from tests.dashboard.services.recompute_world import AS_OF, build
from tests.security.fixtures import (
    Browser,
    callback_body,
    cheap_hasher,
    find_callback,
    side_message,
)

PASSWORD = "correct horse battery staple {name}"
USERS = {"owner": ("owner", {}), "manager_east": ("manager", {"team": "East"}),
         "manager_west": ("manager", {"team": "West"}), "rep_wang": ("rep", {"rep": "Wang"})}
RISK_BANDS = [("Loyal", "1"), ("Slowing", "2"), ("Going to sleep", "4"), ("At risk", "9999")]


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "HASHER", cheap_hasher())
    passwords._dummy_hash.cache_clear()


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    built = build(runtime)
    for username, (role, fields) in USERS.items():
        mapping = {k: (built.teams[v] if k == "team" else built.reps[v])
                   for k, v in fields.items()}
        user_service.create_user(runtime, Actor.system("test"), {
            "username": username, "role": role, "password": PASSWORD.format(name=username),
            **mapping})
    with session_scope(runtime.engine, write=True) as s:
        s.add(SegmentRule(name="Not active", figure="status", operator="!=", value=0.0,
                          value_text="active", for_days=0, action="alert", segment=""))
    run_recompute(runtime, built.owner(), AS_OF, backfill_months=0)
    yield built


@pytest.fixture
def signed_in(runtime, world):  # noqa: ANN001, ANN201
    from app import create_app

    app = create_app(runtime.settings, runtime)

    def make(username: str) -> Browser:
        client = Browser(app)
        assert client.login(username, PASSWORD.format(name=username)).status_code == 303
        return client

    return make


def _clicked_by(app: Any, output_id: str, kind: str) -> str:
    """The callback with an output ``output_id`` that a button of type ``kind`` triggers."""
    for key, spec in app.callback_map.items():
        if output_id in key and any(kind in dep["id"] for dep in spec["inputs"]):
            return key
    raise KeyError((output_id, kind))


def _call(client: Browser, output_id: str, values: dict[str, Any] | None = None,
          clicked: tuple[str, int] | None = None):  # noqa: ANN202
    """Call the callback of ``output_id``; ``clicked``: a pattern-matching button (type,
    index) that was pressed."""
    key = find_callback(client.app, output_id) if clicked is None else _clicked_by(
        client.app, output_id, clicked[0])
    body = callback_body(client.app, key, values)
    if clicked is not None:
        kind, index = clicked
        spec = client.app.callback_map[key]["inputs"]
        for position, dep in enumerate(spec):
            if dep["id"].startswith("{") and json.loads(dep["id"])["type"] == kind:
                body["inputs"][position] = [{"id": {"index": index, "type": kind},
                                             "property": "n_clicks", "value": 1}]
        body["changedPropIds"] = [json.dumps({"index": index, "type": kind},
                                             separators=(",", ":")) + ".n_clicks"]
    return client.post("/_dash-update-component", json=body,
                       headers={"X-CSRFToken": client.csrf})


def _alert_action(client: Browser, action: Any):  # noqa: ANN202
    """A button of the alerts page clicked: assets/clicked.js writes its data-alert into the
    page's store."""
    return _call(client, ids.ALERTS_REFRESH, {
        f"{ids.ALERTS_CLICKED}.data": {"pick": action, "n": 1}, f"{ids.ALERTS_REFRESH}.data": 0})


def _body(response) -> str:  # noqa: ANN001
    return json.dumps(response.get_json(), ensure_ascii=False)


def _scheme(runtime, team: int | None = None) -> int:  # noqa: ANN001
    with session_scope(runtime.engine, write=True) as s:
        row = ClassificationScheme(title="Risk", kind="risk_score", colour="#c0392b",
                                   bands=[{"label": a, "upper": float(b)} for a, b in
                                          RISK_BANDS], team_id=team, position=0)
        s.add(row)
        s.flush()
        return row.id


def test_the_page_lists_schemes_with_band_links_in_the_users_scope(runtime, world,  # noqa: ANN001
                                                                   signed_in) -> None:
    scheme = _scheme(runtime)
    response = _call(signed_in("rep_wang"), ids.SCHEMES_LIST,
                     {f"{ids.SCHEMES_QUERY}.data": {}})
    assert response.status_code == 200
    out = response.get_json()["response"]
    body = json.dumps(out[ids.SCHEMES_LIST])
    # Wang's customers: A (Loyal) and B (Going to sleep)
    assert f"/customers?scheme={scheme}&band=1" in body
    assert f"/customers?scheme={scheme}&band=3" in body
    assert out[ids.SCHEMES_NEW] == {"className": "d-none"}  # reps do not create
    assert "Not active" in json.dumps(out[ids.RULES_LIST])
    owner = _call(signed_in("owner"), ids.SCHEMES_LIST, {f"{ids.SCHEMES_QUERY}.data": {
        "as_of": "2026-11-22", "type": "Retail"}}).get_json()["response"]
    assert f"/customers?type=Retail&scheme={scheme}&band=1" in json.dumps(owner)
    assert owner[ids.SCHEMES_NEW] == {"className": ""}


def _scheme_form(bands: list[tuple[str, str]]) -> dict[str, Any]:
    values = {f"{ids.SCHEMES_TITLE}.value": "Sleepers", f"{ids.SCHEMES_KIND}.value":
              "risk_score", f"{ids.SCHEMES_TIMEFRAME}.value": "365",
              f"{ids.SCHEMES_TYPE}.value": "all", f"{ids.SCHEMES_COLOUR}.value": "#112233",
              f"{ids.SCHEMES_TEAM}.value": "all", f"{ids.SCHEMES_SAVE}.n_clicks": 1}
    return values


def _save_scheme(client: Browser, bands: list[tuple[str, str]], editing: int | None = None):  # noqa: ANN202
    key = find_callback(client.app, ids.SCHEMES_REFRESH)
    body = callback_body(client.app, key, {**_scheme_form(bands),
                                           f"{ids.SCHEMES_EDITING}.data": editing})
    for position, dep in enumerate(client.app.callback_map[key]["state"]):
        if dep["id"].startswith("{"):
            kind = json.loads(dep["id"])["type"]
            column = 0 if kind == ids.SCHEMES_BAND_LABEL else 1
            body["state"][position] = [{"id": {"index": i, "type": kind}, "property": "value",
                                        "value": band[column]}
                                       for i, band in enumerate(bands)]
    body["changedPropIds"] = [f"{ids.SCHEMES_SAVE}.n_clicks"]
    return client.post("/_dash-update-component", json=body,
                       headers={"X-CSRFToken": client.csrf})


def test_the_editor_says_what_to_fix_then_saves(runtime, world, signed_in) -> None:  # noqa: ANN001
    manager = signed_in("manager_east")
    bad = _save_scheme(manager, [("Low", "5"), ("High", "2")])
    assert bad.status_code == 200
    out = bad.get_json()["response"]
    assert "Band 2: the upper bound 2 must be above the band before (5)." in json.dumps(out)
    with session_scope(runtime.engine) as s:
        assert s.execute(select(ClassificationScheme)).first() is None
    good = _save_scheme(manager, RISK_BANDS).get_json()["response"]
    assert good[ids.SCHEMES_MODAL] == {"is_open": False}
    with session_scope(runtime.engine) as s:
        row = s.execute(select(ClassificationScheme)).scalar_one()
    assert (row.title, row.team_id, len(row.bands)) == ("Sleepers", world.teams["East"], 4)


def _open_editor(client: Browser, output_id: str, kind: str, index: int, rows: int = 0):  # noqa: ANN202
    """Press the edit button (type ``kind``, ``index``) of an editor whose page has ``rows``
    band rows; the answer's outputs by component id."""
    key = _clicked_by(client.app, output_id, kind)
    body = callback_body(client.app, key)
    for position, dep in enumerate(client.app.callback_map[key]["inputs"]):
        if dep["id"].startswith("{") and json.loads(dep["id"])["type"] == kind:
            body["inputs"][position] = [{"id": {"index": index, "type": kind},
                                         "property": "n_clicks", "value": 1}]
    declared = [raw.rsplit(".", 1)[0] for raw in key.strip(".").split("...")]
    body["outputs"] = [
        [{"id": {"index": i, "type": json.loads(raw)["type"]}, "property": "value"}
         for i in range(rows)] if out == [] else out
        for raw, out in zip(declared, body["outputs"], strict=True)]
    body["changedPropIds"] = [json.dumps({"index": index, "type": kind},
                                         separators=(",", ":")) + ".n_clicks"]
    response = client.post("/_dash-update-component", json=body,
                           headers={"X-CSRFToken": client.csrf})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()["response"]


def test_the_editors_open_filled_in(runtime, world, signed_in) -> None:  # noqa: ANN001
    east = _scheme(runtime, world.teams["East"])
    manager = signed_in("manager_east")
    scheme = _open_editor(manager, ids.SCHEMES_MODAL, ids.SCHEMES_EDIT, east, rows=6)
    assert scheme[ids.SCHEMES_MODAL] == {"is_open": True}
    assert scheme[ids.SCHEMES_EDITING] == {"data": east}
    assert scheme[ids.SCHEMES_TITLE] == {"value": "Risk"}
    assert scheme[ids.SCHEMES_KIND] == {"value": "risk_score"}
    assert scheme[ids.SCHEMES_COLOUR] == {"value": "#c0392b"}
    assert scheme[ids.SCHEMES_TEAM] == {"value": str(world.teams["East"])}
    assert scheme[ids.SCHEMES_TIMEFRAME] == {"value": "365"}
    assert scheme[ids.SCHEMES_MIN_SPEND] == {"value": ""}
    bands: dict[str, list] = {ids.SCHEMES_BAND_LABEL: [], ids.SCHEMES_BAND_UPPER: []}
    for raw, props in scheme.items():
        if raw.startswith("{"):
            bands[json.loads(raw)["type"]].append((json.loads(raw)["index"], props["value"]))
    # the scheme's four bands in the first rows of the six, the rest empty
    assert sorted(bands[ids.SCHEMES_BAND_LABEL]) == [
        (0, "Loyal"), (1, "Slowing"), (2, "Going to sleep"), (3, "At risk"), (4, ""), (5, "")]
    assert sorted(bands[ids.SCHEMES_BAND_UPPER]) == [
        (0, "1"), (1, "2"), (2, "4"), (3, "9999"), (4, ""), (5, "")]
    rule_id = _rule_id(runtime, "Not active")
    rule = _open_editor(signed_in("owner"), ids.RULES_MODAL, ids.RULES_EDIT, rule_id)
    assert rule[ids.RULES_MODAL] == {"is_open": True}
    assert rule[ids.RULES_EDITING] == {"data": rule_id}
    assert (rule[ids.RULES_NAME], rule[ids.RULES_FIGURE], rule[ids.RULES_OPERATOR]) == (
        {"value": "Not active"}, {"value": "status"}, {"value": "!="})
    assert rule[ids.RULES_VALUE] == {"value": ""}  # a choice figure: the value is its text
    assert rule[ids.RULES_VALUE_CHOICE] == {"value": "active"}
    assert (rule[ids.RULES_ACTION], rule[ids.RULES_TEAM]) == ({"value": "alert"},
                                                              {"value": "all"})
    form = _call(signed_in("owner"), ids.RULES_OPERATOR, {
        f"{ids.RULES_FIGURE}.value": "status", f"{ids.RULES_ACTION}.value": "alert"}
    ).get_json()["response"]
    assert form[ids.RULES_VALUE] == {"className": "d-none"}
    assert form[ids.RULES_VALUE_CHOICE]["className"] == ""
    assert form[ids.RULES_SEGMENT] == {"disabled": True}


def _rule_id(runtime, name: str) -> int:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        return s.execute(select(SegmentRule.id).where(SegmentRule.name == name)).scalar_one()


def test_forged_scheme_ids_are_refused_and_audited(runtime, world, signed_in) -> None:  # noqa: ANN001
    east = _scheme(runtime, world.teams["East"])
    west = signed_in("manager_west")
    for output, kind in ((ids.SCHEMES_MODAL, ids.SCHEMES_EDIT),
                         (ids.SCHEMES_REFRESH, ids.SCHEMES_UP)):
        response = _call(west, output, clicked=(kind, east))
        assert "You do not have access to this." in side_message(response)
    response = _save_scheme(west, RISK_BANDS, editing=east)
    assert "You do not have access to this." in side_message(response)
    with session_scope(runtime.engine) as s:
        denied = s.execute(select(AuditLog.object_type, AuditLog.object_id)
                           .where(AuditLog.outcome == "denied")).all()
    assert [tuple(d) for d in denied] == [("scheme", str(east))] * 3


def test_alert_count_and_marking_done(runtime, world, signed_in) -> None:  # noqa: ANN001
    wang = signed_in("rep_wang")
    count = _call(wang, ids.NAV_ALERT_COUNT, {f"{ids.URL}.pathname": "/"})
    assert count.get_json()["response"][ids.NAV_ALERT_COUNT]["children"] == "1"  # B
    page = _call(wang, ids.ALERTS_LIST, {f"{ids.ALERTS_STATUS}.value": "open"})
    assert "B Co" in _body(page) and "C Co" not in _body(page)
    with session_scope(runtime.engine) as s:
        ids_by_customer = dict(s.execute(select(Alert.customer_id, Alert.id)).all())
    forged = _alert_action(wang, f"done:{ids_by_customer[world.customers['C']]}")
    assert "not assigned to you" in side_message(forged)
    done = _alert_action(wang, f"done:{ids_by_customer[world.customers['B']]}")
    out = done.get_json()["response"]
    assert out[ids.NAV_ALERT_COUNT]["className"].endswith("d-none")  # none left
    with session_scope(runtime.engine) as s:
        assert s.get(Alert, ids_by_customer[world.customers["B"]]).status == "done"


@pytest.mark.parametrize(("clicked", "expected"), [
    ({"pick": "done:12", "n": 1}, ("done", 12)), ({"pick": "show:3"}, ("show", 3)),
    ({"pick": "rule-done:7"}, ("rule-done", 7)), ({"pick": "done:-1"}, None),
    ({"pick": "done:" + "9" * 19}, None), ({"pick": "done:1;drop"}, None),
    ({"pick": "close:1"}, None), ({"pick": ["done:1"]}, None), ("done:1", None), (None, None),
])
def test_only_the_alert_actions_are_read_from_a_click(clicked: Any, expected: Any) -> None:
    from callbacks.alerts import read_action

    assert read_action(clicked) == expected


def test_targets_by_hand_file_check_and_report(runtime, world, signed_in) -> None:  # noqa: ANN001
    manager = signed_in("manager_east")
    saved = _call(manager, ids.TARGETS_EDIT_RESULT, {
        f"{ids.TARGETS_SAVE}.n_clicks": 1, f"{ids.TARGETS_CUSTOMER}.value": "A",
        f"{ids.TARGETS_MONTH}.value": "2026-11-01", f"{ids.TARGETS_AMOUNT}.value": "900"})
    assert "Target saved" in _body(saved)
    refused = _call(signed_in("rep_wang"), ids.TARGETS_EDIT_RESULT, {
        f"{ids.TARGETS_SAVE}.n_clicks": 1, f"{ids.TARGETS_CUSTOMER}.value": "A",
        f"{ids.TARGETS_MONTH}.value": "2026-11-01", f"{ids.TARGETS_AMOUNT}.value": "1"})
    assert side_message(refused)  # reps do not set targets
    page = _call(manager, ids.TARGETS_HEADLINE, {f"{ids.TARGETS_QUERY}.data": {}})
    assert "A Co" in _body(page) and "Z Co" not in _body(page)
    upload = "data:text/csv;base64," + base64.b64encode(
        b"customer,month,target\nA,2026-12,100\nA,2026-13,5\n").decode()
    checked = _call(manager, ids.TARGETS_PREVIEW, {
        f"{ids.TARGETS_UPLOAD}.contents": upload, f"{ids.TARGETS_UPLOAD}.filename": "t.csv"})
    out = checked.get_json()["response"]
    assert "2 rows: 1 good, 1 with problems" in json.dumps(out)
    assert out[ids.TARGETS_IMPORT] == {"disabled": False}
    report = _call(manager, ids.TARGETS_DOWNLOADED, {f"{ids.TARGETS_DOWNLOAD}.n_clicks": 1,
                                                     f"{ids.TARGETS_QUERY}.data": {}})
    sent = report.get_json()["response"][ids.TARGETS_DOWNLOADED]["data"]
    assert sent["filename"] == "targets-2026-11-22.csv"
    assert "A,A Co,Wang,2026-11,900.0" in sent["content"]


def test_stored_texts_read_in_the_readers_language(runtime, world, signed_in) -> None:  # noqa: ANN001
    from dashboard.services.rules import delete_rule

    user_service.create_user(runtime, Actor.system("test"), {
        "username": "owner_zh", "role": "owner", "language": "zh",
        "password": PASSWORD.format(name="owner_zh")})
    with session_scope(runtime.engine) as s:
        rule_id = s.execute(select(SegmentRule.id)).scalar_one()
    delete_rule(runtime, world.owner(), rule_id)  # its alerts now show their stored message
    reader = signed_in("owner_zh")
    page = _body(_call(reader, ids.ALERTS_LIST, {f"{ids.ALERTS_STATUS}.value": "all"}))
    assert "Not active：状态 已流失 ≠ 活跃" in page and "Not active：状态 从未交易 ≠ 活跃" in page
    assert "status lost" not in page and "alert.met" not in page
    audit = _call(reader, ids.AUDIT_GRID, {f"{ids.AUDIT_PAGE_SIZE}.value": 50})
    rows = audit.get_json()["response"][ids.AUDIT_GRID]["rowData"]
    deleted = [r for r in rows if r["object"] == f"规则 {rule_id}"]
    assert [r["action"] for r in deleted] == ["删除规则"]
    assert {r["action"] for r in rows} >= {"创建用户", "重新计算客户归属"}
    options = _call(reader, ids.AUDIT_ACTION, {f"{ids.URL}.pathname": "/audit"})
    labels = [o["label"] for o in options.get_json()["response"][ids.AUDIT_ACTION]["options"]]
    assert "删除规则" in labels and "rule.delete" not in labels


def test_the_audit_download_has_every_matching_entry_in_words(runtime, world,  # noqa: ANN001
                                                               signed_in) -> None:
    user_service.create_user(runtime, Actor.system("test"), {
        "username": "owner_zh", "role": "owner", "language": "zh",
        "password": PASSWORD.format(name="owner_zh")})
    with session_scope(runtime.engine, write=True) as s:
        for n in range(230):  # more than the largest page: the file has every entry
            s.add(AuditLog(username="bulk", action="rule.delete", object_type="rule",
                           object_id=str(n), outcome="ok", detail={"n": n}))
    reader = signed_in("owner_zh")
    answer = _call(reader, ids.AUDIT_DOWNLOAD, {f"{ids.AUDIT_USERNAME}.value": "bulk"},
                   clicked=(ids.AUDIT_EXPORT, "xlsx"))
    download = answer.get_json()["response"][ids.AUDIT_DOWNLOAD]["data"]
    assert download["filename"] == "audit-log.xlsx" and download["base64"] is True
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(download["content"]))).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][:6] == ["时间（UTC）", "用户", "操作", "对象", "对象编号", "结果"]
    assert len(cells) == 231 and {r[1] for r in cells[1:]} == {"bulk"}
    assert {r[2] for r in cells[1:]} == {"删除规则"} and {r[5] for r in cells[1:]} == {"已处理"}
    assert sorted(int(r[4]) for r in cells[1:]) == list(range(230))
    assert all(isinstance(r[0], dt.datetime) for r in cells[1:])
    english = _call(signed_in("owner"), ids.AUDIT_DOWNLOAD,
                    {f"{ids.AUDIT_USERNAME}.value": "bulk"}, clicked=(ids.AUDIT_EXPORT, "csv"))
    text = english.get_json()["response"][ids.AUDIT_DOWNLOAD]["data"]
    lines = base64.b64decode(text["content"]).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Time (UTC),User,Action,Object,Object id,Outcome")
    assert len(lines) == 231 and ",bulk,Rule deleted,rule," in lines[1]
    refused = _call(signed_in("rep_wang"), ids.AUDIT_DOWNLOAD,
                    {f"{ids.AUDIT_USERNAME}.value": "bulk"}, clicked=(ids.AUDIT_EXPORT, "csv"))
    assert "bulk" not in refused.get_data(as_text=True)
    with session_scope(runtime.engine) as s:
        exported = s.execute(select(AuditLog.username, AuditLog.detail).where(
            AuditLog.action == "export", AuditLog.object_type == "audit_log")
            .order_by(AuditLog.id)).all()
    assert [(u, d["rows"], d["format"]) for u, d in exported] == [
        ("owner_zh", 230, "xlsx"), ("owner", 230, "csv")]


def test_the_targets_buttons_download_the_report_in_the_users_language(  # noqa: ANN001
        runtime, world, signed_in) -> None:
    from dashboard.services import targets

    targets.set_target(runtime, world.manager("East"), "A", AS_OF, 1000)
    user_service.create_user(runtime, Actor.system("test"), {
        "username": "owner_zh", "role": "owner", "language": "zh",
        "password": PASSWORD.format(name="owner_zh")})
    reader = signed_in("owner_zh")
    answer = _call(reader, ids.TARGETS_DOWNLOADED, {f"{ids.TARGETS_QUERY}.data": {
        "as_of": AS_OF.isoformat()}}, clicked=(ids.TARGETS_EXPORT, "csv"))
    download = answer.get_json()["response"][ids.TARGETS_DOWNLOADED]["data"]
    assert download["filename"] == f"targets-{AS_OF.isoformat()}.csv"
    lines = base64.b64decode(download["content"]).decode("utf-8-sig").splitlines()
    assert lines[0] == "编号,客户,经手人,月份,目标,实际,目标完成率（%）,达成目标,本月截至今日"
    november = next(line for line in lines if line.startswith("A,") and ",2026-11," in line)
    assert november.endswith(",1000.00,200.00,20.0,否,是")
    workbook = _call(reader, ids.TARGETS_DOWNLOADED, {f"{ids.TARGETS_QUERY}.data": {
        "as_of": AS_OF.isoformat()}}, clicked=(ids.TARGETS_EXPORT, "xlsx"))
    data = workbook.get_json()["response"][ids.TARGETS_DOWNLOADED]["data"]
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(data["content"]))).active
    assert sheet["E1"].value == "目标" and sheet["E2"].data_type == "n"
