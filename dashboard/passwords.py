"""Password policy and storage.

Hashes are argon2id (argon2-cffi, RFC 9106 "low memory" profile: 64 MiB, 3 passes, 4 lanes,
16-byte random salt per hash), so two users with the same password never share a hash.
Policy: at least 8 characters (15 recommended), at most 256; not one of the 3,000 most common
passwords (``resources/common_passwords.txt``, compared without regard to case and surrounding
spaces); not made from the user's own names (the user name, display name or e-mail, also
reversed, repeated or in look-alike characters, with fewer than 8 other characters); and not
easy to guess by the zxcvbn strength estimator (Dropbox's, which knows tens of thousands of
leaked passwords, words, names, keyboard patterns, dates and the user's names), which must
rate it at least :data:`MIN_SCORE` (about a million guesses or more).
"""

from __future__ import annotations

import secrets
import string
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

from dashboard.errors import ValidationError

MIN_LENGTH = 8
RECOMMENDED_LENGTH = 15
MAX_LENGTH = 256
MIN_SCORE = 2  # zxcvbn: 2 = 10^6 guesses or more; "P@ssw0rd" is 0, "letmein123" 1
ESTIMATED_LENGTH = 100  # zxcvbn slows down on long input; 100 characters decide anyway
_COMMON_FILE = Path(__file__).resolve().parent / "resources" / "common_passwords.txt"

# Replaced (only) by tests with a cheaper argon2id hasher; production uses the RFC profile.
HASHER = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4, hash_len=32,
                        salt_len=16, type=Type.ID)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_problems(password: str, username: str = "",
                      user_inputs: tuple[str, ...] = ()) -> list[str]:
    """Codes (see :data:`dashboard.errors.MESSAGES`) of the rules ``password`` breaks.
    ``user_inputs`` are the user's other names (display name, e-mail)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append("password_short")
    if len(password) > MAX_LENGTH:
        problems.append("password_long")
    folded = password.strip().lower()
    if folded in common_passwords():
        problems.append("password_common")
    names = _name_parts((username, *user_inputs))
    if any(_made_from(password, name) for name in names):
        problems.append("password_username")
    if not problems and _score(password, names) < MIN_SCORE:
        problems.append("password_weak")
    return problems


_LOOK_ALIKE = str.maketrans("013457@$!|", "oieastasil")


def _fold(text: str) -> str:
    """Lower case, look-alike digits and signs as letters, only letters and digits kept."""
    return "".join(ch for ch in text.lower().translate(_LOOK_ALIKE) if ch.isalnum())


def _name_parts(names: tuple[str, ...]) -> list[str]:
    """The user's names and their parts (an e-mail's local part, a display name's words),
    folded; parts shorter than 3 characters say nothing."""
    parts: set[str] = set()
    for name in names:
        text = (name or "").strip()
        if not text:
            continue
        pieces = [text, text.split("@")[0], *text.replace("@", " ").replace(".", " ").split()]
        parts.update(_fold(piece) for piece in pieces)
    return sorted((p for p in parts if len(p) >= 3), key=len, reverse=True)


def _made_from(password: str, name: str) -> bool:
    """True when ``password`` is ``name`` (or reversed) with fewer than :data:`MIN_LENGTH`
    other characters around or between its copies: "victimvictim", "Victim123", "mitciv"."""
    folded = _fold(password)
    if name not in folded and name[::-1] not in folded:
        return False
    rest = folded.replace(name, "").replace(name[::-1], "")
    return len(rest) < MIN_LENGTH


def _score(password: str, names: list[str]) -> int:
    return int(zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=names)["score"])


def check_password(password: str, username: str = "", user_inputs: tuple[str, ...] = ()) -> None:
    """Raise :class:`ValidationError` (code of the first broken rule) unless acceptable."""
    problems = password_problems(password, username, user_inputs)
    if problems:
        raise ValidationError(f"password rejected: {', '.join(problems)}", code=problems[0],
                              minimum=MIN_LENGTH, maximum=MAX_LENGTH)


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches; a malformed hash never matches."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        return True


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return HASHER.hash(secrets.token_urlsafe(16))


def burn_verification(password: str) -> None:
    """Spend the time of one verification, so that an unknown user name answers as slowly as
    a wrong password (no user-enumeration by timing)."""
    verify_password(_dummy_hash(), password)


_ALPHABET = string.ascii_letters + string.digits


def generate_password(length: int = 16) -> str:
    """A random password (letters and digits) that passes the policy."""
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if not password_problems(candidate):
            return candidate
