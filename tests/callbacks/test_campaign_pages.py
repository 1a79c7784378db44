"""The campaign pages' callbacks through the real endpoint, on the hand-worked distributor of
``cockpit_world`` (as of 22 Nov 2026: Alpha, Delta, Foxtrot active; Epsilon churning; Beta
lost; Gamma never traded; Wang's team East has Alpha, Delta, Foxtrot, Zhao's team West the
others): the lists offered with their counts, the message check in both languages, the
preview, sending once under the intent key ("already submitted" on a replay), the background
send with its progress, the results, the CSV file and the decisions."""

from __future__ import annotations

import csv
import io
import json
import re
import time

import openpyxl
import pytest
from sqlalchemy import func, select, update

from dashboard.db import data_identity, session_scope
from dashboard.errors import ValidationError
from dashboard.messaging.channels import idempotency_key
from dashboard.messaging.coupons import CouponTerms
from dashboard.models import AuditLog, Campaign, Customer, Outbox, User
from dashboard.scope import Actor
from dashboard.services import campaign_pages as pages
from dashboard.services import campaigns, selections
from layouts import ids
from tests.security.fixtures import callback_body, find_callback, side_message

TERMS = CouponTerms("value", 50, 500, 30, "SPRING-{random}", "Spring")


def _text(response) -> str:  # noqa: ANN001
    return json.dumps(response.get_json(), ensure_ascii=False)


def _key(app, output_id: str) -> str:  # noqa: ANN001
    return find_callback(app, output_id)


@pytest.fixture
def coupon(runtime, world) -> int:  # noqa: ANN001
    return campaigns.create_coupon(runtime, Actor.system("test"), TERMS)


def _user(runtime, username: str) -> Actor:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        row = session.execute(select(User).where(User.username == username)).scalar_one()
        return Actor(user_id=row.id, username=row.username, role=row.role,
                     team_id=row.team_id, rep_id=row.rep_id)


def _page(client, query: dict):  # noqa: ANN001, ANN202
    return client.callback(_key(client.app, ids.CAMPAIGN_NEW_SOURCE),
                           {f"{ids.CAMPAIGN_NEW_QUERY}.data": query})


def _preview(client, query: dict, *, list_value: str = "", coupon: object = None,  # noqa: ANN001, ANN202
             channel: str = "log", language: str = "en", template: str = "",
             holdout: object = 0, name: str = "", intent: str | None = None):
    values = {f"{ids.CAMPAIGN_NEW_PREVIEW}.n_clicks": 1,
              f"{ids.CAMPAIGN_NEW_LIST}.value": list_value,
              f"{ids.CAMPAIGN_NEW_COUPON}.value": None if coupon is None else str(coupon),
              f"{ids.CAMPAIGN_NEW_CHANNEL}.value": channel,
              f"{ids.CAMPAIGN_NEW_LANGUAGE}.value": language,
              f"{ids.CAMPAIGN_NEW_TEMPLATE}.value": template,
              f"{ids.CAMPAIGN_NEW_HOLDOUT}.value": holdout,
              f"{ids.CAMPAIGN_NEW_NAME}.value": name,
              f"{ids.CAMPAIGN_NEW_QUERY}.data": query,
              f"{ids.CAMPAIGN_NEW_INTENT}.data": intent}
    body = callback_body(client.app, _key(client.app, ids.CAMPAIGN_NEW_PREVIEW_BODY), values)
    body["changedPropIds"] = [f"{ids.CAMPAIGN_NEW_PREVIEW}.n_clicks"]
    return client.post("/_dash-update-component", json=body,
                       headers={"X-CSRFToken": client.csrf})


def _send(client, intent: str | None, queued: object = None):  # noqa: ANN001, ANN202
    return client.callback(_key(client.app, ids.CAMPAIGN_NEW_QUEUED), {
        f"{ids.CAMPAIGN_NEW_SEND}.n_clicks": 1, f"{ids.CAMPAIGN_NEW_INTENT}.data": intent,
        f"{ids.CAMPAIGN_NEW_QUEUED}.data": queued})


def _trigger(client, key: str, changed: str, values: dict):  # noqa: ANN001, ANN202
    body = callback_body(client.app, key, values)
    body["changedPropIds"] = [changed]
    return client.post("/_dash-update-component", json=body,
                       headers={"X-CSRFToken": client.csrf})


