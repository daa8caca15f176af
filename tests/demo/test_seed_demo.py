from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from accounts.roles import Role


@pytest.mark.django_db
def test_it_creates_the_demo_users_idempotently(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-1")
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())
    roles = {u.username: u.role for u in User.objects.prefetch_related("groups")}
    assert roles == {
        "admin": Role.ADMIN,
        "senior": Role.SENIOR_MODERATOR,
        "mod": Role.MODERATOR,
        "alice": Role.CONTRIBUTOR,
        "bob": Role.CONTRIBUTOR,
    }
    assert User.objects.get(username="admin").is_superuser
    assert "demo-pass-1" in out.getvalue()
    for username in roles:
        client = Client()
        response = client.post("/accounts/login/", {"username": username, "password": "demo-pass-1"})
        assert response.status_code == 302, username
