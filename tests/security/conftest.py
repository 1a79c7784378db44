"""Fixtures for the security tests: a populated world, the app, browsers and a clock.

Every fixture here runs on SQLite and, with ``COCKPIT_TEST_DATABASE_URL``, on PostgreSQL
(through ``runtime`` from ``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dashboard import passwords
from tests.security.fixtures import Browser, FakeClock, World, build_world, cheap_hasher


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "HASHER", cheap_hasher())
    passwords._dummy_hash.cache_clear()


@pytest.fixture
def clock(runtime) -> FakeClock:  # noqa: ANN001
    fake = FakeClock()
    runtime.clock = fake
    return fake


@pytest.fixture
def world(runtime, clock) -> World:  # noqa: ANN001
    return build_world(runtime)


@pytest.fixture
def cockpit(runtime, world):  # noqa: ANN001, ANN201
    """The Dash app on the test database, built by the real ``create_app``."""
    from app import create_app

    return create_app(runtime.settings, runtime)


@pytest.fixture
def browser(cockpit) -> Callable[..., Browser]:  # noqa: ANN001
    """``browser(username=None, ip=...)``: a new browser, signed in when a user is named."""

    def make(username: str | None = None, *, ip: str = "203.0.113.7",
             world: World | None = None) -> Browser:
        client = Browser(cockpit, ip=ip)
        if username is not None:
            assert world is not None
            response = client.login(username, world.password(username))
            assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return client

    return make


@pytest.fixture
def signed_in(browser, world) -> Callable[..., Browser]:  # noqa: ANN001
    """``signed_in("rep1")``: a browser signed in as that fixture user (page warmed up, so
    Dash's page router callback exists)."""

    def make(username: str, *, ip: str = "203.0.113.7") -> Browser:
        client = browser(username, ip=ip, world=world)
        assert client.get("/", follow_redirects=True).status_code == 200  # customers: /my
        return client

    return make
