"""flask-login on top of the server-side sessions.

flask-login keeps "who is signed in" for each request (``login_user``, ``logout_user``,
``current_user``); the server-side sessions of :mod:`dashboard.auth` keep what makes a
sign-in end at once (sign-out, a disabled user, a password change, idle and maximum age).

- Alternative id: the user flask-login knows is the live session, so ``get_id()`` returns
  the session token, not the user id. The user loader resolves that token against
  ``user_sessions`` on every request: a revoked or expired session loads nobody, and a
  forged id (a user number) matches no session.
- Flask's session is the server-side session: :class:`TokenSessionInterface` reads the
  ``cockpit_session`` cookie into ``session["_user_id"]`` and, when ``login_user`` or
  ``logout_user`` changes it, sets or clears the session and anti-forgery cookies. Nothing
  else is kept in the browser (no signed client-side session, no remember-me cookie).
- Session protection is off: flask-login's check compares a hash of the address and browser
  with one stored in the client-side session, which this cookie does not carry; "strong"
  would also sign out anyone whose address changes. Stolen cookies are answered by the
  server-side revocation instead.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response, request, session
from flask.sessions import SessionInterface, SessionMixin
from flask_login import LoginManager, UserMixin, login_user, logout_user
from werkzeug.datastructures import CallbackDict

from dashboard.auth import resolve_session, session_key
from dashboard.data.users import SessionUser
from dashboard.web import cookies
from dashboard.web.context import current_runtime

USER_ID = "_user_id"  # where flask-login keeps the id of the signed-in user


class SignedIn(UserMixin):
    """The user flask-login knows: a live server-side session and its user."""

    def __init__(self, token: str, record: SessionUser) -> None:
        self.token = token
        self.record = record

    def get_id(self) -> str:
        return self.token

    @property
    def is_active(self) -> bool:
        return self.record.is_active


def load_user(token: str) -> SignedIn | None:
    """flask-login's user loader: the live session of ``token``, else nobody."""
    record = resolve_session(current_runtime(), token)
    return SignedIn(token, record) if record is not None else None


class TokenSession(CallbackDict, SessionMixin):
    """Flask's session of one request: only the session token, from its cookie."""

    def __init__(self, token: str | None) -> None:
        def changed(_self: Any) -> None:
            self.modified = True

        super().__init__({USER_ID: token} if token else {}, changed)
        self.loaded = token
        self.modified = False


class TokenSessionInterface(SessionInterface):
    """Flask sessions kept on the server: the cookie carries only the token."""

    def open_session(self, app: Flask, request: Request) -> TokenSession:
        return TokenSession(request.cookies.get(cookies.SESSION_COOKIE) or None)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not session.modified:
            return
        token = session.get(USER_ID)
        if token and token == getattr(session, "loaded", None):
            return
        if token:
            cookies.set_session_cookies(response, request, token, session_key(token))
        else:
            cookies.clear_session_cookies(response, request)


def install(server: Flask) -> LoginManager:
    manager = LoginManager()
    manager.session_protection = None
    manager.user_loader(load_user)
    manager.init_app(server, add_context_processor=False)
    server.session_interface = TokenSessionInterface()
    return manager


def start(token: str) -> bool:
    """Sign the browser in to the new session ``token`` (its cookies go with the
    response); False when that session is not live."""
    user = load_user(token)
    return user is not None and login_user(user)


def end() -> None:
    """Sign the browser out: flask-login forgets the user and the response clears the
    session cookies (also when the browser sent none). Revoking the server-side session
    is :func:`dashboard.auth.sign_out`'s part."""
    logout_user()
    session.modified = True
