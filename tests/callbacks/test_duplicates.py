"""The duplicate customers page through the real endpoint: the pair list with its evidence,
Merge asked to confirm then done, Undo, "not a duplicate", a rep refused (audited), the page
and its navbar entry for owners and managers only, in English and Chinese."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest
from dash import dcc
from sqlalchemy import select, update

from dashboard import passwords
from dashboard.db import session_scope
from dashboard.filters import DUPLICATES_PATH
from dashboard.models import AuditLog, Customer, DuplicateDecision, Order, User
from dashboard.scope import Actor
from dashboard.services import users as user_service
from layouts import ids
from tests.dashboard.services.recompute_world import build
from tests.security.fixtures import (
    Browser,
    callback_body,
    cheap_hasher,
    find_callback,
    side_message,
)

PASSWORD = "correct horse battery staple {name}"
USERS = {"owner": ("owner", {}), "manager_east": ("manager", {"team": "East"}),
         "rep_wang": ("rep", {"rep": "Wang"})}


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
        a, b = s.get(Customer, built.customers["A"]), s.get(Customer, built.customers["B"])
        a.name, a.phone = "宁波鑫隆五金商行", "10012345678"
        b.name, b.phone = "宁波鑫隆五金", "10012345678"
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


def _post(client: Browser, key: str, body: dict[str, Any]):  # noqa: ANN202
    return client.post("/_dash-update-component", json={**body, "output": key},
                       headers={"X-CSRFToken": client.csrf})


def _list(client: Browser):  # noqa: ANN202
    key = find_callback(client.app, ids.DUPLICATES_LIST)
    return _post(client, key, callback_body(client.app, key, {
        f"{ids.DUPLICATES_REFRESH}.data": 0}))


def _click(client: Browser, pick: Any):  # noqa: ANN202
    """A button clicked: assets/clicked.js writes its data-duplicate into the store."""
    key = find_callback(client.app, ids.DUPLICATES_CONFIRM_TEXT)
    return _post(client, key, callback_body(client.app, key, {
        f"{ids.DUPLICATES_CLICKED}.data": {"pick": pick, "n": 1}}))


def _confirm(client: Browser, target: dict[str, Any]):  # noqa: ANN202
    key = find_callback(client.app, ids.DUPLICATES_RESULT)
    return _post(client, key, callback_body(client.app, key, {
        f"{ids.DUPLICATES_CONFIRM_YES}.n_clicks": 1,
        f"{ids.DUPLICATES_CONFIRM_TARGET}.data": target, f"{ids.DUPLICATES_REFRESH}.data": 3}))


def _orders(runtime, customer_id: int) -> int:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        return len(s.execute(select(Order.id).where(Order.customer_id == customer_id)).all())


def test_merge_confirm_and_undo_through_the_page(runtime, world, signed_in) -> None:  # noqa: ANN001
    a, b = world.customers["A"], world.customers["B"]
    manager = signed_in("manager_east")
    listed = json.dumps(_list(manager).get_json()["response"], ensure_ascii=False)
    assert "宁波鑫隆五金商行" in listed and "宁波鑫隆五金" in listed
    assert "same phone" in listed and "Score 98" in listed and "1 candidate pair" in listed
    asked = _click(manager, f"merge:{a}:{b}:98.0").get_json()["response"]
    assert asked[ids.DUPLICATES_CONFIRM]["is_open"] is True
    target = asked[ids.DUPLICATES_CONFIRM_TARGET]["data"]
    assert target == {"action": "merge", "keep": a, "drop": b, "score": 98.0}
    assert _orders(runtime, b) == 6  # nothing happens before Confirm
    done = _confirm(manager, target).get_json()["response"]
    assert done[ids.DUPLICATES_REFRESH]["data"] == 4
    assert "Customers merged" in done[ids.DUPLICATES_RESULT]["children"]
    assert (_orders(runtime, a), _orders(runtime, b)) == (12, 0)
    after = json.dumps(_list(manager).get_json()["response"], ensure_ascii=False)
    assert "No duplicate candidates" in after and "Undo" in after
    with session_scope(runtime.engine) as s:
        decision = s.execute(select(DuplicateDecision.id)).scalar_one()
    undo = _click(manager, f"undo:{decision}").get_json()["response"]
    _confirm(manager, undo[ids.DUPLICATES_CONFIRM_TARGET]["data"])
    assert (_orders(runtime, a), _orders(runtime, b)) == (6, 6)


def test_not_a_duplicate_and_chinese(runtime, world, signed_in) -> None:  # noqa: ANN001
    a, b = world.customers["A"], world.customers["B"]
    with session_scope(runtime.engine, write=True) as s:
        s.execute(update(User).where(User.username == "owner").values(language="zh"))
    owner = signed_in("owner")
    listed = json.dumps(_list(owner).get_json()["response"], ensure_ascii=False)
    assert "电话相同" in listed and "评分 98" in listed and "不是重复" in listed
    asked = _click(owner, f"distinct:{a}:{b}:98.0").get_json()["response"]
    assert "不同客户" in asked[ids.DUPLICATES_CONFIRM_TEXT]["children"]
    _confirm(owner, asked[ids.DUPLICATES_CONFIRM_TARGET]["data"])
    with session_scope(runtime.engine) as s:
        assert s.execute(select(DuplicateDecision.decision)).scalar_one() == "distinct"
    assert "没有疑似重复的客户" in json.dumps(_list(owner).get_json()["response"],
                                            ensure_ascii=False)


def test_a_rep_is_refused_and_sees_no_entry(runtime, world, signed_in) -> None:  # noqa: ANN001
    rep = signed_in("rep_wang")
    assert f'"href": "{DUPLICATES_PATH}"' not in json.dumps(rep.get("/_dash-layout").get_json())
    refused = _list(rep)
    assert refused.get_json()["response"] == {}  # nothing of the page is sent
    assert side_message(refused) == "You do not have access to this."
    with session_scope(runtime.engine) as s:
        assert s.execute(select(AuditLog.username).where(
            AuditLog.action == "access_denied", AuditLog.object_id == "duplicates")
        ).scalars().all() == ["rep_wang"]
    page = rep.get(DUPLICATES_PATH).get_data(as_text=True)
    assert page  # the shell; the page's own layout explains the refusal
    manager = signed_in("manager_east")
    assert f'"href": "{DUPLICATES_PATH}"' in json.dumps(manager.get("/_dash-layout").get_json())


def test_a_merge_is_undone_from_the_audit_log(runtime, world, signed_in) -> None:  # noqa: ANN001
    a, b = world.customers["A"], world.customers["B"]
    owner = signed_in("owner")
    _confirm(owner, {"action": "merge", "keep": a, "drop": b, "score": 98.0})
    assert _orders(runtime, b) == 0
    with session_scope(runtime.engine) as s:
        decision = s.execute(select(DuplicateDecision.id)).scalar_one()
    key = find_callback(owner.app, ids.AUDIT_GRID)
    rows = _post(owner, key, callback_body(owner.app, key, {
        f"{ids.AUDIT_PAGER}.active_page": 1, f"{ids.AUDIT_PAGE_SIZE}.value": 50,
        f"{ids.AUDIT_ACTION}.value": "customer.merge"})).get_json()["response"]
    shown = rows[ids.AUDIT_GRID]["rowData"]
    assert [r["undo"] for r in shown] == [decision]  # the merge's row has the button
    key = find_callback(owner.app, ids.AUDIT_UNDO_TEXT)
    asked = _post(owner, key, callback_body(owner.app, key, {
        f"{ids.AUDIT_GRID}.cellRendererData": {"value": {"decision": decision}}})
    ).get_json()["response"]
    assert asked[ids.AUDIT_UNDO_MODAL]["is_open"] is True and _orders(runtime, b) == 0
    key = find_callback(owner.app, ids.AUDIT_RESULT)
    done = _post(owner, key, callback_body(owner.app, key, {
        f"{ids.AUDIT_UNDO_YES}.n_clicks": 1, f"{ids.AUDIT_UNDO_TARGET}.data": decision,
        f"{ids.AUDIT_REFRESH}.data": 0})).get_json()["response"]
    assert "Merge undone" in done[ids.AUDIT_RESULT]["children"]
    assert (_orders(runtime, a), _orders(runtime, b)) == (6, 6)
    again = _post(owner, key, callback_body(owner.app, key, {
        f"{ids.AUDIT_UNDO_YES}.n_clicks": 2, f"{ids.AUDIT_UNDO_TARGET}.data": decision,
        f"{ids.AUDIT_REFRESH}.data": 1})).get_json()["response"]
    assert again[ids.AUDIT_RESULT]["color"] == "warning"  # undone already: said, not raised


@pytest.mark.parametrize("clicked, expected", [
    ({"pick": "merge:12:34:98.0", "n": 1}, {"action": "merge", "keep": 12, "drop": 34,
                                            "score": 98.0}),
    ({"pick": "distinct:3:4:100.0"}, {"action": "distinct", "a": 3, "b": 4, "score": 100.0}),
    ({"pick": "undo:7"}, {"action": "undo", "decision": 7}),
    ({"pick": "merge:12:34"}, None), ({"pick": "undo:-1"}, None),
    ({"pick": "merge:1:2:3.0;drop"}, None), ({"pick": "undo:" + "9" * 19}, None),
    ({"pick": ["undo:7"]}, None), ({"pick": None}, None), ("undo:7", None), (None, None),
])
def test_a_click_reads_only_what_a_button_can_say(cockpit, clicked, expected) -> None:  # noqa: ANN001
    """The store is written in the browser, so anything else is nothing to confirm; the
    service still checks the customers at Confirm."""
    from callbacks.duplicates import read_pick

    assert read_pick(clicked) == expected


def test_a_forged_click_opens_nothing(runtime, world, signed_in) -> None:  # noqa: ANN001
    answer = _click(signed_in("owner"), "merge:1:2:98.0 OR 1=1")
    assert answer.status_code in (200, 204)
    body = answer.get_data(as_text=True)
    assert "is_open" not in body and "Traceback" not in body


def test_every_mark_in_a_value_is_literal(cockpit) -> None:  # noqa: ANN001
    """A card's facts are one Markdown table, every value escaped and no HTML allowed (the
    page module needs the app: ``cockpit``)."""
    from layouts.duplicates import _details, _markdown_text

    assert _markdown_text("<b>|x|</b> *A* [l](j:x) _u_ `c` \\") == (
        "\\<b\\>\\|x\\|\\</b\\> \\*A\\* \\[l\\]\\(j:x\\) \\_u\\_ \\`c\\` \\\\")
    assert _markdown_text("line\none\ttab") == "line one tab"  # one table row
    assert _markdown_text("") == "–"
    details = _details([("Phone", "<img src=x onerror=alert(1)>"), ("E-mail", "a|b")])
    assert isinstance(details, dcc.Markdown)
    assert not getattr(details, "dangerously_allow_html", False)  # the default: no HTML
    assert details.children.splitlines() == [
        "| | |", "|---|---|", "| Phone | \\<img src=x onerror=alert\\(1\\)\\> |",
        "| E\\-mail | a\\|b |"]


def _count(component) -> int:  # noqa: ANN001
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        return 1 + sum(_count(c) for c in children if hasattr(c, "to_plotly_json"))
    return 1 + (_count(children) if hasattr(children, "to_plotly_json") else 0)


def test_a_pair_is_few_components(cockpit) -> None:  # noqa: ANN001
    from layouts.duplicates import _pair

    cards = pd.DataFrame({
        "id": [1, 2], "code": ["C1", "C2"], "name": ["宁波鑫隆五金商行", "宁波鑫隆五金"],
        "phone": ["138", "138"], "email": [float("nan"), None], "region": ["East", "East"],
        "account_manager": ["Wang", "Wang"], "orders": [6, 6], "revenue": [10.0, 20.0],
        "last_order": [pd.Timestamp("2026-11-01"), None]}).set_index("id")
    pair = {"customer_a": 1, "customer_b": 2, "score": 98.0, "name_score": 92.0,
            "same_phone": True, "same_email": False}
    drawn = _pair(pair, cards, "CNY")
    assert "duplicate-pair" in drawn.className
    facts = [c.children for c in drawn.children.children if "duplicate-card" in
             str(getattr(c, "className", ""))]
    facts = [next(x for x in f if isinstance(x, dcc.Markdown)).children for f in facts]
    assert "| E\\-mail | – |" in facts[0] and "| E\\-mail | – |" in facts[1]  # never "nan"
    assert "| Last order | – |" in facts[1]
    assert _count(drawn) <= 24  # 54 before: see docs/decisions.md 229
    buttons = [b for b in drawn.children.children[3].children.children]
    assert [b._namespace for b in buttons] == ["dash_html_components"] * 3
    assert [getattr(b, "data-duplicate") for b in buttons] == [
        "merge:1:2:98.0", "merge:2:1:98.0", "distinct:1:2:98.0"]
