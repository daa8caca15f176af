"""The lockout page speaks the reader's language (issue 11, rough edge 14)."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User


@pytest.fixture(autouse=True)
def three_strikes(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3


def test_the_lockout_page_is_in_chinese_for_a_chinese_reader(uma: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.60", HTTP_ACCEPT_LANGUAGE="zh-hans")
    for _attempt in range(3):
        response = client.post("/accounts/login/", {"username": "uma", "password": "wrong-password"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" not in page
    assert '<html lang="zh-hans">' in page
