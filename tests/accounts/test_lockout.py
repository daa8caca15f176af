"""Login protection: repeated failures lock out the username and the IP, with a 429 and an audit event."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def three_strikes(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3


def fail(client: Client, username: str, path: str = "/accounts/login/") -> Any:
    return client.post(path, {"username": username, "password": "wrong-password"})


def test_it_locks_out_a_username_after_repeated_failures(uma: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.50")
    assert fail(client, "uma").status_code == 200
    assert fail(client, "uma").status_code == 200
    locked = fail(client, "uma")
    assert locked.status_code == 429
    assert b"Too many failed logins" in locked.content
    assert "registration/locked_out.html" in [template.name for template in locked.templates]
    # Even the right password from elsewhere is refused until the cool-off ends.
    right = Client(REMOTE_ADDR="198.51.100.60").post(
        "/accounts/login/", {"username": "uma", "password": PASSWORD}
    )
    assert right.status_code == 429
    # The lockout, and each attempt refused during it, are in the audit trail.
    first, refused = AuditEvent.objects.filter(action="auth.locked_out").order_by("seq")
    assert first.details == {"username": "uma", "ip": "203.0.113.50"}
    assert first.ip == "203.0.113.50"
    assert refused.details == {"username": "uma", "ip": "198.51.100.60"}


def test_it_locks_out_an_ip_trying_many_usernames(uma: User, ugo: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.51")
    for username in ("uma", "ugo", "nobody"):
        response = fail(client, username)
    assert response.status_code == 429
    # ugo himself, from another address, is not locked out by uma's attacker.
    assert (
        Client(REMOTE_ADDR="198.51.100.1")
        .post("/accounts/login/", {"username": "ugo", "password": PASSWORD})
        .status_code
        == 302
    )


def test_it_protects_the_admin_login_too(ada: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.52")
    for _ in range(3):
        response = fail(client, "ada", "/admin/login/")
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="auth.locked_out").count() == 1


def test_it_forgets_failures_after_a_successful_login(uma: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.53")
    fail(client, "uma")
    fail(client, "uma")
    assert client.post("/accounts/login/", {"username": "uma", "password": PASSWORD}).status_code == 302
    other = Client(REMOTE_ADDR="203.0.113.53")
    assert fail(other, "uma").status_code == 200
    assert not AuditEvent.objects.filter(action="auth.locked_out").exists()
