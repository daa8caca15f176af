"""Login protection: repeated failures lock out the username from that IP (the pair), with a 429 and an
audit event; others behind the same address keep logging in."""

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


def test_it_locks_out_a_username_from_one_ip_after_repeated_failures(uma: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.50")
    assert fail(client, "uma").status_code == 200
    assert fail(client, "uma").status_code == 200
    locked = fail(client, "uma")
    assert locked.status_code == 429
    assert b"Too many failed logins" in locked.content
    assert "registration/locked_out.html" in [template.name for template in locked.templates]
    # Even the right password is refused from that address until the cool-off ends.
    right = client.post("/accounts/login/", {"username": "uma", "password": PASSWORD})
    assert right.status_code == 429
    # The lockout, and each attempt refused during it, are in the audit trail.
    first, refused = AuditEvent.objects.filter(action="auth.locked_out").order_by("seq")
    assert first.details == {"username": "uma", "ip": "203.0.113.50"}
    assert first.ip == "203.0.113.50"
    assert refused.details == {"username": "uma", "ip": "203.0.113.50"}


def test_it_does_not_lock_out_the_same_user_elsewhere(uma: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.50")
    for _ in range(3):
        fail(client, "uma")
    right = Client(REMOTE_ADDR="198.51.100.60").post(
        "/accounts/login/", {"username": "uma", "password": PASSWORD}
    )
    assert right.status_code == 302


def test_it_does_not_lock_out_others_behind_the_same_ip(uma: User, bob: User) -> None:
    """Behind a NAT or a proxy many people share an address: a stranger's failures for any name must
    not lock bob out (issue 12: five wrong passwords for "uma" locked out bob from the same IP)."""
    client = Client(REMOTE_ADDR="203.0.113.51")
    for username in ("uma", "uma", "uma", "nobody", "nobody", "nobody"):
        fail(client, username)
    bobs = Client(REMOTE_ADDR="203.0.113.51").post(
        "/accounts/login/", {"username": "bob", "password": PASSWORD}
    )
    assert bobs.status_code == 302


def test_it_locks_each_alone_when_configured(settings: Any, uma: User, ugo: User) -> None:
    settings.AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
    client = Client(REMOTE_ADDR="203.0.113.51")
    for username in ("uma", "ugo", "nobody"):
        response = fail(client, username)
    assert response.status_code == 429


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
