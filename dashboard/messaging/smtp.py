"""E-mail over SMTP (``COCKPIT_SMTP_*``).

One connection is opened on the first message of a pass and reused for the next ones. With
STARTTLS on (the default) a server that does not offer it, or whose certificate is not
trusted, gets nothing: the messages stay pending rather than go out in clear. The
conversation is driven step by step (MAIL, RCPT, DATA) so that each failure can be placed:
anything before DATA means the message did not leave (refusals by their code, a lost
connection as :class:`Unavailable`); a timeout or a lost connection during DATA means the
server may have taken it (:class:`OutcomeUnknown`). The Message-ID is derived from the
idempotency key, so a message can be traced (and de-duplicated by a mail system) by it.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate

from dashboard.config import Settings
from dashboard.messaging.channels import (
    OutcomeUnknown,
    OutgoingMessage,
    Rejected,
    TryLater,
    Unavailable,
)

TIMEOUT_SECONDS = 30.0


def _refusal(code: int, response: bytes | str, step: str) -> Exception:
    text = response.decode("utf-8", "replace") if isinstance(response, bytes) else str(response)
    reason = f"SMTP {step} refused: {code} {text}".strip()[:500]
    if code == 421:
        return Unavailable(reason)
    if 400 <= code < 500:
        return TryLater(reason)
    return Rejected(reason)


class SmtpChannel:
    name = "email"

    def __init__(self, host: str, port: int = 587, *, starttls: bool = True, user: str = "",
                 password: str = "", sender: str = "cockpit@localhost",
                 timeout: float = TIMEOUT_SECONDS,
                 tls_context: ssl.SSLContext | None = None) -> None:
        self.host, self.port, self.starttls = host, int(port), bool(starttls)
        self.tls_context = tls_context  # default: the system's trusted certificates
        self.user, self.password, self.sender = user, password, sender
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpChannel:
        return cls(settings.smtp_host, settings.smtp_port, starttls=settings.smtp_starttls,
                   user=settings.smtp_user, password=settings.smtp_password,
                   sender=settings.smtp_from)

    @property
    def domain(self) -> str:
        return self.sender.rpartition("@")[2] or "cockpit.local"

    def _open(self) -> smtplib.SMTP:
        if not self.host:
            raise Unavailable("E-mail is not configured: set COCKPIT_SMTP_HOST.")
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                smtp.starttls(context=self.tls_context or ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password)
        except smtplib.SMTPAuthenticationError as exc:
            raise Unavailable(f"SMTP login refused: {exc.smtp_code}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise Unavailable(f"SMTP server {self.host}:{self.port} unavailable: {exc}") from exc
        return smtp

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.close()
            except OSError:
                pass

    def compose(self, message: OutgoingMessage) -> EmailMessage:
        mail = EmailMessage(policy=SMTP_POLICY)
        mail["From"] = self.sender
        mail["To"] = message.address
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(usegmt=True)
        mail["Message-ID"] = f"<{message.key}@{self.domain}>"
        mail.set_content(message.body)
        return mail

    def send(self, message: OutgoingMessage) -> str:
        try:
            payload = self.compose(message).as_bytes()
        except (ValueError, TypeError) as exc:
            raise Rejected(f"message cannot be encoded: {exc}") from exc
        smtp = self._ready(message.address)
        try:
            code, response = smtp.data(payload)
        except smtplib.SMTPDataError as exc:
            self._reset()
            raise _refusal(exc.smtp_code, exc.smtp_error, "DATA") from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise OutcomeUnknown(f"no answer from the SMTP server after the message: {exc}"
                                 ) from exc
        if code != 250:  # smtplib raises for these; kept for other clients' behaviour
            self._reset()
            raise _refusal(code, response, "DATA")
        return f"<{message.key}@{self.domain}>"

    def _ready(self, address: str) -> smtplib.SMTP:
        """A connection on which MAIL and RCPT for ``address`` were accepted."""
        for attempt in (1, 2):
            reused = self._smtp is not None
            if self._smtp is None:
                self._smtp = self._open()
            try:
                self._mail_rcpt(self._smtp, address)
                return self._smtp
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPHeloError, OSError) as exc:
                self._drop()
                if not reused or attempt == 2:  # a fresh connection failed: the server is down
                    raise Unavailable(f"SMTP connection lost: {exc}") from exc
        raise Unavailable("SMTP connection lost")

    def _mail_rcpt(self, smtp: smtplib.SMTP, address: str) -> None:
        smtp.ehlo_or_helo_if_needed()
        code, response = smtp.mail(self.sender)
        if code != 250:
            self._reset()
            raise _refusal(code, response, "MAIL")
        code, response = smtp.rcpt(address)
        if code not in (250, 251):
            self._reset()
            raise _refusal(code, response, "RCPT")

    def _reset(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
