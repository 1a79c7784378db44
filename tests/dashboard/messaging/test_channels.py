"""The e-mail, SMS and log channels against real local servers, and how each answer is read."""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult

from dashboard.messaging.channels import (
    LogChannel,
    OutcomeUnknown,
    OutgoingMessage,
    Rejected,
    TryLater,
    Unavailable,
    idempotency_key,
)
from dashboard.messaging.sms import HttpSmsChannel, fill_body
from dashboard.messaging.smtp import SmtpChannel
from tests.dashboard.messaging.helpers import (
    SmsGateway,
    SmtpSink,
    free_port,
)


def _message(n: int = 1, address: str = "ann@example.com", body: str = "Hello") -> OutgoingMessage:
    return OutgoingMessage(outbox_id=n, key=idempotency_key("abc123", n), channel="email",
                           address=address, subject="Spring offer 春季", body=body)


def test_idempotency_key_is_derived_from_the_row() -> None:
    assert idempotency_key("0123456789abcdef", 42) == "cockpit-0123456789ab-42"
    assert idempotency_key("", 42) == "cockpit-42"


# --- e-mail -------------------------------------------------------------------------------


def _smtp(sink: SmtpSink, **kw) -> SmtpChannel:  # noqa: ANN003
    return SmtpChannel("127.0.0.1", sink.port, starttls=False, sender="shop@example.com", **kw)


def test_smtp_delivers_with_a_message_id_from_the_key(smtp_sink: SmtpSink) -> None:
    channel = _smtp(smtp_sink)
    ids = [channel.send(_message(n, body="您好 {n}")) for n in (1, 2, 3)]
    channel.close()
    assert ids == [f"<cockpit-abc123-{n}@example.com>" for n in (1, 2, 3)]
    assert list(smtp_sink.ids) == ids and smtp_sink.duplicates == 0
    mail = smtp_sink.messages[0]
    assert mail["Subject"] == "Spring offer 春季" and mail["To"] == "ann@example.com"
    assert mail["From"] == "shop@example.com"
    assert mail.get_content().strip() == "您好 {n}"


def test_smtp_reuses_one_connection_and_survives_a_dropped_one(smtp_sink: SmtpSink) -> None:
    channel = _smtp(smtp_sink)
    channel.send(_message(1))
    first = channel._smtp
    channel.send(_message(2))
    assert channel._smtp is first
    first.sock.close()  # the server (or a network device) dropped the idle connection
    channel.send(_message(3))
    channel.close()
    assert len(smtp_sink.ids) == 3 and smtp_sink.duplicates == 0


def test_smtp_refusals_by_code(smtp_sink: SmtpSink) -> None:
    smtp_sink.reject.add("gone@example.com")
    smtp_sink.busy.add("busy@example.com")
    channel = _smtp(smtp_sink)
    with pytest.raises(Rejected, match="550"):
        channel.send(_message(1, "gone@example.com"))
    with pytest.raises(TryLater, match="451"):
        channel.send(_message(2, "busy@example.com"))
    channel.send(_message(3))  # the connection is still usable after a refusal
    channel.close()
    assert len(smtp_sink.ids) == 1


def test_smtp_server_down_is_unavailable() -> None:
    channel = SmtpChannel("127.0.0.1", free_port(), starttls=False, timeout=2)
    with pytest.raises(Unavailable):
        channel.send(_message())
    with pytest.raises(Unavailable, match="not configured"):
        SmtpChannel("", 25).send(_message())


def test_smtp_timeout_after_the_message_is_unknown(smtp_sink: SmtpSink) -> None:
    smtp_sink.stall_seconds = 1.5
    channel = _smtp(smtp_sink, timeout=0.5)
    with pytest.raises(OutcomeUnknown):
        channel.send(_message(7))
    channel.close()
    assert len(smtp_sink.ids) == 1  # the server did take it: only a person can know


def test_smtp_header_injection_is_refused(smtp_sink: SmtpSink) -> None:
    channel = _smtp(smtp_sink)
    with pytest.raises((Rejected, TryLater)):
        channel.send(_message(1, "a@example.com\r\nBcc: victim@example.com"))
    channel.close()
    assert smtp_sink.ids == {}


# --- SMS ----------------------------------------------------------------------------------


def _sms(gateway: SmsGateway, **kw) -> HttpSmsChannel:  # noqa: ANN003
    return HttpSmsChannel(gateway.url, auth_header="Bearer t0k", **kw)


def test_body_values_are_json_escaped_in_one_pass() -> None:
    text = 'He said "hi" \\ {key} {phone}\n春'
    body = fill_body('{"to": "{phone}", "text": "{message}", "id": "{key}"}',
                     phone="+86 1", message=text, key="cockpit-1")
    assert json.loads(body) == {"to": "+86 1", "text": text, "id": "cockpit-1"}


def test_a_template_that_is_not_json_leaves_the_message_unsent() -> None:
    with pytest.raises(Unavailable, match="valid JSON"):
        fill_body('{"to": {phone}}', phone="+861", message="x", key="k")


