"""RELIABILITY-TESTS B.12 on the campaign pages, through the real callback endpoint with the
world of ``fixtures.py`` (4 reps with 12 sentinel customers each): forged selection tokens,
forged lists and filters, another user's intent key, extra pattern-matching ``customer-cb``
inputs and changed ``outputs`` / ``changedPropIds`` — 40 attempts by rep 1 create no outbox
row for a customer who is not theirs, and the send job refuses another user's campaign. Also
the role × callback matrix (B.10) for the campaign callbacks: no response carries a sentinel
its caller may not see."""

from __future__ import annotations

import json
import re
import time

from sqlalchemy import func, select

from dashboard.db import session_scope
from dashboard.messaging.coupons import CouponTerms
from dashboard.models import AuditLog, Outbox
from dashboard.scope import Actor
from dashboard.services import campaign_drafts as drafts
from dashboard.services import campaigns, selections
from layouts import ids
from tests.security.fixtures import _outputs, callback_body, find_callback
from tests.security.policy import ROLES

TERMS = CouponTerms("value", 20, 0, 14, "B12-{random}", "B12")


def _actor(world, username: str) -> Actor:  # noqa: ANN001
    info = world.users[username]
    return Actor(user_id=info["id"], username=username, role=info["role"],
                 team_id=world.teams.get(info["team"]) if info["team"] else None,
                 rep_id=world.reps.get(info["rep"]) if info["rep"] else None)


def _post(client, body: dict):  # noqa: ANN001, ANN202
    return client.post("/_dash-update-component", json=body,
                       headers={"X-CSRFToken": client.csrf})


def _preview_body(app, query: dict, list_value: str, coupon: int, intent=None) -> dict:  # noqa: ANN001
    key = find_callback(app, ids.CAMPAIGN_NEW_PREVIEW_BODY)
    body = callback_body(app, key, {
        f"{ids.CAMPAIGN_NEW_PREVIEW}.n_clicks": 1, f"{ids.CAMPAIGN_NEW_LIST}.value": list_value,
        f"{ids.CAMPAIGN_NEW_COUPON}.value": str(coupon),
        f"{ids.CAMPAIGN_NEW_CHANNEL}.value": "log", f"{ids.CAMPAIGN_NEW_LANGUAGE}.value": "en",
        f"{ids.CAMPAIGN_NEW_TEMPLATE}.value": "", f"{ids.CAMPAIGN_NEW_HOLDOUT}.value": 0,
        f"{ids.CAMPAIGN_NEW_QUERY}.data": query, f"{ids.CAMPAIGN_NEW_INTENT}.data": intent})
    body["changedPropIds"] = [f"{ids.CAMPAIGN_NEW_PREVIEW}.n_clicks"]
    return body


def _send_body(app, intent: str) -> dict:  # noqa: ANN001
    return callback_body(app, find_callback(app, ids.CAMPAIGN_NEW_QUEUED), {
        f"{ids.CAMPAIGN_NEW_SEND}.n_clicks": 1, f"{ids.CAMPAIGN_NEW_INTENT}.data": intent})


def _forged_boxes(world, rep: str, count: int) -> list[dict]:  # noqa: ANN001
    return [{"id": {"type": "customer-cb", "index": cid}, "property": "value", "value": True}
            for cid in world.customer_ids(rep)[:count]]


def _outbox_customers(runtime) -> set[int]:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        return set(session.execute(select(Outbox.customer_id)).scalars())


def test_forty_forged_campaign_requests_reach_no_other_customer(runtime, world,  # noqa: ANN001
                                                                signed_in) -> None:
    coupon = campaigns.create_coupon(runtime, Actor.system("test"), TERMS)
    rep1, rep3 = signed_in("rep1"), signed_in("rep3")
    app = rep1.app
    theirs = selections.store_selection(runtime, _actor(world, "rep3"),
                                        world.customer_ids("REP3"))
    their_draft = drafts.preview(runtime, _actor(world, "rep3"), drafts.CampaignForm(
        token=theirs, coupon_id=coupon, channel="log")).intent_key
    own = _post(rep1, _preview_body(app, {}, "status=never", coupon)).get_json()
    own_intent = own["response"][ids.CAMPAIGN_NEW_INTENT]["data"]
    statuses: list[int] = []
    bodies = []
    for _n in range(10):  # another rep's selection token (with a forged list beside it)
        bodies.append(_preview_body(app, {"selection": theirs}, "status=never", coupon))
    for n in range(10):  # forged filters and lists, extra pattern-matching inputs
        body = _preview_body(app, {"manager": str(world.reps["REP3"]), "region": "x"},
                             ["status=never", "tier=D", "scheme=1&band=1", "new=1"][n % 4],
                             coupon)
        if n % 2:  # appended: Dash refuses the body
            body["inputs"] += _forged_boxes(world, "REP3", 3)
        else:  # in place of the list: the page gets a value that is not a list's name
            body["inputs"][1] = _forged_boxes(world, "REP3", 1)[0]
        bodies.append(body)
    for n in range(10):  # another user's intent key (a draft of rep 3's customers)
        body = _send_body(app, their_draft)
        if n % 2:
            body["changedPropIds"] = [f"{ids.CAMPAIGN_NEW_SEND}.n_clicks",
                                      '{"index":1,"type":"customer-cb"}.value']
        bodies.append(body)
    for n in range(10):  # one's own key with rep 3's customers ticked and outputs changed
        body = _send_body(app, own_intent)
        if n % 2:
            body["inputs"] += _forged_boxes(world, "REP3", 12)
        else:
            body["outputs"] = body["outputs"][:2]
            body["state"][0] = _forged_boxes(world, "REP3", 1)[0] | {"value": their_draft}
        bodies.append(body)
    assert len(bodies) == 40
    for body in bodies:
        response = _post(rep1, body)
        statuses.append(response.status_code)
        text = response.get_data(as_text=True)
        assert not any(s in text for s in world.sentinels("REP3")), text[:300]
        assert "Traceback" not in text and ".py" not in text
    # a body whose inputs or outputs do not match the callback's declaration (another
    # component's entry in place of an input, inputs appended, outputs cut) is refused before
    # Dash dispatches it (400, audited); every other forgery reaches the page and is refused
    # there.
    assert statuses[:30] == [200] * 10 + [400] * 10 + [200] * 10
    assert statuses[30:] == [400] * 10
    reached = _outbox_customers(runtime)
    assert reached <= set(world.customer_ids("REP1"))  # rep 1's own campaign at most
    assert reached.isdisjoint(world.customer_ids("REP3"))
    with session_scope(runtime.engine) as session:
        denied = session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.username == "rep1", AuditLog.outcome == "denied")).scalar_one()
    assert denied >= 20  # every use of rep 3's token and key is refused and audited
    assert rep3.get("/").status_code == 200


