"""Moderation test helpers. The personas (alice and bob, verified contributors) come from
tests/conftest.py."""

from typing import Any

import pytest


@pytest.fixture
def run_commit_hooks(django_capture_on_commit_callbacks: Any) -> Any:
    """Use as `with run_commit_hooks(execute=True):` so checks sent after commit really run."""
    return django_capture_on_commit_callbacks
