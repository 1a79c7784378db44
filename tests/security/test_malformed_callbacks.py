"""Issue 16 (3): a malformed callback request answers 400 JSON without internals, is audited,
and never reaches Dash's dispatch (which used to raise and answer 500).

Every kind is sent through the real endpoint by a signed-in owner with a valid anti-forgery
token, so only the body is wrong."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from dashboard.db import session_scope
from dashboard.models import AuditLog
from dashboard.web.callback_guard import MAX_BODY_BYTES, MAX_DEPTH
from tests.security.fixtures import Browser, callback_body

Body = Callable[[Any], Any]  # (app) -> body (bytes are sent as they are, else as JSON)
ROUTER = "_pages_content"


def _key(app: Any, *, multi: bool | None = None, pattern: bool = False,
         router: bool = False) -> str:
    for key, spec in app.callback_map.items():
        if (ROUTER in key) != router or spec.get("background"):
            continue
        if multi is not None and key.startswith("..") != multi:
            continue
        deps = [*spec["inputs"], *spec["state"]]
        if pattern and not any('["ALL"]' in d["id"] for d in deps):
            continue
        if not pattern and not router and (not spec["inputs"] or any(
                d["id"].startswith("{") for d in deps)):
            continue
        return key
    raise AssertionError("no such callback")


def _single(app: Any) -> dict[str, Any]:
    return callback_body(app, _key(app, multi=False))


def _multi(app: Any) -> dict[str, Any]:
    return callback_body(app, _key(app, multi=True))


def _router(app: Any) -> dict[str, Any]:
    return callback_body(app, _key(app, router=True),
                         {"_pages_location.pathname": "/", "_pages_location.search": ""})


def _with(make: Callable[[Any], dict[str, Any]], **changes: Any) -> Body:
    return lambda app: {**make(app), **changes}


def _first_value(make: Callable[[Any], dict[str, Any]], value: Any) -> Body:
    def body(app: Any) -> dict[str, Any]:
        sent = make(app)
        sent["inputs"][0] = {**sent["inputs"][0], "value": value}
        return sent
    return body


def _raw_value(make: Callable[[Any], dict[str, Any]], literal: str) -> Body:
    """The body with the first input's value replaced by a raw JSON literal."""
    def body(app: Any) -> bytes:
        sent = make(app)
        sent["inputs"][0] = {**sent["inputs"][0], "value": "@@"}
        return json.dumps(sent).replace('"@@"', literal).encode()
    return body


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def _first_input(make: Callable[[Any], dict[str, Any]], item: Any) -> Body:
    def body(app: Any) -> dict[str, Any]:
        sent = make(app)
        sent["inputs"][0] = item
        return sent
    return body


def _pattern_as_dict(app: Any) -> dict[str, Any]:
    sent = callback_body(app, _key(app, pattern=True))
    index = next(i for i, v in enumerate(sent["inputs"] + sent["state"]) if isinstance(v, list))
    part, at = ("inputs", index) if index < len(sent["inputs"]) else (
        "state", index - len(sent["inputs"]))
    sent[part][at] = {"id": {"type": "x", "index": 1}, "property": "n_clicks", "value": 1}
    return sent


def _wrong_outputs_count(app: Any) -> dict[str, Any]:
    sent = _multi(app)
    return {**sent, "outputs": sent["outputs"][:-1]}


def _extra_input(app: Any) -> dict[str, Any]:
    sent = _single(app)
    return {**sent, "inputs": [*sent["inputs"], {"id": "_pages_store", "property": "data",
                                                 "value": {"title": "x"}}]}


def _missing_input(app: Any) -> dict[str, Any]:
    sent = _single(app)
    return {**sent, "inputs": sent["inputs"][:-1]}


def _state_count(app: Any) -> dict[str, Any]:
    sent = _single(app)
    return {**sent, "state": [*sent["state"], {"id": "a", "property": "value", "value": 1}]}


def _huge(app: Any) -> dict[str, Any]:
    return _first_value(_single, "x" * (MAX_BODY_BYTES + 10))(app)


