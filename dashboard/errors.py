"""The product's error types.

Services raise these; the web layer turns them into a message for the user (in the user's
language, never a traceback) and the CLI prints them. Each error has a ``code`` (a stable key
for the message in :data:`MESSAGES`, translated through the catalogs of ``dashboard.i18n``),
a ``message`` for logs and the CLI, and optional ``details`` (for example the row-numbered
problems of a validation).
"""

from __future__ import annotations

from typing import Any

from dashboard.i18n import N_, translate


class CockpitError(Exception):
    """Base of every error the product raises on purpose."""

    code = "error"
    http_status = 400

    def __init__(self, message: str = "", *, code: str | None = None,
                 details: list[str] | None = None, **params: Any) -> None:
        super().__init__(message or self.code)
        self.message = message or self.code
        if code is not None:
            self.code = code
        self.details = list(details or [])
        self.params = params


class ValidationError(CockpitError):
    """Input that cannot be accepted: the message says what to change."""

    code = "invalid"
    http_status = 400


class NotFound(CockpitError):
    code = "not_found"
    http_status = 404


class AccessDenied(CockpitError):
    """The signed-in user may not see or change this object. ``object_type`` and
    ``object_id`` describe what was refused (for the audit log, never shown verbatim)."""

    code = "denied"
    http_status = 403

    def __init__(self, message: str = "", *, object_type: str = "", object_id: str | int = "",
                 reason: str = "", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.object_type = object_type
        self.object_id = str(object_id)
        self.reason = reason


class AuthenticationRequired(CockpitError):
    """No valid session (signed out, expired or revoked)."""

    code = "signed_out"
    http_status = 401


class AuthenticationFailed(CockpitError):
    """Wrong user name or password, or a disabled account (one message for all three)."""

    code = "bad_credentials"
    http_status = 401


class Conflict(CockpitError):
    """The change clashes with the current state (for example a duplicate name)."""

    code = "conflict"
    http_status = 409


class RateLimited(CockpitError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str = "", *, retry_after: int = 1, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = max(1, int(retry_after))


class Unavailable(CockpitError):
    """A dependency (the database) answers too slowly for this request; trying again later
    may work. Nothing was changed by the request that raised it."""

    code = "unavailable"
    http_status = 503


class ConfigurationError(CockpitError):
    """The instance is configured unsafely or incompletely; it refuses to start."""

    code = "configuration"
    http_status = 500


# Messages shown to users, by code, in English; ``user_message`` translates them through the
# catalogs (``dashboard/locale``). ``{...}`` placeholders are filled from ``params``.
MESSAGES: dict[str, str] = {
    "error": N_("Something went wrong. Please try again."),
    "invalid": N_("Please check your input."),
    "not_found": N_("Not found."),
    "denied": N_("You do not have access to this."),
    "customer_denied": N_("This customer does not exist or is not assigned to you."),
    "owner_only": N_("Only an owner can do this."),
    "signed_out": N_("Your session has ended. Please sign in again."),
    "bad_credentials": N_("Wrong user name or password."),
    "conflict": N_("This clashes with existing data."),
    "rate_limited": N_("Too many attempts. Please wait {retry_after} seconds."),
    "configuration": N_("The cockpit is not configured correctly."),
    "unavailable": N_("The database is answering slowly. Please try again in a moment."),
    "unexpected": N_("Something went wrong (reference {reference}). Please try again."),
    "password_short": N_("The password must have at least {minimum} characters."),
    "password_long": N_("The password must have at most {maximum} characters."),
    "password_common": N_("This password is too common. Choose another one."),
    "password_username": N_("The password must not be made from your user name or name."),
    "password_weak": N_("This password is easy to guess. Use a longer one, for example a few "
                        "unrelated words."),
    "username_invalid": N_("User names use 3-80 letters, digits, dots, dashes or "
                           "underscores."),
    "username_taken": N_("This user name is already taken."),
    "role_invalid": N_("Unknown role."),
    "team_unknown": N_("Unknown team."),
    "rep_unknown": N_("Unknown account manager."),
    "customer_unknown": N_("Unknown customer code."),
    "customer_sign_in_type": N_("Only Trade and Distributor customers can have a sign-in."),
    "customer_sign_in_fields": N_("A customer sign-in is bound to one customer (a customer "
                                  "code) and has no team or account manager; staff users have "
                                  "no customer."),
    "last_owner": N_("The last active owner cannot be disabled or demoted."),
    "self_disable": N_("You cannot disable your own account."),
    "password_wrong": N_("The current password is wrong."),
    "message_delivered": N_("The provider has already taken this message, so it is not sent "
                            "again. Mark it as sent."),
    "bad_period": N_("Unknown period."),
    "selection_expired": N_("This list or selection has expired. Open the list again."),
    "selection_too_large": N_("Select at most {maximum} customers at a time."),
}


def user_message(exc: BaseException, language: str | None = None, *,
                 reference: str = "") -> str:
    """The text to show a user for ``exc`` in ``language`` (default: the current one): the
    catalogue entry of a product error (with its details appended), a generic text with a
    reference for anything else."""
    if not isinstance(exc, CockpitError):
        return translate(MESSAGES["unexpected"], language, reference=reference or "-")
    template = MESSAGES.get(exc.code) or MESSAGES["error"]
    params = {"retry_after": getattr(exc, "retry_after", 1), **exc.params}
    try:
        translate(template, "en").format(**params)
    except (KeyError, IndexError, ValueError):
        template, params = MESSAGES["error"], {}
    text = translate(template, language, **params)
    if exc.details:
        text = text + " " + "; ".join(exc.details[:20])
    return text


__all__ = [
    "MESSAGES",
    "AccessDenied",
    "AuthenticationFailed",
    "AuthenticationRequired",
    "CockpitError",
    "ConfigurationError",
    "Conflict",
    "NotFound",
    "RateLimited",
    "ValidationError",
    "user_message",
]
