"""SMS through an HTTP gateway (``COCKPIT_SMS_URL``, ``COCKPIT_SMS_AUTH_HEADER``,
``COCKPIT_SMS_BODY_TEMPLATE``).

The body is the configured JSON template with ``{phone}``, ``{message}`` and ``{key}``
replaced in one pass by the JSON-escaped values (so a quote, a backslash or a ``{key}`` inside
a message cannot change the document). The idempotency key is also sent as the
``Idempotency-Key`` header. How an answer is read:

- connecting or sending the request fails, or the gateway answers 408, 429, a 5xx other than
  504 or a redirect: the message did not go out, :class:`Unavailable` (stays pending);
- no answer in time, the connection drops while waiting, or 504 (a proxy gave up waiting for
  the gateway): :class:`OutcomeUnknown`;
- any other 4xx: :class:`Rejected` (with the gateway's words);
- 2xx: sent; the provider id is the answer's ``id`` / ``message_id`` / ``messageId`` / ``sid``
  when it is JSON with one, else the idempotency key.
"""

from __future__ import annotations

import http.client
import json
import re
import ssl
from urllib.parse import urlsplit

from dashboard.config import Settings
from dashboard.messaging.channels import (
    OutcomeUnknown,
    OutgoingMessage,
    Rejected,
    Unavailable,
)

TIMEOUT_SECONDS = 10.0
_FIELDS = re.compile(r"\{(phone|message|key)\}")
_NOT_TAKEN = {408, 429, 500, 502, 503}
_ID_FIELDS = ("id", "message_id", "messageId", "sid")


def fill_body(template: str, *, phone: str, message: str, key: str) -> bytes:
    """The request body; :class:`Unavailable` when the template does not give JSON (a
    configuration problem: nothing is sent, nothing is lost)."""
    values = {"phone": phone, "message": message, "key": key}
    body = _FIELDS.sub(lambda m: json.dumps(values[m.group(1)], ensure_ascii=False)[1:-1],
                       template)
    try:
        json.loads(body)
    except ValueError as exc:
        raise Unavailable("COCKPIT_SMS_BODY_TEMPLATE does not give valid JSON "
                          f"({exc.msg}); put {{phone}}, {{message}} and {{key}} inside "
                          "quotes") from exc
    return body.encode("utf-8")


def _provider_id(raw: bytes, key: str) -> str:
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return key
    if isinstance(answer, dict):
        for field in _ID_FIELDS:
            if answer.get(field) not in (None, ""):
                return str(answer[field])[:128]
    return key


class HttpSmsChannel:
    name = "sms"

    def __init__(self, url: str, *, auth_header: str = "",
                 body_template: str = '{"to": "{phone}", "text": "{message}", "id": "{key}"}',
                 timeout: float = TIMEOUT_SECONDS) -> None:
        self.url, self.auth_header = url, auth_header
        self.body_template, self.timeout = body_template, timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpSmsChannel:
        return cls(settings.sms_url, auth_header=settings.sms_auth_header,
                   body_template=settings.sms_body_template)

    def _connection(self) -> tuple[http.client.HTTPConnection, str]:
        parts = urlsplit(self.url or "")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Unavailable("SMS is not configured: set COCKPIT_SMS_URL to an http(s) URL.")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if parts.scheme == "https":
            return http.client.HTTPSConnection(parts.hostname, parts.port, timeout=self.timeout,
                                               context=ssl.create_default_context()), path
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout), path

    def send(self, message: OutgoingMessage) -> str:
        body = fill_body(self.body_template, phone=message.address, message=message.body,
                         key=message.key)
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "Idempotency-Key": message.key}
        if self.auth_header:
            headers["Authorization"] = self.auth_header
        conn, path = self._connection()
        try:
            try:
                conn.connect()
                conn.request("POST", path, body=body, headers=headers)
            except (OSError, http.client.HTTPException) as exc:
                raise Unavailable(f"SMS gateway unavailable: {exc}") from exc
            try:
                response = conn.getresponse()
                raw = response.read(65536)
            except (OSError, http.client.HTTPException) as exc:
                raise OutcomeUnknown(f"no answer from the SMS gateway: {exc!r}") from exc
        finally:
            conn.close()
        return self._outcome(response.status, raw, message.key)

    @staticmethod
    def _outcome(status: int, raw: bytes, key: str) -> str:
        if 200 <= status < 300:
            return _provider_id(raw, key)
        words = raw[:300].decode("utf-8", "replace").strip()
        if status == 504:
            raise OutcomeUnknown(f"SMS gateway timed out upstream (504) {words}".strip())
        if status in _NOT_TAKEN or 300 <= status < 400 or status >= 500:
            raise Unavailable(f"SMS gateway answered {status} {words}".strip())
        raise Rejected(f"SMS gateway refused the message: {status} {words}".strip())

    def close(self) -> None:
        return None