def _outbox(runtime) -> list[tuple[int, int, str]]:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        return [tuple(r) for r in session.execute(select(
            Outbox.campaign_id, Outbox.customer_id, Outbox.status).order_by(Outbox.id))]


# --- the page and its lists --------------------------------------------------------------------


def test_the_page_offers_each_list_with_its_count(world, signed_in, coupon) -> None:  # noqa: ANN001
    response = _page(signed_in("owner"), {})
    assert response.status_code == 200
    out = response.get_json()["response"]
    labels = {o["value"]: o["label"] for o in out[ids.CAMPAIGN_NEW_LIST]["options"]}
    assert labels["status=active"] == "Status: Active · 3 customers"
    assert labels["status=churning"] == "Status: Churning · 1 customer"
    assert labels["status=never"] == "Status: Never traded · 1 customer"
    assert labels["new=1"] == "Status: New this period · 1 customer"
    assert labels["tier=D"] == "Tier: D · 3 customers"
    assert labels["move=down"] == "Tier movement: Moved down · 1 customer"
    assert labels["mover=revenue_surge"].endswith("· 1 customer")
    assert out[ids.CAMPAIGN_NEW_LIST_FIELD]["hidden"] is False
    coupons = out[ids.CAMPAIGN_NEW_COUPON]["options"]
    assert coupons[0]["value"] == str(coupon)
    assert "CN¥50 off an order of CN¥500 or more" in coupons[0]["label"]
    channels = {o["value"]: o.get("disabled") for o in out[ids.CAMPAIGN_NEW_CHANNEL]["options"]}
    assert channels == {"sms": True, "email": True, "log": False}
    assert out[ids.CAMPAIGN_NEW_CHANNEL]["value"] == "log"
    assert out[ids.CAMPAIGN_NEW_COUPON_TOGGLE]["className"] == "px-0"  # owners create coupons


def test_a_rep_is_offered_only_their_own_customers(world, signed_in, coupon) -> None:  # noqa: ANN001
    out = _page(signed_in("rep_zhao"), {"region": "East"}).get_json()["response"]
    labels = {o["value"]: o["label"] for o in out[ids.CAMPAIGN_NEW_LIST]["options"]}
    assert labels["status=active"] == "Status: Active · 0 customers"  # Wang's region: not theirs
    out = _page(signed_in("rep_zhao"), {}).get_json()["response"]
    labels = {o["value"]: o["label"] for o in out[ids.CAMPAIGN_NEW_LIST]["options"]}
    assert labels["status=churning"].endswith("1 customer")
    assert labels["status=active"].endswith("0 customers")
    assert "d-none" in out[ids.CAMPAIGN_NEW_COUPON_TOGGLE]["className"]  # reps do not


def test_a_stored_selection_is_shown_and_another_users_is_refused(runtime, world, signed_in,  # noqa: ANN001
                                                                  coupon) -> None:
    owner = _user(runtime, "owner")
    token = selections.store_selection(runtime, owner, [world.customers["E"]],
                                       source="customer")
    out = _page(signed_in("owner"), {"selection": token}).get_json()["response"]
    assert "One customer: Epsilon" in json.dumps(out[ids.CAMPAIGN_NEW_SOURCE])
    assert out[ids.CAMPAIGN_NEW_LIST_FIELD]["hidden"] is True
    refused = _page(signed_in("manager_east"), {"selection": token})
    body = _text(refused)
    assert refused.status_code == 200 and "Epsilon" not in body
    assert "cannot be used" in body
    with session_scope(runtime.engine) as session:
        assert session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.username == "manager_east", AuditLog.outcome == "denied")).scalar_one() == 1


# --- checking, previewing ----------------------------------------------------------------------


def _check(client, language: str, template: str) -> str:  # noqa: ANN001
    key = _key(client.app, ids.CAMPAIGN_NEW_TEMPLATE_CHECK)
    body = callback_body(client.app, key, {f"{ids.CAMPAIGN_NEW_LANGUAGE}.value": language,
                                           f"{ids.CAMPAIGN_NEW_TEMPLATE}.value": template})
    body["changedPropIds"] = [f"{ids.CAMPAIGN_NEW_TEMPLATE}.value"]
    response = client.post("/_dash-update-component", json=body,
                           headers={"X-CSRFToken": client.csrf})
    return _text(response)


