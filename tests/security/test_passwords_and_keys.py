"""RELIABILITY-TESTS A.7 and A.8: password policy and storage, the secret-key guard and
forged cookies signed with well-known keys."""

from __future__ import annotations

import base64
import os
import secrets
import stat
import string

import pytest
from argon2 import Type
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from dashboard import passwords
from dashboard.db import session_scope
from dashboard.errors import ConfigurationError, ValidationError
from dashboard.models import User
from dashboard.scope import Actor
from dashboard.secret_key import KNOWN_KEYS, ensure_secret_key_file, resolve_secret_key
from dashboard.services import users as user_service
from tests.security.fixtures import Browser


def test_common_list_has_3000_entries_all_refused() -> None:
    common = sorted(passwords.common_passwords())
    assert len(common) == 3000
    refused = [p for p in common if passwords.password_problems(p)]
    assert len(refused) == 3000
    assert passwords.password_problems("Password") == ["password_short"] or \
        "password_common" in passwords.password_problems("Password")
    assert "password_common" in passwords.password_problems("  PASSWORD1  ")


def test_length_rules() -> None:
    assert "password_short" in passwords.password_problems("q7#Lm2x")  # 7 characters
    assert passwords.password_problems("q7#Lm2x9") == []                # 8 characters
    assert "password_long" in passwords.password_problems("x" * 257 + "abcdefgh")
    assert "password_username" in passwords.password_problems("rep-anna-2026", "REP-anna-2026")
    with pytest.raises(ValidationError):
        passwords.check_password("short")


def test_policy_applies_to_every_way_of_setting_a_password(runtime, world) -> None:  # noqa: ANN001
    owner = Actor.system("test")
    common = sorted(passwords.common_passwords(), key=len, reverse=True)[:25]
    for bad in [*common, "q7#Lm2x"]:
        with pytest.raises(ValidationError):
            user_service.create_user(runtime, owner, {"username": "newbie", "role": "rep",
                                                      "password": bad})
        with pytest.raises(ValidationError):
            user_service.reset_password(runtime, owner, world.user_id("rep1"), bad)


def test_long_random_password_is_accepted_and_works(cockpit, runtime, world) -> None:  # noqa: ANN001
    strong = "".join(secrets.choice(string.ascii_letters + string.digits + string.punctuation)
                     for _ in range(64))
    user_service.reset_password(runtime, Actor.system("test"), world.user_id("rep2"), strong)
    assert Browser(cockpit).login("rep2", strong).status_code == 303


def _salt_bytes(encoded: str) -> int:
    salt = encoded.split("$")[4]
    return len(base64.b64decode(salt + "=" * (-len(salt) % 4)))


def test_hashes_are_argon2id_salted_and_never_identical(runtime, world) -> None:  # noqa: ANN001
    owner = Actor.system("test")
    for i in range(5):
        user_service.create_user(runtime, owner, {"username": f"twin{i}", "role": "rep",
                                                  "password": "the same long passphrase"})
    with session_scope(runtime.engine) as session:
        hashes = list(session.execute(select(User.password_hash)).scalars())
    assert len(hashes) == len(set(hashes)) == len(world.users) + 5
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert all(_salt_bytes(h) >= 16 for h in hashes)
    assert "the same long passphrase" not in " ".join(hashes)


def test_production_hasher_profile() -> None:
    import importlib

    module = importlib.reload(passwords)  # the module as shipped (tests patch HASHER)
    try:
        hasher = module.HASHER
        assert hasher.type is Type.ID and hasher.salt_len >= 16
        assert hasher.memory_cost >= 65536 and hasher.time_cost >= 3
    finally:
        importlib.reload(passwords)


@pytest.mark.parametrize("key", ["", "changeme", "dev", "x" * 40, "short-but-random-Zq3",
                                 "please-change-me-to-a-long-random-string-0123456789"])
def test_unsafe_secret_keys_refuse_to_start(settings, runtime, key: str) -> None:  # noqa: ANN001
    from app import create_app

    bad = settings.replace(secret_key=key)
    runtime.settings = bad
    with pytest.raises(ConfigurationError, match="Refusing to start"):
        create_app(bad, runtime)


def test_key_file_is_used_written_once_and_private(settings) -> None:  # noqa: ANN001
    unset = settings.replace(secret_key="")
    path = ensure_secret_key_file(unset)
    assert path is not None and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert ensure_secret_key_file(unset) is None  # never overwritten
    assert resolve_secret_key(unset) == path.read_text().strip()
    assert ensure_secret_key_file(settings) is None  # a configured key needs no file


def test_development_without_key_gets_a_random_one(settings) -> None:  # noqa: ANN001
    dev = settings.replace(secret_key="", env="development")
    first, second = resolve_secret_key(dev), resolve_secret_key(dev)
    assert len(first) >= 32 and first != second


def test_forged_cookies_with_known_keys_are_rejected(cockpit, world) -> None:  # noqa: ANN001
    known = sorted(KNOWN_KEYS - {""}) + ["test-secret-key-" + "x" * 40]
    payloads = [{"_user_id": str(world.user_id("owner")), "_fresh": True},
                {"user_id": world.user_id("owner"), "role": "owner"}]
    accepted = 0
    interface = SecureCookieSessionInterface()

    class _Fake:
        secret_key = ""
        config = {"SECRET_KEY_FALLBACKS": None}

    for key in known:
        _Fake.secret_key = key
        flask_signer = interface.get_signing_serializer(_Fake())
        raw_signer = URLSafeTimedSerializer(key)
        for payload in payloads:
            for name, value in (("session", flask_signer.dumps(payload)),
                                ("cockpit_flask", flask_signer.dumps(payload)),
                                ("cockpit_session", raw_signer.dumps(payload)),
                                ("remember_token", raw_signer.dumps(payload))):
                forger = Browser(cockpit)
                forger.set_cookies({name: value, "cockpit_csrf": "x"})
                layout = forger.get("/_dash-layout")
                page = forger.get("/team")
                accepted += layout.status_code == 200 or page.status_code == 200
    assert accepted == 0
