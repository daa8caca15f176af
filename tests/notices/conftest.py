"""Notices test helpers: the rate-limit counters live in the cache (Redis DB of this test run)."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def run_commit_hooks(django_capture_on_commit_callbacks: object) -> object:
    """`with run_commit_hooks(execute=True):` so what is sent after commit really is sent."""
    return django_capture_on_commit_callbacks