def test_the_message_is_checked_as_it_is_typed_in_both_languages(runtime, world,  # noqa: ANN001
                                                                 signed_in) -> None:
    owner = signed_in("owner")
    text = _check(owner, "en", "Hello {nam}, your code")
    assert "Unknown placeholder {nam}: use only {name} {tier} {code} {expiry} {value}." in text
    assert "The message must contain {code}" in text
    assert "Unknown placeholder" not in _check(owner, "en", "Hi {name}: {code}")
    with session_scope(runtime.engine, write=True) as session:
        session.execute(update(User).where(User.username == "owner").values(language="zh"))
    chinese = _check(owner, "zh", "您好 {nam}")
    assert "未知的占位符 {nam}" in chinese and "{code}" in chinese


def test_preview_of_a_list_shows_messages_and_who_cannot_be_reached(runtime, world, signed_in,  # noqa: ANN001
                                                                    coupon) -> None:
    with session_scope(runtime.engine, write=True) as session:
        session.execute(update(Customer).where(Customer.id == world.customers["B"])
                        .values(email="beta@example.com"))
    owner = signed_in("owner")
    response = _preview(owner, {"region": "West"}, list_value="status=lost", coupon=coupon,
                        channel="log", template="Hi {name}, {value} with {code} until {expiry}")
    out = response.get_json()["response"]
    body = json.dumps(out[ids.CAMPAIGN_NEW_PREVIEW_BODY], ensure_ascii=False)
    assert "1 customer chosen:" in body and "1 gets the message" in body
    assert "Hi Beta, CN¥50 off an order of CN¥500 or more with SPRING-XXXXXXXXXX until" in body
    assert "beta@example.com" in body
    assert out[ids.CAMPAIGN_NEW_SEND]["disabled"] is False
    intent = out[ids.CAMPAIGN_NEW_INTENT]["data"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", intent)
    assert out[ids.CAMPAIGN_NEW_ADDRESS]["search"] == f"?region=West&intent={intent}"
    email = _preview(owner, {}, list_value="tier=D", coupon=coupon, channel="email").get_json()
    shown = json.dumps(email["response"], ensure_ascii=False)
    assert "E-mail is not set up on this server" in shown
    assert "2 customers cannot be reached" in shown  # Gamma and Epsilon: no e-mail address
    assert "no phone number or e-mail address for this channel" in shown
    assert email["response"][ids.CAMPAIGN_NEW_SEND]["disabled"] is True


def test_form_problems_are_listed_next_to_nothing_sent(runtime, world, signed_in) -> None:  # noqa: ANN001
    response = _preview(signed_in("owner"), {}, list_value="", coupon="x", channel="fax",
                        template="Hi {nam}", holdout=80)
    body = _text(response)
    for words in ("Choose who gets the coupon.", "Choose a coupon.", "Choose how to send it.",
                  "Unknown placeholder {nam}", "The comparison group must be 0 to 50 %"):
        assert words in body, words
    assert response.get_json()["response"][ids.CAMPAIGN_NEW_SEND]["disabled"] is True
    assert _outbox(runtime) == []


def test_a_form_change_after_the_preview_disables_send(world, signed_in) -> None:  # noqa: ANN001
    owner = signed_in("owner")
    body = callback_body(owner.app, _key(owner.app, ids.CAMPAIGN_NEW_PREVIEW_BODY),
                         {f"{ids.CAMPAIGN_NEW_PREVIEW}.n_clicks": 1,
                          f"{ids.CAMPAIGN_NEW_HOLDOUT}.value": 20})
    body["changedPropIds"] = [f"{ids.CAMPAIGN_NEW_HOLDOUT}.value"]
    out = owner.post("/_dash-update-component", json=body,
                     headers={"X-CSRFToken": owner.csrf}).get_json()["response"]
    assert out[ids.CAMPAIGN_NEW_SEND]["disabled"] is True
    assert "changed since the preview" in json.dumps(out[ids.CAMPAIGN_NEW_PREVIEW_BODY])


# --- sending once ------------------------------------------------------------------------------


def test_send_queues_once_and_a_replay_is_already_submitted(runtime, world, signed_in,  # noqa: ANN001
                                                            coupon) -> None:
    owner = signed_in("owner")
    preview = _preview(owner, {}, list_value="tier=D", coupon=coupon, holdout=0).get_json()
    intent = preview["response"][ids.CAMPAIGN_NEW_INTENT]["data"]
    first = _send(owner, intent).get_json()["response"]
    queued = first[ids.CAMPAIGN_NEW_QUEUED]["data"]
    assert set(queued) == {"campaign_id", "language"}
    rows = _outbox(runtime)
    assert sorted(r[1] for r in rows) == sorted(world.customers[c] for c in "BCE")
    for _attempt in range(10):  # double clicks, another tab, replayed requests
        again = _send(owner, intent)
        out = again.get_json()["response"]
        assert ids.CAMPAIGN_NEW_QUEUED not in out  # no second send job
        assert out[ids.CAMPAIGN_NEW_GO]["href"] == f"/campaigns/{queued['campaign_id']}"
        assert "already submitted" in _text(again)
    assert _outbox(runtime) == rows
    later = _preview(owner, {}, list_value="tier=D", coupon=coupon, intent=intent).get_json()
    assert later["response"][ids.CAMPAIGN_NEW_INTENT]["data"] == intent
    assert "This campaign was already submitted." in json.dumps(later["response"])
    assert later["response"][ids.CAMPAIGN_NEW_SEND]["disabled"] is True
    with session_scope(runtime.engine) as session:
        replays = session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "campaign.queue")).scalar_one()
    assert replays == 11  # the campaign, then every replay


