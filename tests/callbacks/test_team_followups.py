"""The Team and Follow-ups pages' callbacks through the real endpoint: each role gets its own
rows, a follow-up assigned from the address's customer and marked done, a rep refused a
reassignment (the page says so), no traceback."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dashboard import passwords
from dashboard.scope import Actor
from dashboard.services import users as user_service
from layouts import ids
from tests.dashboard.services.recompute_world import AS_OF, build
from tests.security.fixtures import Browser, callback_body, cheap_hasher, find_callback

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
    return built


@pytest.fixture
def signed_in(runtime, world):  # noqa: ANN001, ANN201
    from app import create_app

    app = create_app(runtime.settings, runtime)

    def make(username: str) -> Browser:
        client = Browser(app)
        assert client.login(username, PASSWORD.format(name=username)).status_code == 303
        return client

    return make


def _call(client: Browser, output_id: str, values: dict[str, Any] | None = None,
          changed: str | None = None) -> dict[str, Any]:
    key = find_callback(client.app, output_id)
    if changed:  # the callback that the changed input triggers (two write the message)
        key = next(k for k, spec in client.app.callback_map.items() if output_id in k and any(
            f"{d['id']}.{d['property']}" == changed for d in spec["inputs"]))
    body = callback_body(client.app, key, values)
    if changed:
        body["changedPropIds"] = [changed]
    answer = client.post("/_dash-update-component", json=body,
                         headers={"X-CSRFToken": client.csrf})
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_json()["response"]


def test_each_role_gets_its_team_rows(world, signed_in) -> None:  # noqa: ANN001
    query = {f"{ids.TEAM_PAGE_QUERY}.data": {"as_of": AS_OF.isoformat()}}
    seen = {}
    for user in USERS:
        out = _call(signed_in(user), ids.TEAM_PAGE_TABLE, query)
        seen[user] = json.dumps(out[ids.TEAM_PAGE_TABLE], ensure_ascii=False)
    assert all(f'"{n}"' in seen["owner"] for n in ("Wang", "Li", "Zhao"))
    assert '"Wang"' in seen["manager_east"] and '"Zhao"' not in seen["manager_east"]
    assert '"Wang"' in seen["rep_wang"] and '"Li"' not in seen["rep_wang"]


def test_assign_and_close_through_the_page(world, signed_in) -> None:  # noqa: ANN001
    manager = signed_in("manager_east")
    form = {f"{ids.FOLLOWUPS_QUERY}.data": {"customer": "A"},
            f"{ids.FOLLOWUPS_KIND}.value": "visit",
            f"{ids.FOLLOWUPS_DUE}.value": AS_OF.isoformat(),
            f"{ids.FOLLOWUPS_NOTE}.value": "Samples",
            f"{ids.FOLLOWUPS_ASSIGNEE}.value": "each", f"{ids.FOLLOWUPS_ASSIGN}.n_clicks": 1}
    shown = _call(manager, ids.FOLLOWUPS_ASSIGN_CARD,
                  {f"{ids.FOLLOWUPS_QUERY}.data": {"customer": "A"}})
    assert shown[ids.FOLLOWUPS_ASSIGN_CARD]["hidden"] is False
    out = _call(manager, ids.FOLLOWUPS_RESULT, form, f"{ids.FOLLOWUPS_ASSIGN}.n_clicks")
    assert out[ids.FOLLOWUPS_RESULT]["children"] == "Assigned 1 follow-up."
    foreign = _call(manager, ids.FOLLOWUPS_RESULT,
                    {**form, f"{ids.FOLLOWUPS_QUERY}.data": {"customer": "Z"}},
                    f"{ids.FOLLOWUPS_ASSIGN}.n_clicks")
    assert foreign[ids.FOLLOWUPS_RESULT]["color"] == "danger"
    rep = signed_in("rep_wang")
    listed = _call(rep, ids.FOLLOWUPS_GRID, {f"{ids.FOLLOWUPS_STATE}.value": "open"})
    rows = listed[ids.FOLLOWUPS_GRID]["rowData"]
    assert [r["note"] for r in rows] == ["Samples"]
    assert "d-none" in listed[ids.FOLLOWUPS_REASSIGN_GROUP]["className"]
    picked = {f"{ids.FOLLOWUPS_GRID}.selectedRows": rows}
    refused = _call(rep, ids.FOLLOWUPS_RESULT,
                    {**picked, f"{ids.FOLLOWUPS_REASSIGN_TO}.value": world.reps["Li"],
                     f"{ids.FOLLOWUPS_REASSIGN}.n_clicks": 1},
                    f"{ids.FOLLOWUPS_REASSIGN}.n_clicks")
    assert refused[ids.FOLLOWUPS_RESULT]["color"] == "danger"
    done = _call(rep, ids.FOLLOWUPS_RESULT, {**picked, f"{ids.FOLLOWUPS_DONE}.n_clicks": 1},
                 f"{ids.FOLLOWUPS_DONE}.n_clicks")
    assert done[ids.FOLLOWUPS_RESULT]["children"] == "Saved."
    assert _call(rep, ids.FOLLOWUPS_GRID, {f"{ids.FOLLOWUPS_STATE}.value": "open"})[
        ids.FOLLOWUPS_GRID]["rowData"] == []
