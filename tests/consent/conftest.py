"""Consent tests: verified contributors, text messages kept in memory, commit hooks on demand."""

from collections.abc import Iterator
from typing import Any

import pytest

from accounts import sms
from accounts.models import User
from tests.factories import make_contributor


@pytest.fixture
def alice(db: None) -> User:
    return make_contributor("alice", first_name="Alice", last_name="Liddell")


@pytest.fixture
def bob(db: None) -> User:
    return make_contributor("bob", first_name="Bob", last_name="Builder")


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
