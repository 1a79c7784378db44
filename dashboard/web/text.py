"""Words of the server-rendered pages (sign-in, sign-out, password, errors), in English and
Simplified Chinese."""

from __future__ import annotations

LANGUAGES = {"en": "English", "zh": "简体中文"}

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "product": "Customer cockpit",
        "sign_in": "Sign in",
        "username": "User name",
        "password": "Password",
        "sign_in_button": "Sign in",
        "form_expired": "The form expired. Please try again.",
        "sign_out": "Sign out",
        "sign_out_question": "Sign out of the customer cockpit?",
        "signed_out": "You have signed out.",
        "password_title": "Change password",
        "current_password": "Current password",
        "new_password": "New password",
        "repeat_password": "Repeat the new password",
        "password_hint": "At least 8 characters; 15 or more is better. Common passwords "
                         "are refused.",
        "passwords_differ": "The two new passwords differ.",
        "password_changed": "Password changed. Please sign in again.",
        "save": "Save",
        "back": "Back to the cockpit",
        "not_found_title": "Page not found",
        "not_found_text": "There is nothing at this address.",
        "error_title": "Something went wrong",
        "error_text": "The cockpit could not complete this request. Please try again.",
        "denied_title": "Not allowed",
        "denied_text": "This request was refused.",
        "reference": "Reference",
    },
    "zh": {
        "product": "客户驾驶舱",
        "sign_in": "登录",
        "username": "用户名",
        "password": "密码",
        "sign_in_button": "登录",
        "form_expired": "表单已过期，请重试。",
        "sign_out": "退出",
        "sign_out_question": "确定退出客户驾驶舱？",
        "signed_out": "您已退出。",
        "password_title": "修改密码",
        "current_password": "当前密码",
        "new_password": "新密码",
        "repeat_password": "再次输入新密码",
        "password_hint": "至少 8 个字符，建议 15 个以上；常见密码不可用。",
        "passwords_differ": "两次输入的新密码不一致。",
        "password_changed": "密码已修改，请重新登录。",
        "save": "保存",
        "back": "返回驾驶舱",
        "not_found_title": "页面不存在",
        "not_found_text": "此地址没有内容。",
        "error_title": "出错了",
        "error_text": "无法完成此请求，请重试。",
        "denied_title": "不允许",
        "denied_text": "此请求被拒绝。",
        "reference": "编号",
    },
}


def pick_language(requested: str | None, cookie: str | None, accept: str | None,
                  default: str = "en") -> str:
    """The page language: an explicit choice, then the remembered one, then the browser's."""
    for candidate in (requested, cookie):
        if candidate in LANGUAGES:
            return candidate
    if accept and accept.strip().lower().startswith("zh"):
        return "zh"
    return default if default in LANGUAGES else "en"
