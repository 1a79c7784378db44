"""Issue 16 (5): passwords made from the user's names, and easy-to-guess ones (by the zxcvbn
estimator), are refused with a clear message in English and Chinese, everywhere a password is
set; strong ones (also those that merely contain a name) are accepted."""

from __future__ import annotations

import pytest

from dashboard import passwords
from dashboard.errors import ValidationError, user_message
from dashboard.scope import Actor
from dashboard.services import users as user_service
from tests.security.fixtures import Browser


@pytest.mark.parametrize("password", [
    "victimvictim",        # repeated
    "Victim123",           # name + digits
    "mitcivmitciv",        # reversed, repeated
    "v1ct1m2024",          # look-alike characters + a year
    "VICTIM-victim-2026",  # case, separators
    "2026!victim!",        # digits and signs around it
])
def test_passwords_made_from_the_user_name_are_refused(password: str) -> None:
    assert passwords.password_problems(password, "victim") == ["password_username"]


def test_display_name_and_e_mail_parts_count_as_names() -> None:
    assert passwords.password_problems("Schmidt2026!", "anna.s", ("Anna Schmidt",)) == \
        ["password_username"]
    assert passwords.password_problems("Schmidt2026!", "anna.s") == []
    assert passwords.password_problems("wangwei@88", "ww", ("wangwei@example.com",)) == \
        ["password_username"]


def test_a_name_with_enough_else_around_it_is_fine() -> None:
    # 14 other characters: not "made from" the name, and zxcvbn rates it strong
    assert passwords.password_problems("victim-purple-elephant", "victim") == []
    assert passwords.password_problems("correct horse battery staple rep1", "rep1") == []


@pytest.mark.parametrize("password", ["P@ssw0rd", "letmein123", "iloveyou2024", "Qwerty123!"])
def test_easy_to_guess_passwords_are_refused_by_the_estimator(password: str) -> None:
    # none is in the 3,000-entry list (as typed); zxcvbn rates each below 2
    assert password.strip().lower() not in passwords.common_passwords()
    assert passwords.password_problems(password) == ["password_weak"]


def test_the_common_list_still_catches_what_the_estimator_rates_well() -> None:
    # zxcvbn rates the spaces around a leaked password as strength; the list compares trimmed
    assert passwords._score("  PASSWORD1  ", []) >= passwords.MIN_SCORE  # noqa: SLF001
    assert passwords.password_problems("  PASSWORD1  ") == ["password_common"]


def test_generated_passwords_always_pass() -> None:
    assert all(passwords.password_problems(passwords.generate_password()) == []
               for _ in range(50))


def test_messages_in_english_and_chinese() -> None:
    weak = ValidationError("x", code="password_weak")
    named = ValidationError("x", code="password_username")
    assert user_message(weak, "en") == ("This password is easy to guess. Use a longer one, for "
                                        "example a few unrelated words.")
    assert user_message(weak, "zh") == "该密码容易被猜到。请使用更长的密码，例如几个不相关的词。"
    assert user_message(named, "en") == \
        "The password must not be made from your user name or name."
    assert user_message(named, "zh") == "密码不能由用户名或姓名构成。"


def test_every_way_of_setting_a_password_refuses_them(cockpit, runtime, world) -> None:  # noqa: ANN001
    owner = Actor.system("test")
    with pytest.raises(ValidationError) as created:
        user_service.create_user(runtime, owner, {"username": "victim", "role": "rep",
                                                  "password": "Victim123"})
    assert created.value.code == "password_username"
    with pytest.raises(ValidationError) as named:
        user_service.create_user(runtime, owner, {"username": "anna.s", "role": "rep",
                                                  "display_name": "Anna Schmidt",
                                                  "password": "Schmidt2026!"})
    assert named.value.code == "password_username"
    with pytest.raises(ValidationError) as reset:
        user_service.reset_password(runtime, owner, world.user_id("rep1"), "P@ssw0rd")
    assert reset.value.code == "password_weak"
    info = world.users["rep2"]
    rep2 = Actor(user_id=info["id"], username="rep2", role="rep",
                 rep_id=world.reps[info["rep"]])
    with pytest.raises(ValidationError) as changed:
        user_service.change_own_password(runtime, rep2, world.password("rep2"), "letmein123")
    assert changed.value.code == "password_weak"
    # nothing changed: the old password still signs in
    assert Browser(cockpit).login("rep2", world.password("rep2")).status_code == 303
