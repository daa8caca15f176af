"""Consent tests: text messages kept in memory, commit hooks on demand. The personas (alice and
bob, verified contributors) come from tests/conftest.py."""

from collections.abc import Iterator
from typing import Any

import pytest

from accounts import sms


@pytest.fixture
def run_commit_hooks(django_capture_on_commit_callbacks: Any) -> Any:
    """Use as `with run_commit_hooks(execute=True):` so messages and checks sent after commit happen."""
    return django_capture_on_commit_callbacks


@pytest.fixture(autouse=True)
def sms_outbox(settings: Any) -> Iterator[list[sms.SmsMessage]]:
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
