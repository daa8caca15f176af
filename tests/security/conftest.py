from typing import Any

import pytest


@pytest.fixture
def run_commit_hooks(django_capture_on_commit_callbacks: Any) -> Any:
    """Use as `with run_commit_hooks(execute=True):` so work sent after commit really runs."""
    return django_capture_on_commit_callbacks
