"""Each role logs in through the real form and lands on its own page; auth events are audited."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from tests.factories import PASSWORD


def log_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("uma", "/submissions/"),
        ("mod", "/review/"),
        ("senior", "/review/"),
        ("ada", "/admin/"),
        ("oscar", None),
    ],
)
def test_it_lands_each_role_on_its_home(
    db: None, persona: str, landing: str | None, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(persona)
    client = Client()
    response = log_in(client, user.username)
    assert response.status_code == 302
    assert response.url == "/"
    home = client.get("/")
    if landing is None:
        assert home.status_code == 200
        assert b"Your account has no role yet" in home.content
    else:
        assert home.status_code == 302
        assert home.url == landing
        assert client.get(landing).status_code == 200


def test_it_records_a_login_with_ip(uma: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    log_in(client, "uma")
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == uma
    assert event.target_type == "accounts.user"
    assert event.target_id == str(uma.pk)
    assert event.ip == "203.0.113.7"


def test_it_records_a_failed_login_without_the_password(uma: User) -> None:
    response = log_in(Client(REMOTE_ADDR="198.51.100.2"), "uma", "wrong-password")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None
    assert event.actor_label == "system"
    assert event.details == {"username": "uma"}
    assert event.ip == "198.51.100.2"
    assert "wrong-password" not in str(event.canonical_content())


def test_it_records_a_logout(uma: User) -> None:
    client = Client()
    log_in(client, "uma")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert AuditEvent.objects.filter(action="auth.logout", actor=uma).count() == 1


def test_it_refuses_logout_by_get(uma_client: Client) -> None:
    assert uma_client.get("/accounts/logout/").status_code == 405


def test_it_resets_a_password_by_email(uma: User, mailoutbox: list) -> None:
    client = Client()
    response = client.post("/accounts/password_reset/", {"email": "uma@example.com"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"}
    )
    assert response.status_code == 302
    assert log_in(Client(), "uma", "a-new-long-passphrase").status_code == 302
    # The link works once only.
    assert b"This link no longer works" in client.get(path, follow=True).content


@pytest.mark.django_db
def test_it_names_the_site_not_the_host_in_the_login_page_header(settings: Any) -> None:
    """Django's LoginView puts the host name in `site_name`; the chrome must not use it."""
    settings.ALLOWED_HOSTS = ["dashboard.example.org"]
    page = Client().get("/accounts/login/", HTTP_HOST="dashboard.example.org")
    content = page.content.decode()
    assert page.status_code == 200
    assert '<a class="navbar-brand fw-semibold" href="/">Provenant</a>' in content
    assert "<title>Log in · Provenant</title>" in content
    assert "dashboard.example.org" not in content
