"""RELIABILITY-TESTS B.10 (role × callback matrix, generated from ``app.callback_map`` so new
callbacks are covered automatically) and the static guards of C.18 / F.35."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from sqlalchemy import func, select

from dashboard.db import session_scope
from dashboard.models import AuditLog
from tests.security.fixtures import _outputs, side_message
from tests.security.policy import ROLES, allowed_roles

ROOT = Path(__file__).resolve().parents[2]


def _first_output(key: str) -> str:
    return str(_outputs(key)[0][0][0])


def test_role_callback_matrix(cockpit, runtime, world, signed_in) -> None:  # noqa: ANN001
    browsers = {role: signed_in(role) for role in ROLES}
    keys = [k for k, spec in cockpit.callback_map.items()
            if "callback" in spec and not _first_output(k).startswith("_pages")]
    assert keys
    checked = refused = 0
    for key in keys:
        roles = allowed_roles(_first_output(key))
        for role, client in browsers.items():
            response = client.callback(key)
            text = response.get_data(as_text=True)
            hidden = world.all_sentinels() - world.visible_sentinels(role)
            assert not any(s in text for s in hidden), (role, key)
            if world.users[role]["role"] == "customer" and role not in roles:
                assert response.status_code == 403, (role, key, response.status_code)
                assert response.get_json()["error"] == "denied"
                refused += 1
                checked += 1
                continue
            assert response.status_code in (200, 204), (role, key, response.status_code)
            if role not in roles and response.status_code == 200:
                payload = response.get_json()
                assert not payload.get("response"), (role, key)
                assert side_message(response), (role, key)
            checked += 1
    assert checked == len(keys) * len(ROLES)
    with session_scope(runtime.engine) as session:
        denied = session.execute(select(AuditLog.username, func.count()).where(
            AuditLog.outcome == "denied").group_by(AuditLog.username)).all()
    assert "owner" not in dict(denied)
    assert refused and dict(denied)["customer1"] >= refused  # every refusal audited


def _sources() -> list[Path]:
    return sorted(p for folder in ("layouts", "callbacks", "app.py")
                  for p in ([ROOT / folder] if folder.endswith(".py")
                            else (ROOT / folder).rglob("*.py")))


def test_no_raw_html_or_code_rendering_switches() -> None:
    pattern = re.compile(r"dangerously_allow_html\s*=\s*True|dangerously_allow_code|"
                         r"dangerouslySetInnerHTML|allow_unsafe|unsafe_allow_html")
    offenders = [str(p.relative_to(ROOT)) for p in _sources() if pattern.search(p.read_text())]
    assert offenders == []


def test_dash_is_pinned_to_a_version_with_signed_job_handles() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    dash = next(d for d in project["dependencies"] if re.match(r"dash(\[[^\]]*\])?\s*[><=]", d))
    low = re.search(r">=\s*([0-9.]+)", dash).group(1)
    assert tuple(int(x) for x in low.split(".")) >= (4, 4, 1)
    import dash as dash_module

    assert tuple(int(x) for x in dash_module.__version__.split(".")[:3]) >= (4, 4, 1)


def test_callbacks_take_the_actor_from_the_server_only() -> None:
    """No callback parameter or state is named like a role or user id: the actor comes from
    ``callbacks._runtime.current_actor()``."""
    suspicious = re.compile(r"State\([^)]*(role|user_id|username|actor|scope)[^)]*\)")
    offenders = []
    for path in (ROOT / "callbacks").rglob("*.py"):
        for match in suspicious.finditer(path.read_text()):
            if "USERS_" not in match.group(0) and "AUDIT_" not in match.group(0):
                offenders.append(f"{path.name}: {match.group(0)}")
    assert offenders == [], json.dumps(offenders)
