"""Sign-up: public, creates a contributor who accepted the current terms, and logs them in."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import TermsAcceptance, TermsVersion, User
from accounts.roles import Role
from accounts.services import SubmissionNotAllowed, assert_can_submit
from audit.models import AuditEvent
from tests.factories import make_user


def form_data(terms: TermsVersion, **changes: Any) -> dict[str, Any]:
    return {
        "username": "carol",
        "email": "carol@example.com",
        "password1": "a-long-enough-passphrase",
        "password2": "a-long-enough-passphrase",
        "terms_version": terms.pk,
        "accept_terms": "on",
        **changes,
    }


def test_it_shows_the_form_with_the_terms_to_anyone(terms: TermsVersion) -> None:
    page = Client().get("/accounts/signup/")
    assert page.status_code == 200
    assert b"Never remove labels." in page.content
    assert b'name="accept_terms"' in page.content


def test_it_links_sign_up_from_the_login_page(terms: TermsVersion) -> None:
    assert b'href="/accounts/signup/"' in Client().get("/accounts/login/").content


def test_it_creates_a_logged_in_contributor_who_accepted_the_terms(terms: TermsVersion) -> None:
    client = Client(REMOTE_ADDR="203.0.113.77")
    response = client.post("/accounts/signup/create/", form_data(terms))
    assert response.status_code == 302
    assert response.url == "/accounts/me/"
    carol = User.objects.get(username="carol")
    assert carol.role == Role.CONTRIBUTOR
    assert carol.check_password("a-long-enough-passphrase")
    acceptance = TermsAcceptance.objects.get(user=carol)
    assert (acceptance.terms, acceptance.ip) == (terms, "203.0.113.77")
    assert AuditEvent.objects.filter(action="user.signed_up", actor=carol).exists()
    # Logged in, and sent to verify before submitting.
    page = client.get("/accounts/me/")
    assert page.status_code == 200
    assert b"Verify your identity" in page.content
    with pytest.raises(SubmissionNotAllowed):
        assert_can_submit(carol)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"accept_terms": ""}, "accept_terms", "required"),
        ({"password2": "something-else-entirely"}, "password2", "differ"),
        ({"password1": "carol", "password2": "carol"}, "password1", "too short"),
        ({"password1": "12345678901", "password2": "12345678901"}, "password1", "entirely numeric"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"username": "has spaces"}, "username", "valid username"),
        ({"username": "UMA"}, "username", "taken"),
        ({"email": "Uma@Example.com"}, "email", "exists already"),
    ],
)
def test_it_explains_what_is_wrong(terms: TermsVersion, changes: dict, field: str, message: str) -> None:
    make_user("uma")
    response = Client().post("/accounts/signup/create/", form_data(terms, **changes))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors.lower(), response.context["form"].errors
    assert not User.objects.filter(username="carol").exists()


def test_it_refuses_terms_that_changed_meanwhile(terms: TermsVersion) -> None:
    from django.utils import timezone

    newer = TermsVersion.objects.create(version="2", title="T", body="B", published_at=timezone.now())
    response = Client().post("/accounts/signup/create/", form_data(terms))
    assert response.status_code == 200
    assert b"The terms changed while you were reading" in response.content
    assert response.context["form"].terms == newer
    assert not User.objects.filter(username="carol").exists()


def test_it_stays_closed_while_no_terms_are_in_force(db: None) -> None:
    assert b"Sign-up opens once terms of service are published" in Client().get("/accounts/signup/").content
    response = Client().post(
        "/accounts/signup/create/",
        {"username": "carol", "email": "c@example.com", "password1": "x", "password2": "x"},
    )
    assert response.status_code == 503
    assert not User.objects.filter(username="carol").exists()


def test_it_sends_a_logged_in_user_home(uma_client: Client, terms: TermsVersion) -> None:
    assert uma_client.get("/accounts/signup/").status_code == 302
    assert uma_client.post("/accounts/signup/create/", form_data(terms)).status_code == 302
    assert not User.objects.filter(username="carol").exists()


def test_it_rejects_get_on_the_create_action(terms: TermsVersion) -> None:
    assert Client().get("/accounts/signup/create/").status_code == 405
