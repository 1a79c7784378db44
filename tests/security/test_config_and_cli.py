"""Session lifetime, proxy-aware Secure cookies, the health check, and `cockpit user`."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from dashboard.cli import main
from tests.security.fixtures import Browser

HOME = "shell-language-next-input.value"  # a callback every signed-in user may call


def test_idle_and_old_sessions_end(cockpit, world, clock, signed_in) -> None:  # noqa: ANN001
    client = signed_in("rep1")
    clock.advance(479 * 60)
    assert client.callback(HOME).status_code == 200  # activity refreshes the idle timer
    clock.advance(479 * 60)
    assert client.callback(HOME).status_code == 200
    clock.advance(481 * 60)
    assert client.callback(HOME).status_code == 401
    other = signed_in("rep2")
    for _ in range(25):  # active all along, but a week is the most a sign-in lasts
        clock.advance(7 * 3600)
        other.callback(HOME)
    assert other.callback(HOME).status_code == 401


def _cookie_flags(cockpit, world, **kwargs) -> set[str]:  # noqa: ANN001
    client = Browser(cockpit)
    form = client.client.get("/login", **kwargs).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.client.post("/login", data={
        "username": "owner", "password": world.password("owner"), "csrf_token": token,
        "next": "/"}, **kwargs)
    header = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith("cockpit_session="))
    return {p.strip().lower() for p in header.split(";")[1:]}


def test_secure_flag_follows_https_and_trusted_proxies(runtime, world) -> None:  # noqa: ANN001
    from app import create_app

    plain = create_app(runtime.settings, runtime)
    assert "secure" in _cookie_flags(plain, world, base_url="https://cockpit.test")
    assert "secure" not in _cookie_flags(plain, world, base_url="http://cockpit.test")
    assert "secure" not in _cookie_flags(plain, world, base_url="http://cockpit.test",
                                         headers={"X-Forwarded-Proto": "https"})
    runtime.settings = runtime.settings.replace(trusted_proxies=1)
    proxied = create_app(runtime.settings, runtime)
    assert "secure" in _cookie_flags(proxied, world, base_url="http://cockpit.test",
                                     headers={"X-Forwarded-Proto": "https",
                                              "X-Forwarded-For": "198.51.100.1"})
    runtime.settings = runtime.settings.replace(trusted_proxies=0, cookie_secure="always")
    always = create_app(runtime.settings, runtime)
    assert "secure" in _cookie_flags(always, world, base_url="http://cockpit.test")


def test_health_check_is_public_and_terse(cockpit) -> None:  # noqa: ANN001
    response = Browser(cockpit).get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_sign_in_page_speaks_chinese_and_english(cockpit) -> None:  # noqa: ANN001
    client = Browser(cockpit)
    zh = client.get("/login?lang=zh").get_data(as_text=True)
    assert "用户名" in zh and 'lang="zh-CN"' in zh
    assert "用户名" in client.get("/login").get_data(as_text=True)  # remembered
    en = client.get("/login?lang=en").get_data(as_text=True)
    assert "User name" in en
    # no address off this server (a random token may spell "cdn"; an address may not)
    assert not re.search(r"(?:src|href)=[\"']?(?:https?:)?//", en, re.I)
    assert not re.search(r"//[^\"'\s]*cdn", en, re.I)
    assert "/assets/vendor/bootstrap/bootstrap.min.css" in en
    fresh = Browser(cockpit)
    accept = fresh.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "用户名" in accept.get_data(as_text=True)


@pytest.fixture
def cli_env(runtime, monkeypatch):  # noqa: ANN001, ANN201
    url = runtime.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("COCKPIT_DATABASE_URL", url)
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(runtime.settings.data_dir))
    return CliRunner()


def test_cli_user_commands(cli_env, cockpit, world) -> None:  # noqa: ANN001
    runner = cli_env
    added = runner.invoke(main, ["user", "add", "Carla", "--role", "manager", "--team",
                                 "Team B", "--generate"])
    assert added.exit_code == 0, added.output
    password = added.output.strip().rsplit(" ", 1)[-1]
    assert Browser(cockpit).login("carla", password).status_code == 303
    prompted = runner.invoke(main, ["user", "add", "dora", "--role", "rep", "--rep", "Rep 1"],
                             input="a fine long passphrase\na fine long passphrase\n")
    assert prompted.exit_code == 0 and "shown once" not in prompted.output
    weak = runner.invoke(main, ["user", "passwd", "dora"], input="password1\npassword1\n")
    assert weak.exit_code == 1 and "too common" in weak.output
    dup = runner.invoke(main, ["user", "add", "DORA", "--role", "rep", "--generate"])
    assert dup.exit_code == 1 and "already taken" in dup.output
    client = Browser(cockpit)
    assert client.login("dora", "a fine long passphrase").status_code == 303
    disabled = runner.invoke(main, ["user", "disable", "dora"])
    assert disabled.exit_code == 0 and "1 session(s) ended" in disabled.output
    assert client.callback(HOME).status_code == 401
    listed = runner.invoke(main, ["user", "list"])
    assert listed.exit_code == 0
    assert "dora" in listed.output and "disabled" in listed.output
    assert "Team B" in listed.output
    unknown = runner.invoke(main, ["user", "passwd", "nobody", "--generate"])
    assert unknown.exit_code == 1
