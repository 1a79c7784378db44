"""The role policy of every callback, for the role × callback matrix (RELIABILITY-TESTS B.10).

A callback is known by the first component id of its outputs. ``OWNER_ONLY`` lists the
prefixes of pages only owners use, ``CUSTOMER_OUTPUTS`` the only ones a customer's own sign-in
runs; every other callback is open to all signed-in staff roles and must then scope its data (the matrix checks that no response carries a sentinel customer
name the caller may not see). Page authors add their pages' prefixes here when a page is
restricted; a callback missing from the table is still swept with the default policy.
"""

from __future__ import annotations

OWNER_ONLY = ("users-", "audit-")
ROLES = ("owner", "manager_a", "rep1", "rep_none", "customer1")
STAFF = ROLES[:-1]
# A customer's own sign-in runs only the callbacks of its page (and the navbar toggle);
# everything else is refused by dashboard.web.customer_gate (403, audited).
CUSTOMER_OUTPUTS = ("my-", "shell-navbar-collapse")


def allowed_roles(output_id: str) -> tuple[str, ...]:
    if output_id.startswith(CUSTOMER_OUTPUTS):
        return ROLES
    if output_id.startswith(OWNER_ONLY):
        return ("owner",)
    return STAFF
