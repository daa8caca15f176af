"""Integrations in the admin: a key is shown once on creation, revoked by an action; authors listed."""

from typing import Any

from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from integrations.models import ApiKey, Integration
from tests.api.conftest import api, submit


def test_creating_a_key_shows_it_once_and_it_works(ada: User, integration: Integration) -> None:
    client = Client()
    client.force_login(ada)
    response = client.post(
        "/admin/integrations/apikey/add/",
        {
            "integration": integration.pk,
            "name": "staging",
            "scopes": ["read", "submit"],
            "rate_limit_per_minute": 60,
        },
    )
    assert response.status_code == 200, response.content
    assert "no-store" in response["Cache-Control"]
    key = ApiKey.objects.get()
    html = response.content.decode()
    [full] = [word for word in html.replace("<", " ").replace(">", " ").split() if word.startswith("pvk_")][
        :1
    ]
    assert full.startswith(key.display_prefix + "_")
    assert api(full).get("/api/v1/submissions").status_code == 200
    assert key.scopes == ["read", "submit"]
    assert AuditEvent.objects.filter(action="apikey.created", actor=ada).exists()
    change = client.get(f"/admin/integrations/apikey/{key.pk}/change/").content.decode()
    assert full not in change  # never shown again
    page = client.get(f"/admin/integrations/integration/{integration.pk}/change/")
    assert page.status_code == 200 and key.display_prefix in page.content.decode()


def test_the_revoke_action_revokes(ada: User, key: str) -> None:
    client = Client()
    client.force_login(ada)
    row = ApiKey.objects.get()
    response = client.post(
        "/admin/integrations/apikey/", {"action": "revoke", "_selected_action": [row.pk]}, follow=True
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert api(key).get("/api/v1/submissions").status_code == 401


def test_authors_are_listed(ada: User, key: str, integration: Integration) -> None:
    submit(key)
    client = Client()
    client.force_login(ada)
    assert "author-7" in client.get("/admin/integrations/integrationauthor/").content.decode()
    assert client.get("/admin/integrations/integrationauthor/add/").status_code == 403


def test_moderators_cannot_manage_integrations(mod: User, alice: User, integration: Any) -> None:
    for user in (mod, alice):
        client = Client()
        client.force_login(user)
        assert client.get("/admin/integrations/apikey/add/").status_code in (302, 403)