def test_another_users_intent_key_is_refused(runtime, world, signed_in, coupon) -> None:  # noqa: ANN001
    owner = signed_in("owner")
    intent = _preview(owner, {}, list_value="tier=D", coupon=coupon).get_json()[
        "response"][ids.CAMPAIGN_NEW_INTENT]["data"]
    stolen = _send(signed_in("manager_east"), intent)
    assert "You do not have access to this." in side_message(stolen)
    _send(owner, intent)
    stolen = _send(signed_in("manager_east"), intent)
    assert "You do not have access to this." in side_message(stolen)
    with session_scope(runtime.engine) as session:
        assert session.execute(select(func.count()).select_from(Campaign)).scalar_one() == 1
    assert {r[1] for r in _outbox(runtime)} == {world.customers[c] for c in "BCE"}


def _end_id(client) -> str:  # noqa: ANN001
    page = client.get("/campaigns/new").get_data(as_text=True)
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">'
                                  r'(.*?)</script>', page, re.S).group(1))
    return config["end_id"]


def _run_job(client, key: str, values: dict, *, timeout: float = 60) -> tuple[dict, list]:  # noqa: ANN001
    end_id = _end_id(client)
    body = callback_body(client.app, key, values)
    started = client.post(f"/_dash-update-component?endId={end_id}", json=body,
                          headers={"X-CSRFToken": client.csrf})
    assert started.status_code == 200, started.get_data(as_text=True)[:400]
    job = started.get_json()
    query = {"cacheKey": job["cacheKey"], "job": job["job"], "endId": end_id}
    progress, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = client.post("/_dash-update-component", query_string=query, json=body,
                             headers={"X-CSRFToken": client.csrf})
        assert answer.status_code in (200, 204)
        # 204: the job ended between Dash's two reads of one poll (its result, then whether
        # it runs); the result is still kept for the next poll
        payload = answer.get_json(silent=True) or {}
        if payload.get("progress"):
            progress.append(payload["progress"])
        if payload.get("response") or payload.get("sideUpdate"):
            return payload, progress
        time.sleep(0.1)
    raise AssertionError("the send job did not finish")


def test_the_background_job_sends_with_progress_and_opens_the_results(runtime, world,  # noqa: ANN001
                                                                      signed_in,
                                                                      coupon) -> None:
    owner = signed_in("owner")
    intent = _preview(owner, {}, list_value="tier=D", coupon=coupon).get_json()[
        "response"][ids.CAMPAIGN_NEW_INTENT]["data"]
    queued = _send(owner, intent).get_json()["response"][ids.CAMPAIGN_NEW_QUEUED]["data"]
    key = next(k for k in owner.app.callback_map if ids.CAMPAIGN_NEW_SENT in k)
    payload, progress = _run_job(owner, key, {f"{ids.CAMPAIGN_NEW_QUEUED}.data": queued})
    href = payload["response"][ids.CAMPAIGN_NEW_GO]["href"]
    assert href == f"/campaigns/{queued['campaign_id']}"
    # the job reports as it goes; a poll may miss the last report when the job ends between
    # two polls, so every report seen is well formed and never goes back, and the outbox
    # holds the end state
    done = [int(re.search(r"(\d+) of 3 messages done", json.dumps(p)).group(1)) for p in progress]
    assert done and done == sorted(done) and all(0 <= n <= 3 for n in done)
    assert {r[2] for r in _outbox(runtime)} == {"sent"}
    lines = (runtime.settings.data_dir / "outbox.log").read_text().splitlines()
    assert sorted(json.loads(x)["to"] for x in lines) == ["B", "C", "E"]  # no addresses: codes


