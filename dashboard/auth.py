"""Signing in and out, and the server-side sessions behind the session cookie.

- The cookie carries only a random token (256 bits); the database keeps its SHA-256
  (``user_sessions.id``), so a copy of the table cannot be replayed as cookies.
- Every sign-in creates a new session (the token a browser had before is never promoted to
  an authenticated one, and a session it pointed at is ended).
- Sign-out, disabling a user and a password change revoke the sessions; an idle session
  ends after ``SESSION_IDLE_MINUTES``, any session after ``SESSION_MAX_HOURS``.
- Role, team and account manager are read with the session on every request, so a change
  applies to the user's next request.
- Throttling: after :data:`THROTTLE_LIMIT` failed sign-ins within :data:`THROTTLE_WINDOW`
  for one user name from one address, or ``COCKPIT_SIGN_IN_IP_LIMIT`` (default 10 times as
  many) from one address across all user names, further attempts are refused with a wait
  time until older failures leave the window (no permanent lock-out; one office behind a
  shared address is not locked out by one user's typos). The counts come from the
  ``login_attempts`` table, so every worker and host sees the same numbers; counting and
  recording an attempt happen under a per-address lock, so the limits hold under any
  concurrency. That table is also the security log (user name, address, UTC time, outcome).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from dashboard import passwords
from dashboard.data import users as data
from dashboard.data.audit import insert_audit
from dashboard.db import session_scope
from dashboard.errors import AuthenticationFailed, RateLimited
from dashboard.runtime import Runtime
from dashboard.scope import Actor

THROTTLE_LIMIT = 10
THROTTLE_WINDOW = dt.timedelta(seconds=20)
CHECKING = "checking"
COUNTED_FAILURES = ("bad_password", "unknown_user", "disabled", CHECKING)
TOUCH_EVERY = dt.timedelta(seconds=60)
Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class Client:
    """Where a request comes from."""

    ip: str = ""
    user_agent: str = ""
    request_id: str = ""


def session_key(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()[:80]


def clock_of(runtime: Runtime) -> Clock:
    """The runtime's clock (tests replace ``runtime.clock``): naive UTC."""
    return runtime.clock


def actor_for(user: data.SessionUser | data.UserRecord, client: Client) -> Actor:
    user_id = user.user_id if isinstance(user, data.SessionUser) else user.id
    return Actor(user_id=user_id, username=user.username, role=user.role,
                 team_id=user.team_id, rep_id=user.rep_id, customer_id=user.customer_id,
                 ip=client.ip, request_id=client.request_id)


def _anonymous(username: str, client: Client, user_id: int | None = None) -> Actor:
    return Actor(user_id=user_id, username=username, role="", ip=client.ip,
                 request_id=client.request_id)


@dataclass(frozen=True)
class SignIn:
    token: str
    user_id: int
    username: str
    language: str | None


def sign_in(runtime: Runtime, username: str, password: str, client: Client, *,
            previous_token: str | None = None) -> SignIn:
    """Check the credentials and start a new session. Raises :class:`RateLimited` when
    throttled and :class:`AuthenticationFailed` for any wrong credential; every attempt is
    recorded in ``login_attempts`` and the audit log.

    The attempt is counted before the password is checked: one short transaction, holding
    the address's lock, counts the recent failures and records the attempt as ``checking``
    (a counted failure), so parallel attempts (threads, workers, hosts) can never check more
    passwords than the limit. The verdict is written afterwards; an attempt whose process
    dies while checking stays a failure."""
    name = normalise_username(username)
    now = clock_of(runtime)()
    with session_scope(runtime.engine, write=True) as session:
        data.lock_sign_in_address(session, client.ip)
        wait = _throttle_wait(session, name, client.ip, now, _ip_limit(runtime))
        if wait:
            _record_attempt(session, name, client, now, False, "throttled", None)
        else:
            attempt_id = data.insert_login_attempt(session, at=now, username=name,
                                                   ip=client.ip, success=False,
                                                   reason=CHECKING)
    if wait:
        raise RateLimited("too many failed sign-ins", retry_after=wait)
    with session_scope(runtime.engine, write=True) as session:
        outcome = _check_and_start(session, attempt_id, name, password, client, now,
                                   previous_token)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _ip_limit(runtime: Runtime) -> int:
    try:
        return max(THROTTLE_LIMIT, int(runtime.settings.sign_in_ip_limit))
    except (AttributeError, TypeError, ValueError):
        return THROTTLE_LIMIT * 10