def test_sms_is_posted_with_key_and_authorisation(sms_gateway: SmsGateway) -> None:
    message = OutgoingMessage(1, "cockpit-x-1", "sms", "+8613800000001", "s", '满¥500 "立减"')
    assert _sms(sms_gateway).send(message) == "gw-cockpit-x-1"
    assert sms_gateway.received == [{"to": "+8613800000001", "text": '满¥500 "立减"',
                                     "id": "cockpit-x-1"}]
    headers = sms_gateway.headers[0]
    assert headers["Authorization"] == "Bearer t0k"
    assert headers["Idempotency-Key"] == "cockpit-x-1"


def test_sms_answers(sms_gateway: SmsGateway) -> None:
    message = OutgoingMessage(1, "k-1", "sms", "+8613800000001", "s", "hi")
    sms_gateway.reject.add("+8613800000001")
    with pytest.raises(Rejected, match="400"):
        _sms(sms_gateway).send(message)
    sms_gateway.reject.clear()
    sms_gateway.mode = "unavailable"
    with pytest.raises(Unavailable, match="503"):
        _sms(sms_gateway).send(message)
    sms_gateway.mode = "stall"
    sms_gateway.stall_seconds = 1.0
    with pytest.raises(OutcomeUnknown):
        _sms(sms_gateway, timeout=0.3).send(message)
    assert sms_gateway.keys == {"k-1": 1}


def test_sms_gateway_down_or_unconfigured_is_unavailable() -> None:
    message = OutgoingMessage(1, "k-1", "sms", "+8613800000001", "s", "hi")
    with pytest.raises(Unavailable):
        HttpSmsChannel(f"http://127.0.0.1:{free_port()}/x", timeout=2).send(message)
    with pytest.raises(Unavailable, match="not configured"):
        HttpSmsChannel("").send(message)


@pytest.mark.parametrize(("status", "outcome"), [(504, OutcomeUnknown), (502, Unavailable),
                                                 (429, Unavailable), (401, Rejected),
                                                 (302, Unavailable)])
def test_sms_status_codes(status: int, outcome: type) -> None:
    with pytest.raises(outcome):
        HttpSmsChannel._outcome(status, b"", "k")
    assert HttpSmsChannel._outcome(201, b'{"sid": "S1"}', "k") == "S1"
    assert HttpSmsChannel._outcome(200, b"OK", "k") == "k"


def test_connection_dropped_while_waiting_is_unknown() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def accept_and_drop() -> None:
        conn, _ = server.accept()
        conn.recv(65536)
        conn.close()

    thread = threading.Thread(target=accept_and_drop, daemon=True)
    thread.start()
    port = server.getsockname()[1]
    with pytest.raises(OutcomeUnknown):
        HttpSmsChannel(f"http://127.0.0.1:{port}/x", timeout=2).send(
            OutgoingMessage(1, "k", "sms", "+8613800000001", "s", "hi"))
    thread.join(2)
    server.close()


# --- log ----------------------------------------------------------------------------------


def test_log_channel_appends_json_lines(tmp_path: Path) -> None:
    channel = LogChannel(tmp_path / "data" / "outbox.log")
    channel.send(_message(1, body="line1\nline2"))
    channel.send(_message(2))
    lines = (tmp_path / "data" / "outbox.log").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["key"] for x in lines] == ["cockpit-abc123-1", "cockpit-abc123-2"]
    assert json.loads(lines[0])["message"] == "line1\nline2"


# --- e-mail over STARTTLS with a login ----------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def _secure_sink(cert: Path, key: Path, logins: list) -> SmtpSink:  # noqa: ANN001
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, data):  # noqa: ANN001, ANN202
        ok = (data.login, data.password) == (b"shop", b"s3cret")
        logins.append((data.login, ok))
        return AuthResult(success=ok)

    return SmtpSink(tls_context=server_tls, require_starttls=True, auth_required=True,
                    authenticator=authenticator)


def test_smtp_starttls_and_login(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    logins: list = []
    client_tls = ssl.create_default_context(cafile=str(cert))
    with _secure_sink(cert, key, logins) as sink:
        channel = SmtpChannel("127.0.0.1", sink.port, starttls=True, user="shop",
                              password="s3cret", sender="shop@example.com",
                              tls_context=client_tls)
        channel.send(_message(1))
        channel.close()
        assert len(sink.ids) == 1 and logins == [(b"shop", True)]
        wrong = SmtpChannel("127.0.0.1", sink.port, starttls=True, user="shop",
                            password="guess", tls_context=client_tls, timeout=2)
        with pytest.raises(Unavailable):
            wrong.send(_message(2))
        assert (b"shop", False) in logins
        untrusted = SmtpChannel("127.0.0.1", sink.port, starttls=True, user="shop",
                                password="s3cret", timeout=2)  # the system does not trust it
        with pytest.raises(Unavailable):
            untrusted.send(_message(3))
        assert len(sink.ids) == 1


def test_smtp_never_falls_back_to_clear_text(smtp_sink: SmtpSink) -> None:
    channel = SmtpChannel("127.0.0.1", smtp_sink.port, starttls=True, user="shop",
                          password="s3cret", timeout=2)
    with pytest.raises(Unavailable):
        channel.send(_message(1))
    assert smtp_sink.ids == {}
