"""The instance secret that signs the cockpit's cookies and tokens.

Resolution: ``COCKPIT_SECRET_KEY`` when set; otherwise the file ``secret_key`` in the data
folder (written with mode 600 by :func:`ensure_secret_key_file`, which ``cockpit demo`` and
``cockpit run`` call). In production a missing, empty, well-known or short (< 32 bytes) key
refuses to start; in development a random per-process key is used instead.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

from dashboard.config import Settings
from dashboard.errors import ConfigurationError

MIN_BYTES = 32
MIN_DISTINCT = 8
FILE_NAME = "secret_key"
log = logging.getLogger(__name__)

# Keys seen in frameworks' docs, tutorials, examples and flask-unsign's word list; compared
# without regard to case. Any key containing one of the placeholders below is refused too.
KNOWN_KEYS = frozenset({
    "", "secret", "secret key", "secret_key", "secret-key", "secretkey", "mysecret",
    "mysecretkey", "my secret key", "my-secret-key", "supersecret", "super secret",
    "super-secret", "super secret key", "super-secret-key", "supersecretkey", "changeme",
    "change me", "change-me", "changethis", "change_this", "default", "dev", "development",
    "development key", "dev key", "devkey", "test", "testing", "test key", "password",
    "you-will-never-guess", "you will never guess", "this-is-a-secret",
    "thisisasecret", "this is a secret", "s3cr3t", "secret123", "123456", "keyboard cat",
    "key", "flask", "dash", "cockpit", "notasecret", "not-so-secret", "insecure",
    "your-secret-key", "your secret key", "your_secret_key", "yoursecretkey",
    "replace-me", "replace me", "set-me", "example", "xxxxxxxxxxxxxxxx",
})
PLACEHOLDERS = ("change-me", "changeme", "change_me", "replace-me", "replace_me", "your-secret",
                "your_secret", "example", "placeholder", "insecure", "not-secure")


def key_problem(key: str) -> str | None:
    """Why ``key`` is unsafe, or None when it is acceptable."""
    folded = key.strip().lower()
    if not folded:
        return "it is empty"
    if folded in KNOWN_KEYS or any(p in folded for p in PLACEHOLDERS):
        return "it is a well-known default or example value"
    if len(key.encode("utf-8")) < MIN_BYTES:
        return f"it is shorter than {MIN_BYTES} bytes"
    if len(set(key)) < MIN_DISTINCT:
        return f"it uses fewer than {MIN_DISTINCT} different characters"
    return None


def key_file(settings: Settings) -> Path:
    return settings.data_dir / FILE_NAME


def resolve_secret_key(settings: Settings) -> str:
    """The key to use, or :class:`ConfigurationError` in production when none is safe."""
    configured = str(settings.secret_key or "")
    source = "COCKPIT_SECRET_KEY"
    if not configured:
        path = key_file(settings)
        if path.is_file():
            configured, source = path.read_text(encoding="utf-8").strip(), str(path)
    problem = key_problem(configured)
    if problem is None:
        return configured
    if settings.is_production:
        raise ConfigurationError(
            f"Refusing to start: the secret key from {source} is unsafe ({problem}). Set "
            f"COCKPIT_SECRET_KEY to at least {MIN_BYTES} random bytes, for example the output "
            "of `python -c \"import secrets; print(secrets.token_urlsafe(48))\"`, or run "
            "`cockpit run`/`cockpit demo`, which write one into the data folder.")
    log.warning("Unsafe secret key from %s (%s); using a random key for this process "
                "(development only: sessions end when it restarts).", source, problem)
    return secrets.token_urlsafe(48)


def ensure_secret_key_file(settings: Settings) -> Path | None:
    """Write a random key to ``<data dir>/secret_key`` (mode 600) when no key is configured
    and the file is missing. Returns the file written, or None when nothing was needed."""
    if settings.secret_key:
        return None
    path = key_file(settings)
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")
    os.chmod(path, 0o600)
    return path


def derive_key(secret: str, purpose: str) -> bytes:
    """A separate key per purpose (cookies, CSRF tokens, job handles), so that a value
    signed for one purpose is never valid for another."""
    return hmac.new(secret.encode("utf-8"), f"cockpit:{purpose}".encode(), hashlib.sha256).digest()
