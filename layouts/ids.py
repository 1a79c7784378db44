"""Every component id, declared once (kebab-case ``page-thing-kind``)."""

from __future__ import annotations

# shell
URL = "shell-url"
PAGE_CONTENT = "shell-page-content"
SHELL_MESSAGE = "shell-message-alert"
LANGUAGE_NEXT = "shell-language-next-input"
NAVBAR_TOGGLER = "shell-navbar-toggler"
NAVBAR_COLLAPSE = "shell-navbar-collapse"

# global filter bar (in the shell; kept in the address, see layouts/links.py)
FILTER_BAR = "filter-bar-div"
FILTER_AS_OF = "filter-as-of-input"
FILTER_PERIOD = "filter-period-select"
FILTER_TYPE = "filter-type-select"
FILTER_REGION = "filter-region-select"
FILTER_MANAGER = "filter-manager-select"

# cockpit overview
COCKPIT_QUERY = "cockpit-query-store"
COCKPIT_HEADLINE = "cockpit-headline-div"
COCKPIT_KPIS = "cockpit-kpis-div"
COCKPIT_STATUS = "cockpit-status-div"
COCKPIT_TIERS = "cockpit-tiers-div"
COCKPIT_MATRIX = "cockpit-matrix-div"
COCKPIT_MOVERS = "cockpit-movers-div"
COCKPIT_BACKTEST = "cockpit-backtest-div"
COCKPIT_EMPTY = "cockpit-empty-div"
COCKPIT_PANELS = "cockpit-panels-div"

# team (owner only: users and roles)
TEAM_USERS_GRID = "team-users-grid"
TEAM_REFRESH = "team-refresh-store"
TEAM_RESULT = "team-result-alert"
TEAM_NEW_USERNAME = "team-new-username-input"
TEAM_NEW_NAME = "team-new-name-input"
TEAM_NEW_ROLE = "team-new-role-dropdown"
TEAM_NEW_TEAM = "team-new-team-dropdown"
TEAM_NEW_REP = "team-new-rep-dropdown"
TEAM_NEW_PASSWORD = "team-new-password-input"
TEAM_CREATE = "team-create-button"
TEAM_EDIT_TITLE = "team-edit-title-div"
TEAM_EDIT_ROLE = "team-edit-role-dropdown"
TEAM_EDIT_TEAM = "team-edit-team-dropdown"
TEAM_EDIT_REP = "team-edit-rep-dropdown"
TEAM_SAVE = "team-save-button"
TEAM_RESET_PASSWORD = "team-reset-password-button"
TEAM_TOGGLE_ACTIVE = "team-toggle-active-button"

# audit log (owner only)
AUDIT_USERNAME = "audit-username-input"
AUDIT_ACTION = "audit-action-dropdown"
AUDIT_OUTCOME = "audit-outcome-dropdown"
AUDIT_DATES = "audit-dates-picker"
AUDIT_PAGE_SIZE = "audit-page-size-dropdown"
AUDIT_PAGER = "audit-pager-pagination"
AUDIT_TOTAL = "audit-total-div"
AUDIT_GRID = "audit-rows-grid"