# --- results, list, decisions ------------------------------------------------------------------


def _queued_campaign(runtime, world, username: str = "owner", pct: float = 0.0) -> int:  # noqa: ANN001
    actor = _user(runtime, username)
    coupon_id = campaigns.create_coupon(runtime, Actor.system("t"), TERMS)
    ids_ = [world.customers[c] for c in "ABCDEF"] if username == "owner" else \
        [world.customers[c] for c in "BCE"]
    return campaigns.queue_campaign(runtime, actor, "intent-" + username + "-0001", ids_,
                                    coupon_id, "log", holdout_pct=pct,
                                    name="=HYPERLINK(\"x\")").campaign_id


def test_results_page_counts_and_scope(runtime, world, signed_in) -> None:  # noqa: ANN001
    campaign_id = _queued_campaign(runtime, world, pct=50)
    key = _key(signed_in("owner").app, ids.CAMPAIGN_HEADER)
    out = signed_in("owner").callback(key, {f"{ids.CAMPAIGN_QUERY}.data": {
        "id": str(campaign_id)}, f"{ids.CAMPAIGN_WINDOW}.value": "30"}).get_json()["response"]
    kpis = json.dumps(out[ids.CAMPAIGN_KPIS], ensure_ascii=False)
    assert '"Recipients"' in kpis and '"6"' in kpis and '"3"' in kpis  # 3 held out
    assert out[ids.CAMPAIGN_PROGRESS_PANEL]["hidden"] is False  # 3 messages waiting
    assert out[ids.CAMPAIGN_INTERVAL]["disabled"] is False
    assert out[ids.CAMPAIGN_SEND]["className"] == ""
    assert len(out[ids.CAMPAIGN_GRID]["rowData"]) == 6
    west = signed_in("rep_zhao").callback(key, {f"{ids.CAMPAIGN_QUERY}.data": {
        "id": str(campaign_id)}}).get_json()["response"]
    names = {r["name"] for r in west[ids.CAMPAIGN_GRID]["rowData"]}
    assert names == {"Beta", "Gamma", "Epsilon"}
    assert west[ids.CAMPAIGN_SEND]["className"] == "d-none"  # not theirs to send
    missing = signed_in("owner").callback(key, {f"{ids.CAMPAIGN_QUERY}.data": {"id": "999"}})
    assert "Campaign not found" in _text(missing)
    nobody = signed_in("nobody").callback(key, {f"{ids.CAMPAIGN_QUERY}.data": {
        "id": str(campaign_id)}})
    assert "Campaign not found" in _text(nobody) and "Alpha" not in _text(nobody)


def test_right_after_sending_the_results_say_it_is_too_early(runtime, world,  # noqa: ANN001
                                                              signed_in) -> None:
    """Minutes after the messages went out (the as-of day is the send day), the results
    are words, not figures, in both languages."""
    import datetime as dt

    campaign_id = _queued_campaign(runtime, world, pct=50)
    pages.send_campaign(runtime, _user(runtime, "owner"), campaign_id, interval=0.05)
    sent_utc = dt.datetime(2026, 11, 22, 6, 30)
    with session_scope(runtime.engine, write=True) as session:
        session.execute(update(Outbox).where(Outbox.campaign_id == campaign_id,
                                             Outbox.sent_at.is_not(None))
                        .values(sent_at=sent_utc))
    sent = sent_utc.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
    runtime.today = lambda: sent.date()
    page = pages.get_campaign_page(runtime, _user(runtime, "owner"), campaign_id)
    assert not page.measured and page.uplift["state"].iat[0] == "too_early"
    owner = signed_in("owner")
    key = _key(owner.app, ids.CAMPAIGN_HEADER)
    query = {f"{ids.CAMPAIGN_QUERY}.data": {"id": str(campaign_id)},
             f"{ids.CAMPAIGN_WINDOW}.value": "30"}
    english = json.dumps(owner.callback(key, query).get_json()["response"][
        ids.CAMPAIGN_UPLIFT], ensure_ascii=False)
    assert f"at {sent:%H:%M}. Only orders placed after that count: come back from" in english
    assert "uplift-table" not in english and "CN¥" not in english and "more each" not in english
    with session_scope(runtime.engine, write=True) as session:
        session.execute(update(User).where(User.username == "owner").values(language="zh"))
    chinese = json.dumps(owner.callback(key, query).get_json()["response"][
        ids.CAMPAIGN_UPLIFT], ensure_ascii=False)
    assert f"{sent:%H:%M} 发出。只计算此后下的订单：请从" in chinese
    assert "uplift-table" not in chinese and "¥" not in chinese and "Only" not in chinese


