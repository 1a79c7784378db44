"""The cockpit world of ``tests/dashboard/services/cockpit_world.py`` served by the real app,
with signed-in browsers (Flask's test client through the real sign-in form)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dashboard import passwords
from dashboard.scope import Actor
from dashboard.services import users as user_service
from tests.dashboard.services.cockpit_world import CockpitWorld, build_cockpit_world
from tests.security.fixtures import Browser, cheap_hasher

PASSWORD = "correct horse battery staple {name}"
USERS = {"owner": ("owner", {}), "manager_east": ("manager", {"team": "East"}),
         "rep_zhao": ("rep", {"rep": "Zhao"}), "nobody": ("manager", {})}


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "HASHER", cheap_hasher())
    passwords._dummy_hash.cache_clear()


@pytest.fixture
def world(runtime) -> CockpitWorld:  # noqa: ANN001
    built = build_cockpit_world(runtime)
    for username, (role, fields) in USERS.items():
        mapping = {k: (built.teams[v] if k == "team" else built.reps[v])
                   for k, v in fields.items()}
        user_service.create_user(runtime, Actor.system("test"), {
            "username": username, "role": role, "password": PASSWORD.format(name=username),
            **mapping})
    yield built


@pytest.fixture
def cockpit(runtime, world):  # noqa: ANN001, ANN201
    from app import create_app

    return create_app(runtime.settings, runtime)


@pytest.fixture
def signed_in(cockpit) -> Callable[[str], Browser]:  # noqa: ANN001
    def make(username: str) -> Browser:
        client = Browser(cockpit)
        response = client.login(username, PASSWORD.format(name=username))
        assert response.status_code == 303, response.get_data(as_text=True)[:300]
        assert client.get("/").status_code == 200
        return client

    return make
