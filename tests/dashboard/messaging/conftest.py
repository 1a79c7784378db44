"""Local providers for the messaging tests (see helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.dashboard.messaging.helpers import SmsGateway, SmtpSink


@pytest.fixture
def sms_gateway() -> Iterator[SmsGateway]:
    with SmsGateway() as gateway:
        yield gateway


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink
