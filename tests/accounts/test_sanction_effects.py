"""What each sanction does to the user: banner, blocked submissions, ended sessions, closed doors."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Sanction, User
from accounts.services import SubmissionNotAllowed, assert_can_submit, sanction_impose, sanction_lift
from audit.models import AuditEvent
from tests.factories import PASSWORD

Kind = Sanction.Kind


def log_in(client: Client, username: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


# --- Warning -----------------------------------------------------------------------------------


def test_it_shows_a_warning_on_every_page_until_acknowledged(
    uma: User, uma_client: Client, mod: User
) -> None:
    warning = sanction_impose(user=uma, kind=Kind.WARNING, reason="Label your AI images.", actor=mod)
    for path in ("/accounts/me/", "/accounts/verify/id-card/"):
        page = uma_client.get(path)
        assert b"Label your AI images." in page.content, path
        assert f'action="/accounts/warnings/{warning.pk}/acknowledge/"'.encode() in page.content
    response = uma_client.post(
        f"/accounts/warnings/{warning.pk}/acknowledge/", {"next": "/accounts/verify/id-card/"}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/verify/id-card/"
    assert b"Label your AI images." not in uma_client.get("/accounts/verify/id-card/").content
    assert AuditEvent.objects.filter(action="sanction.acknowledged").count() == 1


def test_it_does_not_redirect_an_acknowledgement_off_site(uma: User, uma_client: Client, mod: User) -> None:
    warning = sanction_impose(user=uma, kind=Kind.WARNING, reason="w", actor=mod)
    response = uma_client.post(
        f"/accounts/warnings/{warning.pk}/acknowledge/", {"next": "https://evil.example/"}
    )
    assert response.url == "/accounts/me/"


def test_it_guards_the_acknowledge_action(
    uma: User, uma_client: Client, ugo_client: Client, mod: User
) -> None:
    warning = sanction_impose(user=uma, kind=Kind.WARNING, reason="w", actor=mod)
    restriction = sanction_impose(user=uma, kind=Kind.RESTRICTION, reason="r", actor=mod)
    path = f"/accounts/warnings/{warning.pk}/acknowledge/"
    assert uma_client.get(path).status_code == 405
    anonymous = Client().post(path)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    assert ugo_client.post(path).status_code == 404  # someone else's warning
    assert uma_client.post(f"/accounts/warnings/{restriction.pk}/acknowledge/").status_code == 404
    warning.refresh_from_db()
    assert warning.acknowledged_at is None


# --- Restriction -------------------------------------------------------------------------------


def test_it_blocks_submitting_during_a_restriction_and_says_so(
    uma: User, uma_client: Client, mod: User
) -> None:
    sanction_impose(
        user=uma,
        kind=Kind.RESTRICTION,
        reason="Unlabelled content.",
        actor=mod,
        expires_at=timezone.now() + timedelta(days=2),
    )
    with pytest.raises(SubmissionNotAllowed):
        assert_can_submit(uma)
    assert b"Submitting is restricted on your account" in uma_client.get("/accounts/me/").content
    # Logging in and browsing still work.
    assert uma_client.get("/accounts/verify/id-card/").status_code == 200


# --- Suspension --------------------------------------------------------------------------------


def test_it_ends_a_suspended_session_at_the_next_request(uma: User, uma_client: Client, mod: User) -> None:
    until = timezone.now() + timedelta(days=7)
    sanction_impose(user=uma, kind=Kind.SUSPENSION, reason="Repeated deepfakes.", actor=mod, expires_at=until)
    page = uma_client.get("/accounts/verify/id-card/")
    assert page.status_code == 403
    assert b"Your account is suspended" in page.content
    assert b"Repeated deepfakes." in page.content
    assert b"appeals@" in page.content  # how to appeal
    assert page.context["sanction"].expires_at == until
    # The session is gone: the next request goes to the login page.
    follow_up = uma_client.get("/accounts/verify/id-card/")
    assert follow_up.status_code == 302 and follow_up.url.startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action="auth.logout", actor=uma).exists()


def test_it_refuses_login_during_a_suspension_and_says_why(uma: User, mod: User) -> None:
    sanction = sanction_impose(
        user=uma,
        kind=Kind.SUSPENSION,
        reason="Repeated deepfakes.",
        actor=mod,
        expires_at=timezone.now() + timedelta(days=7),
    )
    client = Client()
    response = log_in(client, "uma")
    assert response.status_code == 200
    assert b"This account is suspended until" in response.content
    assert b"Repeated deepfakes." in response.content
    # A wrong password learns nothing about the suspension.
    wrong = client.post("/accounts/login/", {"username": "uma", "password": "nope"})
    assert b"suspended" not in wrong.content
    # Once it ends, login works again.
    Sanction.objects.filter(pk=sanction.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert log_in(Client(), "uma").status_code == 302


def test_it_lets_a_lifted_suspension_log_in(uma: User, mod: User, ada: User) -> None:
    sanction = sanction_impose(user=uma, kind=Kind.SUSPENSION, reason="s", actor=mod)
    assert log_in(Client(), "uma").status_code == 200
    sanction_lift(sanction=sanction, actor=ada, reason="Appeal upheld.")
    assert log_in(Client(), "uma").status_code == 302


# --- Closure -----------------------------------------------------------------------------------


def test_it_closes_an_account_and_keeps_its_records(uma: User, uma_client: Client, ada: User) -> None:
    sanction_impose(user=uma, kind=Kind.CLOSURE, reason="Fraudulent deepfakes.", actor=ada)
    uma.refresh_from_db()
    assert uma.is_active is False
    assert User.objects.filter(pk=uma.pk).exists()
    assert Sanction.objects.filter(user=uma).count() == 1
    # The open session no longer counts, and logging in again fails with the reason.
    follow_up = uma_client.get("/accounts/verify/id-card/")
    assert follow_up.status_code == 302 and follow_up.url.startswith("/accounts/login/")
    response = log_in(Client(), "uma")
    assert response.status_code == 200
    assert b"This account is closed" in response.content
    assert b"Fraudulent deepfakes." in response.content
