"""The cockpit callback through the real endpoint: one service call per view, scoped per
user, the empty state, and errors as a message in the shell."""

from __future__ import annotations

import json

import pytest

from dashboard.errors import ValidationError
from dashboard.services import cockpit as service
from layouts import ids
from tests.security.fixtures import find_callback, side_message


def _cockpit(client, query: dict):  # noqa: ANN001, ANN202
    key = find_callback(client.app, ids.COCKPIT_HEADLINE)
    return client.callback(key, {f"{ids.COCKPIT_QUERY}.data": query})


def _text(response) -> str:  # noqa: ANN001
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_owner_gets_every_panel_with_links(world, signed_in) -> None:  # noqa: ANN001
    response = _cockpit(signed_in("owner"), {"period": "90d", "region": "West"})
    assert response.status_code == 200
    panels = response.get_json()["response"]
    assert set(panels) == {ids.COCKPIT_HEADLINE, ids.COCKPIT_EMPTY, ids.COCKPIT_PANELS,
                           ids.COCKPIT_KPIS, ids.COCKPIT_STATUS, ids.COCKPIT_TIERS,
                           ids.COCKPIT_MATRIX, ids.COCKPIT_MOVERS, ids.COCKPIT_BACKTEST,
                           ids.COCKPIT_CALL_FIRST}
    assert panels[ids.COCKPIT_PANELS] == {"className": ""}
    body = _text(response)
    assert "/customers?period=90d&region=West&status=churning" in body
    assert "Epsilon" in body and "Alpha" not in body  # West only


@pytest.mark.parametrize(("username", "visible", "hidden"), [
    ("manager_east", {"Alpha"}, {"Epsilon"}),
    ("rep_zhao", {"Epsilon"}, {"Alpha"}),
])
def test_views_are_scoped(world, signed_in, username: str, visible: set,  # noqa: ANN001
                          hidden: set) -> None:
    body = _text(_cockpit(signed_in(username), {}))
    assert all(name in body for name in visible)
    assert not any(name in body for name in hidden)


def test_nobody_gets_the_empty_state(world, signed_in) -> None:  # noqa: ANN001
    panels = _cockpit(signed_in("nobody"), {}).get_json()["response"]
    assert panels[ids.COCKPIT_PANELS] == {"className": "d-none"}
    assert "No customers are assigned to you yet" in json.dumps(panels[ids.COCKPIT_EMPTY])


def test_a_bad_address_falls_back_to_defaults(world, signed_in) -> None:  # noqa: ANN001
    response = _cockpit(signed_in("owner"), {"as_of": "yesterday", "period": "fortnight",
                                              "manager": "'; DROP TABLE users; --",
                                              "region": "<script>"})
    assert response.status_code == 200
    assert "Last 30 days" in _text(response)
    none = _cockpit(signed_in("owner"), None)
    assert none.status_code == 200 and "Last 30 days" in _text(none)


def test_errors_become_a_message(world, signed_in, monkeypatch) -> None:  # noqa: ANN001
    def refuse(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise ValidationError("no", code="bad_period")

    monkeypatch.setattr(service, "get_overview", refuse)
    response = _cockpit(signed_in("owner"), {})
    assert response.status_code in (200, 204)
    assert side_message(response) == "Unknown period."

    def crash(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise ZeroDivisionError("secret internals")

    monkeypatch.setattr(service, "get_overview", crash)
    response = _cockpit(signed_in("owner"), {})
    message = side_message(response)
    assert message.startswith("Something went wrong (reference ")
    assert "secret" not in response.get_data(as_text=True)


@pytest.mark.parametrize(("clicked", "expected"), [
    ({"customer": "12", "n": 1}, 12), ({"customer": "0"}, 0), ({"customer": "-1"}, None),
    ({"customer": "9" * 19}, None), ({"customer": "1;2"}, None), ({"customer": 12}, None),
    ({"pick": "12"}, None), ("12", None), (None, None),
])
def test_only_a_customer_number_is_read_from_a_call_first_click(clicked, expected) -> None:  # noqa: ANN001
    from callbacks.cockpit import read_call

    assert read_call(clicked) == expected
