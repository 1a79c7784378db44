"""Issue 16 (1, 5): the sign-in throttle holds under concurrency, counts per user name and
address with a higher ceiling per address, and never checks more passwords than allowed.

Runs on SQLite and, with ``COCKPIT_TEST_DATABASE_URL``, on PostgreSQL (READ COMMITTED, where
counting and recording a failure in one transaction used to let 12-13 of 30 through)."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from sqlalchemy import select

from dashboard import auth, passwords
from dashboard.auth import THROTTLE_LIMIT, Client
from dashboard.db import session_scope
from dashboard.errors import AuthenticationFailed, RateLimited
from dashboard.models import LoginAttempt


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password check (argon2 verify, or the dummy one for unknown names), slowed down
    so that parallel attempts overlap while a password is being checked."""
    calls: list[str] = []
    lock = threading.Lock()
    real_verify = passwords.verify_password

    def counted_verify(stored_hash: str, password: str) -> bool:
        with lock:
            calls.append(password)
        time.sleep(0.05)
        return real_verify(stored_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counted_verify)
    return calls


def _parallel_sign_ins(runtime, attempts: list[tuple[str, str, str]]) -> Counter:  # noqa: ANN001
    """Run every (user name, password, address) at once, one thread (and connection) each;
    the outcome of each: ``ok``, ``refused`` (wrong credentials) or ``throttled``."""
    outcomes: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(attempts))

    def one(username: str, password: str, ip: str) -> None:
        start.wait()
        try:
            auth.sign_in(runtime, username, password, Client(ip=ip))
            outcome = "ok"
        except RateLimited:
            outcome = "throttled"
        except AuthenticationFailed:
            outcome = "refused"
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=one, args=attempt) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(outcomes.values()) == len(attempts)
    return outcomes


def test_thirty_parallel_wrong_passwords_check_exactly_the_limit(runtime, world,
                                                                verifications) -> None:  # noqa: ANN001
    attempts = [("rep1", f"wrong password {i}", "192.0.2.40") for i in range(30)]
    outcomes = _parallel_sign_ins(runtime, attempts)
    assert outcomes == {"refused": THROTTLE_LIMIT, "throttled": 30 - THROTTLE_LIMIT}
    assert len(verifications) == THROTTLE_LIMIT
    with session_scope(runtime.engine) as session:
        reasons = Counter(session.execute(
            select(LoginAttempt.reason).where(LoginAttempt.ip == "192.0.2.40")).scalars())
    assert reasons == {"bad_password": 10, "throttled": 20}  # no attempt left "checking"


def test_parallel_attempts_from_one_address_stop_at_its_ceiling(runtime, world, clock,
                                                               verifications) -> None:  # noqa: ANN001
    ceiling = runtime.settings.sign_in_ip_limit
    assert ceiling == 10 * THROTTLE_LIMIT
    names = [f"ghost{i}" for i in range(15)]  # 15 names x 8 attempts: no name reaches 10
    attempts = [(names[i % 15], f"bad {i}", "192.0.2.41") for i in range(120)]
    outcomes = _parallel_sign_ins(runtime, attempts)
    assert outcomes == {"refused": ceiling, "throttled": 120 - ceiling}


def test_one_user_name_is_throttled_per_address_not_everywhere(runtime, world, clock,
                                                              verifications) -> None:  # noqa: ANN001
    office, home = Client(ip="192.0.2.50"), Client(ip="192.0.2.51")
    outcomes = []
    for i in range(11):
        try:
            auth.sign_in(runtime, "rep2", f"typo {i}", office)
        except RateLimited as exc:
            outcomes.append(("throttled", exc.retry_after))
        except AuthenticationFailed:
            outcomes.append(("refused", None))
    assert outcomes == [("refused", None)] * 10 + [("throttled", 20)]
    # the same account from another address, and another account from the same office
    assert auth.sign_in(runtime, "rep2", world.password("rep2"), home).user_id == \
        world.user_id("rep2")
    assert auth.sign_in(runtime, "rep1", world.password("rep1"), office).user_id == \
        world.user_id("rep1")
    clock.advance(19)
    with pytest.raises(RateLimited) as still:
        auth.sign_in(runtime, "rep2", world.password("rep2"), office)
    assert still.value.retry_after == 1
    clock.advance(1)
    assert auth.sign_in(runtime, "rep2", world.password("rep2"), office).user_id == \
        world.user_id("rep2")


def test_the_address_ceiling_opens_when_its_oldest_counted_failure_leaves(
        runtime, world, clock, verifications) -> None:  # noqa: ANN001
    ceiling = runtime.settings.sign_in_ip_limit
    nat = Client(ip="192.0.2.60")
    for i in range(ceiling):  # ceiling failures, 9 per name, one every 0.1 s
        with pytest.raises(AuthenticationFailed):
            auth.sign_in(runtime, f"ghost{i // 9}", f"bad {i}", nat)
        clock.advance(0.1)
    # 10 s after the first failure: the window (20 s) opens when it leaves, in 10 s
    with pytest.raises(RateLimited) as refused:
        auth.sign_in(runtime, "rep3", world.password("rep3"), nat)
    assert refused.value.retry_after == 10
    assert len(verifications) == ceiling
    clock.advance(10)
    assert auth.sign_in(runtime, "rep3", world.password("rep3"), nat).user_id == \
        world.user_id("rep3")
