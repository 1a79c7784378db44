"""The words an export shows for the product's coded values, as message ids (translated
when a table is written, in the reader's language). They are the pages' own words: the same
message ids as the list grid and the labels of the pages (``layouts/labels.py``,
``layouts/customer_grid.py``), so a file says what the screen says."""

from __future__ import annotations

from dashboard.analytics.kinds import CUSTOMER_TYPES
from dashboard.i18n import N_

STATUS_NAMES = {
    "active": N_("Active"),
    "churning": N_("Churning"),
    "lost": N_("Lost"),
    "never": N_("Never traded"),
    "new": N_("New this period"),
    "once": N_("One-time buyers"),
}
MOVE_NAMES = {
    "up": N_("Moved up"),
    "down": N_("Moved down"),
    "same": N_("Same tier"),
    "new": N_("New (no tier before)"),
}
ACTION_NAMES = {
    "keep": N_("Keep and protect"),
    "grow": N_("Raise repeat rate and basket to reach A"),
    "promote": N_("Promote"),
    "call": N_("Phone call with an incentive"),
    "visit": N_("Visit in person now"),
}
CUSTOMER_TYPE_NAMES = {code: kind.label for code, kind in CUSTOMER_TYPES.items()}
ALERT_STATUS_NAMES = {"open": N_("To do"), "done": N_("Handled")}
ROLE_NAMES = {"owner": N_("Owner"), "manager": N_("Sales manager"), "rep": N_("Sales rep"),
              "customer": N_("Customer")}
USER_STATES = {True: N_("active"), False: N_("disabled")}
YES_NO = {True: N_("yes"), False: N_("no")}
CHANNEL_NAMES = {"sms": N_("SMS"), "email": N_("E-mail"), "log": N_("Log file")}  # as the lists

__all__ = ["ACTION_NAMES", "ALERT_STATUS_NAMES", "CHANNEL_NAMES", "CUSTOMER_TYPE_NAMES", "MOVE_NAMES",
           "ROLE_NAMES", "STATUS_NAMES", "USER_STATES", "YES_NO"]