def test_the_recipients_file_is_safe_and_audited(runtime, world, signed_in) -> None:  # noqa: ANN001
    campaign_id = _queued_campaign(runtime, world)
    with session_scope(runtime.engine, write=True) as session:
        session.execute(update(Customer).where(Customer.id == world.customers["A"])
                        .values(name="=cmd|' /C calc'!A0"))
    owner = signed_in("owner")
    out = owner.callback(_key(owner.app, ids.CAMPAIGN_DOWNLOAD), {
        f"{ids.CAMPAIGN_EXPORT}.n_clicks": 1,
        f"{ids.CAMPAIGN_QUERY}.data": {"id": str(campaign_id)}}).get_json()["response"]
    download = out[ids.CAMPAIGN_DOWNLOAD]["data"]
    assert download["filename"] == f"campaign-{campaign_id}-recipients.csv"
    lines = download["content"].lstrip("\ufeff").splitlines()
    assert lines[0].startswith("customer_code,customer_name,channel,address,status,outcome")
    assert any(line.startswith("A,'=cmd|") for line in lines)
    assert len(lines) == 7
    with session_scope(runtime.engine) as session:
        assert session.execute(select(AuditLog.object_id).where(
            AuditLog.action == "export")).scalar_one() == str(campaign_id)


def test_list_and_decisions(runtime, world, signed_in) -> None:  # noqa: ANN001
    campaign_id = _queued_campaign(runtime, world)
    with session_scope(runtime.engine, write=True) as session:
        session.execute(update(Outbox).where(Outbox.customer_id == world.customers["E"])
                        .values(status="unknown", last_error="timeout after hand-over"))
    owner = signed_in("owner")
    key = _key(owner.app, ids.CAMPAIGNS_COUNT)
    out = owner.callback(key).get_json()["response"]
    rows = out[ids.CAMPAIGNS_GRID]["rowData"]
    assert [r["href"] for r in rows] == [f"/campaigns/{campaign_id}"]
    assert rows[0]["progress"]["sending"] is True and rows[0]["unknown"] == "1"
    assert out[ids.CAMPAIGNS_INTERVAL]["disabled"] is False
    assert out[ids.CAMPAIGNS_DECISIONS]["hidden"] is False
    decisions = out[ids.CAMPAIGNS_DECISIONS_GRID]["rowData"]
    assert [d["customer"] for d in decisions] == ["Epsilon (E)"]
    assert out[ids.CAMPAIGNS_DECISIONS_GRID]["columnDefs"][-1]["cellRenderer"] == \
        "DecisionButtons"
    rep_view = signed_in("rep_zhao").callback(key).get_json()["response"]
    assert rep_view[ids.CAMPAIGNS_DECISIONS_GRID]["columnDefs"][-1].get("cellRenderer") is None
    decide = _key(owner.app, ids.CAMPAIGNS_DECIDE_MODAL)
    target = {"outbox": decisions[0]["outbox_id"], "decision": "sent"}
    confirm = f"{ids.CAMPAIGNS_DECIDE_CONFIRM}.n_clicks"
    values = {confirm: 1, f"{ids.CAMPAIGNS_DECIDE_TARGET}.data": target}
    refused = _trigger(signed_in("rep_zhao"), decide, confirm, values)
    assert "You do not have access to this." in _text(refused)
    east = _trigger(signed_in("manager_east"), decide, confirm, values)
    assert "does not exist or is not assigned to you" in _text(east)  # West's customer
    opened = _trigger(owner, decide, f"{ids.CAMPAIGNS_DECISIONS_GRID}.cellRendererData", {
        f"{ids.CAMPAIGNS_DECISIONS_GRID}.cellRendererData": {"value": target},
        f"{ids.CAMPAIGNS_DECISIONS_GRID}.rowData": decisions}).get_json()["response"]
    assert opened[ids.CAMPAIGNS_DECIDE_MODAL]["is_open"] is True
    assert "Mark the message to Epsilon (E) as sent?" in json.dumps(opened)
    done = _trigger(owner, decide, confirm, values)
    assert "Marked as sent." in _text(done)
    with session_scope(runtime.engine) as session:
        status = session.execute(select(Outbox.status).where(
            Outbox.customer_id == world.customers["E"])).scalar_one()
        actions = session.execute(select(AuditLog.username, AuditLog.action,
                                         AuditLog.object_type, AuditLog.outcome).where(
            AuditLog.action.in_(["outbox.mark_sent", "access_denied"]))).all()
    assert status == "sent"
    assert sorted(actions) == [("manager_east", "access_denied", "customer", "denied"),
                               ("owner", "outbox.mark_sent", "outbox", "ok"),
                               ("rep_zhao", "access_denied", "outbox", "denied")]


