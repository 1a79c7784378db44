"""The signed-in user, the actor and the runtime of the current request.

The guard (``dashboard.web.guard``) fills these for every request before any view or Dash
callback runs (the user from flask-login's ``current_user``, see ``dashboard.web.login``);
callbacks reach them through ``callbacks._runtime``.
"""

from __future__ import annotations

from flask import current_app, g, has_request_context, request

from dashboard.auth import Client, actor_for
from dashboard.data.users import SessionUser
from dashboard.errors import AuthenticationRequired
from dashboard.i18n import LANGUAGES
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.web.cookies import LANGUAGE_COOKIE

EXTENSION = "cockpit"


def current_runtime() -> Runtime:
    return current_app.extensions[EXTENSION]


def current_client() -> Client:
    if has_request_context() and "client" in g:
        return g.client
    return Client()


def current_user() -> SessionUser | None:
    """The signed-in user (role and scope as read from the database for this request)."""
    if has_request_context():
        return g.get("user")
    return None


def current_actor() -> Actor:
    """The :class:`~dashboard.scope.Actor` services need, with the request's address and
    id; :class:`AuthenticationRequired` when nobody is signed in."""
    user = current_user()
    if user is None:
        raise AuthenticationRequired("no signed-in user")
    return actor_for(user, current_client())


def current_language() -> str:
    """The signed-in user's language, else the page's (sign-in pages), else the one chosen
    on the sign-in page (its cookie), else ``COCKPIT_DEFAULT_LANGUAGE``."""
    user = current_user()
    if user is not None and user.language:
        return user.language
    if has_request_context():
        if g.get("language"):
            return g.language
        remembered = request.cookies.get(LANGUAGE_COOKIE)
        if remembered in LANGUAGES:
            return remembered
    return str(current_runtime().settings.default_language or "en")


def request_id() -> str:
    return current_client().request_id
