"""Every component id, declared once (kebab-case ``page-thing-kind``)."""

from __future__ import annotations

# shell
URL = "shell-url"
PAGE_CONTENT = "shell-page-content"
SHELL_MESSAGE = "shell-message-alert"

# home (plain page until the cockpit overview replaces it)
HOME_SUMMARY = "home-summary-div"