def test_an_empty_list_page(world, signed_in) -> None:  # noqa: ANN001
    out = signed_in("owner").callback(_key(signed_in("owner").app, ids.CAMPAIGNS_COUNT))
    response = out.get_json()["response"]
    assert response[ids.CAMPAIGNS_EMPTY]["hidden"] is False
    assert "No campaigns yet" in _text(out)
    assert response[ids.CAMPAIGNS_INTERVAL]["disabled"] is True


def test_the_results_page_sends_waiting_messages_and_follows_them(runtime, world,  # noqa: ANN001
                                                                 signed_in) -> None:
    campaign_id = _queued_campaign(runtime, world)
    owner = signed_in("owner")
    query = {f"{ids.CAMPAIGN_QUERY}.data": {"id": str(campaign_id), "language": "en"}}
    ticking = owner.callback(_key(owner.app, ids.CAMPAIGN_REFRESH), {
        f"{ids.CAMPAIGN_INTERVAL}.n_intervals": 1, f"{ids.CAMPAIGN_REFRESH}.data": 4, **query})
    out = ticking.get_json()["response"]
    assert "0 of 6 messages done" in out[ids.CAMPAIGN_PROGRESS_TEXT]["children"]
    assert ids.CAMPAIGN_REFRESH not in out  # still waiting: no reload yet
    key = next(k for k in owner.app.callback_map if ids.CAMPAIGN_SEND_RESULT in k)
    payload, _progress = _run_job(owner, key, {f"{ids.CAMPAIGN_SEND}.n_clicks": 1, **query})
    assert payload["response"][ids.CAMPAIGN_SEND_RESULT]["children"].startswith(
        "6 of 6 messages done: 6 sent")
    done = owner.callback(_key(owner.app, ids.CAMPAIGN_REFRESH), {
        f"{ids.CAMPAIGN_INTERVAL}.n_intervals": 2, f"{ids.CAMPAIGN_REFRESH}.data": 4, **query})
    assert done.get_json()["response"][ids.CAMPAIGN_REFRESH]["data"] == 5  # reload once
    refused, _progress = _run_job(signed_in("rep_zhao"), key, {
        f"{ids.CAMPAIGN_SEND}.n_clicks": 1, **query})
    assert "You do not have access to this." in json.dumps(refused)
    with session_scope(runtime.engine, write=True) as session:  # an outcome in doubt ...
        alpha = session.execute(update(Outbox).where(
            Outbox.customer_id == world.customers["A"]).values(status="unknown").returning(
            Outbox.id)).scalar_one()
    # the log file shows the provider took it: not to be sent again ...
    with pytest.raises(ValidationError) as taken:
        pages.decide(runtime, _user(runtime, "owner"), alpha, "resend")
    assert taken.value.code == "message_delivered"
    log_file = runtime.settings.data_dir / "outbox.log"
    lines = log_file.read_text().splitlines()
    log_file.write_text("".join(x + "\n" for x in lines
                                if json.loads(x)["key"] != idempotency_key(_instance(runtime), alpha)))
    pages.decide(runtime, _user(runtime, "owner"), alpha, "resend")  # ... unless it did not
    reloaded = {f"{ids.CAMPAIGN_QUERY}.data": {"id": str(campaign_id), "language": "en",
                                               "load": "after-a-reload"}}
    again, _progress = _run_job(owner, key, {f"{ids.CAMPAIGN_SEND}.n_clicks": 1, **reloaded})
    assert again["response"][ids.CAMPAIGN_SEND_RESULT]["children"].startswith(
        "6 of 6 messages done: 6 sent")
    log = (runtime.settings.data_dir / "outbox.log").read_text().splitlines()
    assert len(log) == 6  # the released message went out again, nothing else did


