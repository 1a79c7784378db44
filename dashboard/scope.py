"""Who is acting, and which customers they may see.

The scope is derived on the server from the signed-in user (never from browser input) and
applied by services to every read and write: owner all customers; manager the customers of
the reps in their team; rep the customers assigned to them; a customer (a Trade or
Distributor customer's own sign-in) their own record only; anyone else nothing. A customer
also reaches only their own page: ``dashboard.web.customer_gate`` refuses every other route
and callback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    role: str  # owner | manager | rep | customer
    team_id: int | None = None
    rep_id: int | None = None
    customer_id: int | None = None
    ip: str = ""
    request_id: str = ""

    @property
    def scope_kind(self) -> str:
        if self.role == "owner":
            return "all"
        if self.role == "manager" and self.team_id is not None:
            return "team"
        if self.role == "rep" and self.rep_id is not None:
            return "rep"
        if self.role == "customer" and self.customer_id is not None:
            return "customer"
        return "none"

    @property
    def scope_key(self) -> str:
        """A stable key for caches of results that depend on the scope."""
        kind = self.scope_kind
        if kind == "team":
            return f"team:{self.team_id}"
        if kind == "rep":
            return f"rep:{self.rep_id}"
        if kind == "customer":
            return f"customer:{self.customer_id}"
        return kind

    @classmethod
    def system(cls, name: str = "cli") -> Actor:
        """The local administrator running the ``cockpit`` command."""
        return cls(user_id=None, username=name, role="owner")