KINDS: dict[str, Body] = {
    "empty array": lambda app: [],
    "empty object": lambda app: {},
    "null": lambda app: None,
    "a string": lambda app: "output",
    "a number": lambda app: 1,
    "not JSON": lambda app: b"{",
    "not UTF-8": lambda app: b'{"output": "\xff\xfe"}',
    "unknown output": _with(_single, output="nowhere.children"),
    "output not a string": _with(_single, output=["a", "b"]),
    "output missing": lambda app: {k: v for k, v in _single(app).items() if k != "output"},
    "outputs missing": lambda app: {k: v for k, v in _single(app).items() if k != "outputs"},
    "outputs a string": _with(_single, outputs="x"),
    "outputs of several: one too few": _wrong_outputs_count,
    "inputs missing": lambda app: {k: v for k, v in _single(app).items() if k != "inputs"},
    "inputs an object": _with(_single, inputs={"a": 1}),
    "one input too many": _extra_input,
    "one input too few": _missing_input,
    "one state too many": _state_count,
    "input a number": _first_input(_single, 7),
    "input of another component": _first_input(
        _single, {"id": "_pages_store", "property": "data", "value": {"junk": [1, 2]}}),
    "input with another property": lambda app: _first_input(_single, {
        **_single(app)["inputs"][0], "property": "children"})(app),
    "input id junk": _first_input(_single, {"id": [1, 2], "property": "data", "value": 1}),
    "ALL wildcard sent as one object": _pattern_as_dict,
    "changedPropIds a string": _with(_single, changedPropIds="a.b"),
    "changedPropIds of numbers": _with(_single, changedPropIds=[1, 2]),
    "NaN": _raw_value(_single, "NaN"),
    "Infinity": _raw_value(_single, "Infinity"),
    "-Infinity": _raw_value(_single, "-Infinity"),
    "1e999": _raw_value(_single, "1e999"),
    "2**63": _first_value(_single, 2**63),
    "-2**63-1": _first_value(_single, -(2**63) - 1),
    "a 400-digit number": _raw_value(_single, "9" * 400),
    "nested deeper than allowed": _first_value(_single, _nested(MAX_DEPTH + 5)),
    "nested 100,000 deep": _raw_value(_single, "[" * 100_000 + "]" * 100_000),
    "huge body": _huge,
    "router pathname a list": _first_value(_router, ["/", "/team"]),
    "router pathname a number": _first_value(_router, 404),
    "router pathname missing": _first_value(_router, None),
    "router pathname not a path": _first_value(_router, "team"),
    "router search an object": lambda app: {**_router(app), "inputs": [
        _router(app)["inputs"][0], {**_router(app)["inputs"][1], "value": {"a": 1}}]},
    "router with junk for the pages store": lambda app: {**_router(app), "inputs": [
        *_router(app)["inputs"], {"id": "_pages_store", "property": "data",
                                  "value": {"title": ["<script>"]}}]},
    "router output unknown": _with(_router, output="_pages_content.children...junk.data"),
    "a clientside callback's output": lambda app: {
        **callback_body(app, next(k for k, s in app.callback_map.items()
                                  if "callback" not in s))},
}


def _post(client: Browser, body: Any):  # noqa: ANN202
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post("/_dash-update-component", data=raw, content_type="application/json",
                       headers={"X-CSRFToken": client.csrf})


@pytest.mark.parametrize("kind", list(KINDS))
def test_malformed_callback_request_answers_400(kind, cockpit, signed_in, runtime) -> None:  # noqa: ANN001
    owner = signed_in("owner")
    response = _post(owner, KINDS[kind](cockpit))
    assert response.status_code == 400, (kind, response.status_code,
                                         response.get_data(as_text=True)[:300])
    assert response.is_json
    assert response.get_json() == {"error": "bad_request",
                                   "message": "Malformed callback request."}
    text = response.get_data(as_text=True)
    for internal in ("Traceback", "dash", ".py", "KeyError", "sqlalchemy"):
        assert internal not in text
    with session_scope(runtime.engine) as session:
        rows = session.execute(select(AuditLog).where(
            AuditLog.object_type == "callback_request")).scalars().all()
    assert [(r.username, r.action, r.outcome) for r in rows] == [
        ("owner", "access_denied", "denied")]
    assert rows[0].detail["reason"]


def test_well_formed_requests_still_answer(cockpit, signed_in) -> None:  # noqa: ANN001
    owner = signed_in("owner")
    for body in (_single(cockpit), _multi(cockpit), _router(cockpit)):
        response = _post(owner, body)
        assert response.status_code in (200, 204), (body["output"], response.status_code)
    page = _post(owner, _router(cockpit)).get_json()
    assert page["response"]["_pages_store"]["data"]["title"]


def test_signed_out_and_forged_token_are_refused_before_the_body_is_read(cockpit,
                                                                          signed_in) -> None:  # noqa: ANN001
    anonymous = Browser(cockpit)
    assert anonymous.post("/_dash-update-component", data=b"[]",
                          content_type="application/json").status_code == 401
    owner = signed_in("owner")
    response = owner.post("/_dash-update-component", data=b"[]",
                          content_type="application/json", headers={"X-CSRFToken": "forged"})
    assert response.status_code == 403