def _instance(runtime) -> str:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        return data_identity(session)[0]


def test_background_callbacks_with_nothing_to_do(world, signed_in) -> None:  # noqa: ANN001
    """As the role matrix calls them: empty inputs start no send."""
    owner = signed_in("owner")
    for output in (ids.CAMPAIGN_NEW_SENT, ids.CAMPAIGN_SEND_RESULT):
        key = next(k for k in owner.app.callback_map if output in k)
        response = owner.callback(key)
        assert response.status_code in (200, 204)


def test_ten_concurrent_sends_of_one_preview(runtime, world, signed_in, coupon) -> None:  # noqa: ANN001
    """E.29 through the endpoint: the same Send fired by ten browsers of the user at once."""
    import threading

    owner = signed_in("owner")
    intent = _preview(owner, {}, list_value="tier=D", coupon=coupon).get_json()[
        "response"][ids.CAMPAIGN_NEW_INTENT]["data"]
    clients = [signed_in("owner") for _ in range(10)]
    answers: list[dict] = []
    start = threading.Barrier(10)

    def fire(client) -> None:  # noqa: ANN001
        start.wait()
        answers.append(_send(client, intent).get_json()["response"])

    threads = [threading.Thread(target=fire, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    fresh = [a for a in answers if ids.CAMPAIGN_NEW_QUEUED in a]
    again = [a for a in answers if ids.CAMPAIGN_NEW_GO in a]
    assert len(answers) == 10 and len(fresh) == 1 and len(again) == 9
    campaign_id = fresh[0][ids.CAMPAIGN_NEW_QUEUED]["data"]["campaign_id"]
    assert {a[ids.CAMPAIGN_NEW_GO]["href"] for a in again} == {f"/campaigns/{campaign_id}"}
    assert len(_outbox(runtime)) == 3
    with session_scope(runtime.engine) as session:
        assert session.execute(select(func.count()).select_from(Campaign)).scalar_one() == 1


def test_the_recipients_download_is_each_users_rows_in_their_language(  # noqa: ANN001
        runtime, world, signed_in) -> None:
    campaign_id = _queued_campaign(runtime, world, pct=50)
    with session_scope(runtime.engine, write=True) as session:
        session.execute(update(Customer).where(Customer.id == world.customers["A"])
                        .values(name="=cmd|' /C calc'!A0"))
    owner = signed_in("owner")
    answer = owner.get(f"/exports/campaign-recipients.xlsx?campaign={campaign_id}")
    assert answer.status_code == 200 and answer.headers["X-Row-Count"] == "6"
    sheet = openpyxl.load_workbook(io.BytesIO(answer.get_data())).worksheets[0]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][:6] == ["Code", "Customer", "Channel", "Sent to", "Outcome",
                            "Held out for comparison"]
    by_code = {r[0]: r for r in cells[1:]}
    assert sorted(by_code) == ["A", "B", "C", "D", "E", "F"]
    assert by_code["A"][1] == "'=cmd|' /C calc'!A0" and sheet["B2"].data_type == "s"
    outcomes = {r[4] for r in cells[1:]}
    assert outcomes == {"waiting to be sent", "held out for comparison"}
    assert sum(r[5] == "yes" for r in cells[1:]) == 3  # half held out
    assert all(isinstance(r[10], int) for r in cells[1:])  # attempts are numbers
    with session_scope(runtime.engine, write=True) as session:
        session.execute(update(User).where(User.username == "rep_zhao").values(language="zh"))
    west = signed_in("rep_zhao").get(f"/exports/campaign-recipients.csv?campaign={campaign_id}")
    rows = list(csv.DictReader(io.StringIO(west.get_data(as_text=True).lstrip("\ufeff"))))
    assert sorted(r["客户"] for r in rows) == ["Beta", "Epsilon", "Gamma"]
    assert {r["结果"] for r in rows} <= {"等待发送", "对照组（未发送）"} and len(rows) == 3
    with session_scope(runtime.engine) as session:
        formats = session.execute(select(AuditLog.detail["format"].as_string()).where(
            AuditLog.action == "export", AuditLog.object_type == "campaign")
            .order_by(AuditLog.id)).scalars().all()
    assert formats == ["xlsx", "csv"]
    assert signed_in("rep_zhao").get(
        "/exports/campaign-recipients.csv?campaign=abc").status_code == 404
