"""The product's error types.

Services raise these; the web layer turns them into a message for the user (in the user's
language, never a traceback) and the CLI prints them. Each error has a ``code`` (a stable key
for the message catalogue in :data:`MESSAGES`), a ``message`` for logs and the CLI, and
optional ``details`` (for example the row-numbered problems of a validation).
"""

from __future__ import annotations

from typing import Any


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


class ConfigurationError(CockpitError):
    """The instance is configured unsafely or incompletely; it refuses to start."""

    code = "configuration"
    http_status = 500


# Messages shown to users, per language. ``{...}`` placeholders are filled from ``params``.
MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "error": "Something went wrong. Please try again.",
        "invalid": "Please check your input.",
        "not_found": "Not found.",
        "denied": "You do not have access to this.",
        "customer_denied": "This customer does not exist or is not assigned to you.",
        "owner_only": "Only an owner can do this.",
        "signed_out": "Your session has ended. Please sign in again.",
        "bad_credentials": "Wrong user name or password.",
        "conflict": "This clashes with existing data.",
        "rate_limited": "Too many attempts. Please wait {retry_after} seconds.",
        "configuration": "The cockpit is not configured correctly.",
        "unexpected": "Something went wrong (reference {reference}). Please try again.",
        "password_short": "The password must have at least {minimum} characters.",
        "password_long": "The password must have at most {maximum} characters.",
        "password_common": "This password is too common. Choose another one.",
        "password_username": "The password must not be the user name.",
        "username_invalid": "User names use 3-80 letters, digits, dots, dashes or "
                            "underscores.",
        "username_taken": "This user name is already taken.",
        "role_invalid": "Unknown role.",
        "team_unknown": "Unknown team.",
        "rep_unknown": "Unknown account manager.",
        "last_owner": "The last active owner cannot be disabled or demoted.",
        "self_disable": "You cannot disable your own account.",
        "password_wrong": "The current password is wrong.",
    },
    "zh": {
        "error": "出错了，请重试。",
        "invalid": "请检查输入。",
        "not_found": "未找到。",
        "denied": "您无权访问此内容。",
        "customer_denied": "该客户不存在或未分配给您。",
        "owner_only": "只有所有者可以执行此操作。",
        "signed_out": "您的会话已结束，请重新登录。",
        "bad_credentials": "用户名或密码错误。",
        "conflict": "与现有数据冲突。",
        "rate_limited": "尝试次数过多，请等待 {retry_after} 秒。",
        "configuration": "系统配置不正确。",
        "unexpected": "出错了（编号 {reference}），请重试。",
        "password_short": "密码至少需要 {minimum} 个字符。",
        "password_long": "密码最多 {maximum} 个字符。",
        "password_common": "该密码过于常见，请换一个。",
        "password_username": "密码不能与用户名相同。",
        "username_invalid": "用户名为 3-80 个字母、数字、点、横线或下划线。",
        "username_taken": "该用户名已被使用。",
        "role_invalid": "未知角色。",
        "team_unknown": "未知团队。",
        "rep_unknown": "未知经手人。",
        "last_owner": "不能停用或降级最后一个有效的所有者。",
        "self_disable": "不能停用自己的账户。",
        "password_wrong": "当前密码错误。",
    },
}


def user_message(exc: BaseException, language: str = "en", *, reference: str = "") -> str:
    """The text to show a user for ``exc``: the catalogue entry of a product error (with its
    details appended), a generic text with a reference for anything else."""
    catalogue = MESSAGES.get(language) or MESSAGES["en"]
    if not isinstance(exc, CockpitError):
        return catalogue["unexpected"].format(reference=reference or "-")
    template = catalogue.get(exc.code) or MESSAGES["en"].get(exc.code) or catalogue["error"]
    params = {"retry_after": getattr(exc, "retry_after", 1), **exc.params}
    try:
        text = template.format(**params)
    except (KeyError, IndexError, ValueError):
        text = catalogue["error"]
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
