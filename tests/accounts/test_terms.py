"""Terms of service: each version is accepted once, and a new one stops everyone until accepted."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import TermsAcceptance, TermsVersion, User
from accounts.services import terms_accept
from audit.models import AuditEvent


def new_version(version: str = "2", **fields: object) -> TermsVersion:
    fields.setdefault("published_at", timezone.now())
    return TermsVersion.objects.create(version=version, title="Terms", body="Rules.", **fields)


def test_it_records_version_time_and_ip_once(uma: User, terms: TermsVersion) -> None:
    acceptance = terms_accept(user=uma, terms=terms, ip="203.0.113.9")
    again = terms_accept(user=uma, terms=terms, ip="203.0.113.10")
    assert acceptance.pk == again.pk
    assert (acceptance.terms, acceptance.ip) == (terms, "203.0.113.9")
    assert AuditEvent.objects.filter(action="terms.accepted", actor=uma).count() == 1


def test_it_refuses_to_accept_a_version_not_in_force(uma: User) -> None:
    draft = new_version(published_at=timezone.now() + timedelta(days=1))
    with pytest.raises(ValueError):
        terms_accept(user=uma, terms=draft)


def test_it_sends_a_user_to_new_terms_and_back(uma: User, uma_client: Client, terms: TermsVersion) -> None:
    terms_accept(user=uma, terms=terms)
    assert uma_client.get("/accounts/me/").status_code == 200
    current = new_version("2")
    response = uma_client.get("/accounts/me/?tab=1")
    assert response.status_code == 302
    assert response.url == "/accounts/terms/?next=/accounts/me/?tab=1"
    page = uma_client.get(response.url)
    assert page.status_code == 200
    assert b"Rules." in page.content
    response = uma_client.post(
        "/accounts/terms/accept/",
        {"terms_version": current.pk, "accept_terms": "on", "next": "/accounts/me/?tab=1"},
        REMOTE_ADDR="198.51.100.4",
    )
    assert response.status_code == 302
    assert response.url == "/accounts/me/?tab=1"
    assert TermsAcceptance.objects.get(user=uma, terms=current).ip == "198.51.100.4"
    assert uma_client.get("/accounts/me/").status_code == 200


def test_it_asks_every_role_including_admins(
    ada_client: Client, mod_client: Client, terms: TermsVersion
) -> None:
    assert mod_client.get("/review/").url.startswith("/accounts/terms/")
    assert ada_client.get("/admin/").url.startswith("/accounts/terms/")


def test_it_keeps_logout_static_and_the_accept_page_reachable(
    uma_client: Client, terms: TermsVersion
) -> None:
    assert uma_client.get("/accounts/terms/").status_code == 200
    assert uma_client.get("/static/css/app.css").status_code in (200, 404)  # never redirected
    assert uma_client.post("/accounts/logout/").url == "/accounts/login/"


def test_it_needs_the_box_ticked(uma: User, uma_client: Client, terms: TermsVersion) -> None:
    response = uma_client.post("/accounts/terms/accept/", {"terms_version": terms.pk})
    assert response.status_code == 200
    assert not TermsAcceptance.objects.exists()


def test_it_refuses_an_acceptance_of_a_superseded_version(uma_client: Client, terms: TermsVersion) -> None:
    new_version("2")
    response = uma_client.post("/accounts/terms/accept/", {"terms_version": terms.pk, "accept_terms": "on"})
    assert response.status_code == 200
    assert b"newer version" in response.content
    assert not TermsAcceptance.objects.exists()


def test_it_ignores_an_off_site_next(uma_client: Client, terms: TermsVersion) -> None:
    response = uma_client.post(
        "/accounts/terms/accept/",
        {"terms_version": terms.pk, "accept_terms": "on", "next": "https://evil.example/"},
    )
    assert response.url == "/"


def test_it_waits_for_a_scheduled_version(uma: User, uma_client: Client, terms: TermsVersion) -> None:
    terms_accept(user=uma, terms=terms)
    new_version("2", published_at=timezone.now() + timedelta(hours=1))
    assert uma_client.get("/accounts/me/").status_code == 200


def test_it_guards_the_accept_action(uma_client: Client, terms: TermsVersion) -> None:
    assert uma_client.get("/accounts/terms/accept/").status_code == 405
    anonymous = Client().post("/accounts/terms/accept/", {"terms_version": terms.pk, "accept_terms": "on"})
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    assert not TermsAcceptance.objects.exists()


def test_it_shows_the_version_accepted_on_my_account(
    uma: User, uma_client: Client, terms: TermsVersion
) -> None:
    terms_accept(user=uma, terms=terms)
    assert b"You accepted version 1" in uma_client.get("/accounts/me/").content