def _end_id(client) -> str:  # noqa: ANN001
    page = client.get("/campaigns/new").get_data(as_text=True)
    return json.loads(re.search(r'<script id="_dash-config" type="application/json">'
                                r'(.*?)</script>', page, re.S).group(1))["end_id"]


def test_the_send_job_refuses_another_users_campaign(runtime, world, signed_in) -> None:  # noqa: ANN001
    coupon = campaigns.create_coupon(runtime, Actor.system("test"), TERMS)
    queued = campaigns.queue_campaign(runtime, _actor(world, "rep3"), "intent-rep3-b12-0001",
                                      world.customer_ids("REP3"), coupon, "log")
    rep1 = signed_in("rep1")
    key = next(k for k in rep1.app.callback_map if ids.CAMPAIGN_NEW_SENT in k)
    end_id = _end_id(rep1)
    body = callback_body(rep1.app, key, {f"{ids.CAMPAIGN_NEW_QUEUED}.data": {
        "campaign_id": queued.campaign_id, "language": "en"}})
    job = _post_job(rep1, body, end_id)
    payload = _poll(rep1, body, job, end_id)
    assert "You do not have access to this." in json.dumps(payload)
    with session_scope(runtime.engine) as session:
        states = set(session.execute(select(Outbox.status)).scalars())
    assert states == {"pending"}  # nothing was sent
    assert not (runtime.settings.data_dir / "outbox.log").exists()


def _post_job(client, body: dict, end_id: str) -> dict:  # noqa: ANN001
    started = client.post(f"/_dash-update-component?endId={end_id}", json=body,
                          headers={"X-CSRFToken": client.csrf})
    assert started.status_code == 200
    return started.get_json()


def _poll(client, body: dict, job: dict, end_id: str) -> dict:  # noqa: ANN001
    query = {"cacheKey": job["cacheKey"], "job": job["job"], "endId": end_id}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = client.post("/_dash-update-component", query_string=query, json=body,
                             headers={"X-CSRFToken": client.csrf})
        payload = answer.get_json()
        if payload.get("response") or payload.get("sideUpdate"):
            return payload
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


def test_campaign_callbacks_by_role(runtime, world, signed_in) -> None:  # noqa: ANN001
    """B.10 for the campaign pages: each role calls each callback with empty inputs and with
    a campaign of every rep; no answer carries a sentinel the caller may not see."""
    coupon = campaigns.create_coupon(runtime, Actor.system("test"), TERMS)
    campaign_ids = [campaigns.queue_campaign(
        runtime, _actor(world, f"rep{n}"), f"intent-matrix-rep{n}", world.customer_ids(
            f"REP{n}"), coupon, "log").campaign_id for n in range(1, 5)]
    browsers = {role: signed_in(role) for role in ROLES}
    app = browsers["owner"].app
    keys = [k for k, spec in app.callback_map.items() if "callback" in spec
            and str(_outputs(k)[0][0][0]).startswith("campaign")
            and spec.get("background") is None]
    assert len(keys) >= 10
    checked = 0
    for role, client in browsers.items():
        hidden = world.all_sentinels() - world.visible_sentinels(role)
        for key in keys:
            values = [{}] + [{f"{ids.CAMPAIGN_QUERY}.data": {"id": str(c)}} for c in
                             campaign_ids]
            for value in values:
                response = client.callback(key, value)
                # a customer's own sign-in runs no campaign callback (customer_gate: 403)
                expected = (403,) if world.users[role]["role"] == "customer" else (200, 204)
                assert response.status_code in expected, (role, key)
                text = response.get_data(as_text=True)
                assert not any(s in text for s in hidden), (role, key)
                checked += 1
    assert checked == len(keys) * len(ROLES) * 5