def _throttle_wait(session, name: str, ip: str, now: dt.datetime,  # noqa: ANN001
                   ip_limit: int) -> int:
    since = now - THROTTLE_WINDOW
    by_user, by_ip = data.get_recent_failures(session, username=name, ip=ip, since=since,
                                              reasons=COUNTED_FAILURES)
    if by_user < THROTTLE_LIMIT and by_ip < ip_limit:
        return 0
    oldest = data.get_earliest_failure(session, username=name, ip=ip, since=since,
                                       reasons=COUNTED_FAILURES,
                                       limits=(THROTTLE_LIMIT, ip_limit))
    opens = (oldest or now) + THROTTLE_WINDOW
    return max(1, int((opens - now).total_seconds() + 0.999))


def _check_and_start(session, attempt_id: int, name: str, password: str,  # noqa: ANN001
                     client: Client, now: dt.datetime,
                     previous_token: str | None) -> SignIn | Exception:
    user = data.get_user_by_username(session, name) if name else None
    if user is None:
        passwords.burn_verification(password)
        reason = "unknown_user"
    elif not passwords.verify_password(user.password_hash, password):
        reason = "bad_password"
    elif not user.is_active:
        reason = "disabled"
    else:
        return _start_session(session, attempt_id, user, password, client, now,
                              previous_token)
    _record_verdict(session, attempt_id, name, client, False, reason,
                    user.id if user else None)
    return AuthenticationFailed(f"sign-in refused: {reason}")


def _start_session(session, attempt_id: int, user: data.UserRecord,  # noqa: ANN001
                   password: str, client: Client, now: dt.datetime,
                   previous_token: str | None) -> SignIn:
    if previous_token:
        data.revoke_session(session, session_key(previous_token), now)
    token = new_token()
    data.insert_session(session, key=session_key(token), user_id=user.id, now=now,
                        ip=client.ip, user_agent=client.user_agent)
    changes: dict[str, object] = {"last_login_at": now}
    if passwords.needs_rehash(user.password_hash):
        changes["password_hash"] = passwords.hash_password(password)
    data.update_user(session, user.id, **changes)
    _record_verdict(session, attempt_id, user.username, client, True, "ok", user.id)
    return SignIn(token=token, user_id=user.id, username=user.username, language=user.language)


def _record_attempt(session, name: str, client: Client, now: dt.datetime,  # noqa: ANN001
                    success: bool, reason: str, user_id: int | None) -> None:
    data.insert_login_attempt(session, at=now, username=name, ip=client.ip, success=success,
                              reason=reason)
    _audit_attempt(session, name, client, success, reason, user_id)


def _record_verdict(session, attempt_id: int, name: str, client: Client,  # noqa: ANN001
                    success: bool, reason: str, user_id: int | None) -> None:
    data.update_login_attempt(session, attempt_id, success=success, reason=reason)
    _audit_attempt(session, name, client, success, reason, user_id)


def _audit_attempt(session, name: str, client: Client, success: bool,  # noqa: ANN001
                   reason: str, user_id: int | None) -> None:
    action = "sign_in" if success else ("sign_in_throttled" if reason == "throttled"
                                        else "sign_in_failed")
    insert_audit(session, _anonymous(name, client, user_id), action, object_type="user",
                 object_id=user_id or "", detail={"reason": reason},
                 outcome="ok" if success else "denied")


def sign_out(runtime: Runtime, token: str, client: Client) -> bool:
    """End the session of ``token``; True when there was one to end."""
    now = clock_of(runtime)()
    key = session_key(token)
    with session_scope(runtime.engine, write=True) as session:
        user = data.get_session_user(session, key)
        ended = data.revoke_session(session, key, now) > 0
        if user is not None and ended:
            insert_audit(session, actor_for(user, client), "sign_out", object_type="user",
                         object_id=user.user_id)
    return ended


def resolve_session(runtime: Runtime, token: str | None) -> data.SessionUser | None:
    """The signed-in user of ``token`` when its session is live, its user active, and it is
    neither idle too long nor too old; refreshes ``last_seen_at`` at most once a minute."""
    if not token or len(token) > 128:
        return None
    settings = runtime.settings
    now = clock_of(runtime)()
    key = session_key(token)
    with session_scope(runtime.engine) as session:
        user = data.get_session_user(session, key)
    if user is None or not user.is_active:
        return None
    idle = dt.timedelta(minutes=int(settings.session_idle_minutes))
    max_age = dt.timedelta(hours=int(settings.session_max_hours))
    if now - user.last_seen_at > idle or now - user.created_at > max_age:
        return None
    if now - user.last_seen_at > TOUCH_EVERY:
        with session_scope(runtime.engine, write=True) as session:
            data.touch_session(session, key, now)
    return user
