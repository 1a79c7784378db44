"""RELIABILITY-TESTS F.35: background callbacks never hand one user's result to another, a
job handle only works for the user it was issued to, and forged process ids kill nothing."""

from __future__ import annotations

import json
import re
import subprocess
import time

import pytest
from dash import Input, Output

from callbacks._runtime import current_actor
from tests.security.fixtures import Browser, callback_body

KEY = "test-bg-div.children"


@pytest.fixture
def bg_app(cockpit):  # noqa: ANN001, ANN201
    @cockpit.callback(Output("test-bg-div", "children"), Input("test-bg-input", "value"),
                      background=True, prevent_initial_call=True)
    def who_am_i(value):  # noqa: ANN001, ANN202
        actor = current_actor()  # in the job process: the actor of the starting request
        return f"{value}|{actor.username}|{actor.scope_key}"

    return cockpit


def _end_id(client: Browser) -> str:
    page = client.get("/").get_data(as_text=True)
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">'
                                  r'(.*?)</script>', page, re.S).group(1))
    return config["end_id"]


def _start(client: Browser, app, value: str, end_id: str) -> dict:  # noqa: ANN001
    body = callback_body(app, KEY, {"test-bg-input.value": value})
    response = client.post(f"/_dash-update-component?endId={end_id}", json=body,
                           headers={"X-CSRFToken": client.csrf})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"body": body, **response.get_json()}


def _poll(client: Browser, job: dict, end_id: str, *, timeout: float = 30) -> object:
    query = {"cacheKey": job["cacheKey"], "job": job["job"], "endId": end_id}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.post("/_dash-update-component", query_string=query, json=job["body"],
                               headers={"X-CSRFToken": client.csrf})
        if response.status_code != 200:
            return response.status_code
        payload = response.get_json()
        if payload.get("response"):
            return payload["response"]["test-bg-div"]["children"]
        time.sleep(0.05)
    raise AssertionError("background job did not finish")


def test_same_inputs_give_each_user_their_own_result(bg_app, signed_in, world) -> None:  # noqa: ANN001
    owner, rep = signed_in("owner"), signed_in("rep3")
    owner_end, rep_end = _end_id(owner), _end_id(rep)
    cross = 0
    for _ in range(5):
        jobs = [(owner, _start(owner, bg_app, "same", owner_end), owner_end, "owner|all"),
                (rep, _start(rep, bg_app, "same", rep_end), rep_end,
                 f"rep3|rep:{world.reps['REP3']}")]
        assert jobs[0][1]["cacheKey"] != jobs[1][1]["cacheKey"]
        for client, job, end_id, expected in jobs:
            result = _poll(client, job, end_id)
            cross += result != f"same|{expected}"
    assert cross == 0


def test_cache_keys_differ_for_50_identical_requests_of_each_user(bg_app, signed_in) -> None:  # noqa: ANN001
    from dash.background_callback.managers import BaseBackgroundCallbackManager

    manager = bg_app._background_manager  # noqa: SLF001
    keys: dict[str, set[str]] = {"owner": set(), "rep1": set()}
    for username in keys:
        client = signed_in(username)
        for _ in range(50):
            with bg_app.server.test_request_context():
                from flask import g

                from dashboard.auth import resolve_session
                from dashboard.web.context import current_runtime

                g.user = resolve_session(current_runtime(), client.session_token)
                keys[username].add(manager.build_cache_key(lambda x: x, ["same"], [], None))
    assert isinstance(manager, BaseBackgroundCallbackManager)
    # every request its own key (no result served from another request), never one user's
    # key for another
    assert len(keys["owner"]) == len(keys["rep1"]) == 50
    assert keys["owner"].isdisjoint(keys["rep1"])


def test_another_users_job_handle_is_refused(bg_app, signed_in, world) -> None:  # noqa: ANN001
    alice, bob = signed_in("rep1"), signed_in("rep3")
    alice_end = _end_id(alice)
    job = _start(alice, bg_app, "secret", alice_end)
    refused = 0
    for _ in range(20):
        status = _poll(bob, job, alice_end, timeout=2)
        refused += status == 403
    assert refused == 20
    assert _poll(alice, job, alice_end) == f"secret|rep1|rep:{world.reps['REP1']}"


def test_forged_process_ids_kill_nothing(bg_app, signed_in) -> None:  # noqa: ANN001
    victim = subprocess.Popen(["sleep", "300"])  # noqa: S603, S607
    try:
        client = signed_in("owner")
        end_id = _end_id(client)
        body = callback_body(bg_app, KEY, {"test-bg-input.value": "x"})
        pid = str(victim.pid)
        codes = []
        for param in ("oldJob", "cancelJob", "job"):
            for attempt in range(10):
                query = {param: pid if attempt % 2 else f"{pid}~{'0' * 64}", "endId": end_id}
                if param == "job":
                    query["cacheKey"] = "f" * 64
                response = client.post("/_dash-update-component", query_string=query,
                                       json=body, headers={"X-CSRFToken": client.csrf})
                codes.append(response.status_code)
        time.sleep(0.2)
        assert victim.poll() is None  # still running
        assert codes == [403] * 30
    finally:
        victim.kill()
        victim.wait()
