"""In moderation tests the contributors are verified and may submit; the gate itself is tested
in tests/accounts."""

from typing import Any

import pytest

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
    """Use as `with run_commit_hooks(execute=True):` so checks sent after commit really run."""
    return django_capture_on_commit_callbacks
