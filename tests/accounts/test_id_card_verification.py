"""ID card numbers: a checksum makes a number well-formed, a provider makes the person verified;
a number verifies one account only."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.identity_providers import ConsoleProvider
from accounts.models import IdentityVerification, User
from accounts.services import VerificationError, identity_verify_id_card
from audit.models import AuditEvent
from tests.accounts.samples import VALID_IDS

Status = IdentityVerification.Status
NUMBER = VALID_IDS[0]
CONSOLE = [
    "accounts.identity_providers.ConsoleProvider",
    "accounts.identity_providers.DocumentReviewProvider",
]


def console() -> ConsoleProvider:
    return ConsoleProvider(stream=io.StringIO())


def test_a_checksum_alone_makes_the_number_well_formed_not_the_person_verified(uma: User) -> None:
    attempt = identity_verify_id_card(user=uma, number=NUMBER.lower(), ip="203.0.113.8")
    assert attempt.status == Status.WELL_FORMED
    assert (attempt.provider, attempt.verified_fields) == ("", [])
    assert attempt.identifier_last4 == "002X" and attempt.masked_identifier == "**************002X"
    assert len(attempt.identifier_hash) == 64 and attempt.request_ip == "203.0.113.8"
    assert not User.objects.get(pk=uma.pk).is_identity_verified
    event = AuditEvent.objects.get(action="identity.number_well_formed")
    assert event.details["masked"] == "**************002X"
    assert NUMBER not in str(event.canonical_content())


def test_a_provider_verifies_the_person_and_records_what_it_checked(uma: User) -> None:
    stream = io.StringIO()
    attempt = identity_verify_id_card(
        user=uma, number=NUMBER, name="Alice Liddell", provider=ConsoleProvider(stream=stream)
    )
    assert attempt.status == Status.VERIFIED
    assert attempt.provider == "console" and attempt.provider_reference.startswith("console-")
    assert attempt.decided_at is not None
    assert "nothing was checked" in attempt.evidence["note"]
    assert "Alice Liddell" in stream.getvalue() and NUMBER not in stream.getvalue()
    assert User.objects.get(pk=uma.pk).is_identity_verified
    assert AuditEvent.objects.get(action="identity.verified").details["masked"] == "**************002X"


def test_a_provider_needs_the_name(uma: User) -> None:
    with pytest.raises(VerificationError) as excinfo:
        identity_verify_id_card(user=uma, number=NUMBER, provider=console())
    assert excinfo.value.code == "name"


def test_it_records_nothing_for_a_malformed_number(uma: User) -> None:
    with pytest.raises(ValidationError):
        identity_verify_id_card(user=uma, number="11010519491231002Y")
    assert not IdentityVerification.objects.exists()


def test_it_refuses_a_number_verified_on_another_account_and_flags_it(uma: User, ugo: User) -> None:
    identity_verify_id_card(user=ugo, number=NUMBER, name="Bob", provider=console())
    attempt = identity_verify_id_card(user=uma, number=NUMBER, name="Alice", provider=console())
    assert attempt.status == Status.REJECTED
    assert "another account" in attempt.rejection_reason
    assert not User.objects.get(pk=uma.pk).is_identity_verified
    event = AuditEvent.objects.get(action="identity.duplicate_refused")
    assert event.details["other_user_id"] == ugo.pk
    # The refused attempt keeps the hash, so administrators can find both accounts.
    assert IdentityVerification.objects.filter(identifier_hash=attempt.identifier_hash).count() == 2
    # A well-formed record on another account holds nothing.
    assert identity_verify_id_card(user=ugo, number=VALID_IDS[1]).status == Status.WELL_FORMED
    assert identity_verify_id_card(user=uma, number=VALID_IDS[1]).status == Status.WELL_FORMED


def test_it_refuses_the_same_number_twice_on_one_account(uma: User) -> None:
    identity_verify_id_card(user=uma, number=NUMBER, name="Alice", provider=console())
    with pytest.raises(VerificationError) as excinfo:
        identity_verify_id_card(user=uma, number=NUMBER, name="Alice", provider=console())
    assert excinfo.value.code == "already_verified"


def test_it_frees_a_number_once_its_verification_is_revoked(uma: User, ugo: User, ada: User) -> None:
    from accounts.services import identity_verification_reject

    bobs = identity_verify_id_card(user=ugo, number=NUMBER, name="Bob", provider=console())
    identity_verification_reject(verification=bobs, actor=ada, reason="Not his card.")
    assert (
        identity_verify_id_card(user=uma, number=NUMBER, name="A", provider=console()).status
        == Status.VERIFIED
    )


# --- Pages -------------------------------------------------------------------------------------


def test_without_a_provider_the_page_records_a_well_formed_number(uma: User, uma_client: Client) -> None:
    page = uma_client.get("/accounts/verify/id-card/")
    assert page.status_code == 200 and b'name="name"' not in page.content
    response = uma_client.post("/accounts/verify/id-card/submit/", {"number": NUMBER}, follow=True)
    assert response.redirect_chain == [("/accounts/me/", 302)]
    assert b"well-formed and recorded, but that does not show it is yours" in response.content
    assert b"**************002X" in response.content and NUMBER.encode() not in response.content
    assert not User.objects.get(pk=uma.pk).is_identity_verified


def test_with_a_provider_the_page_asks_for_the_name_and_verifies(
    uma: User, uma_client: Client, settings: object
) -> None:
    settings.IDENTITY_PROVIDER = CONSOLE
    assert b'name="name"' in uma_client.get("/accounts/verify/id-card/").content
    missing = uma_client.post("/accounts/verify/id-card/submit/", {"number": NUMBER})
    assert missing.status_code == 200 and not IdentityVerification.objects.exists()
    response = uma_client.post(
        "/accounts/verify/id-card/submit/", {"number": NUMBER, "name": "Alice Liddell"}
    )
    assert response.status_code == 302 and response.url == "/accounts/me/"
    assert User.objects.get(pk=uma.pk).is_identity_verified


def test_it_explains_a_wrong_check_character(uma_client: Client) -> None:
    response = uma_client.post("/accounts/verify/id-card/submit/", {"number": "110105194912310021"})
    assert response.status_code == 200
    assert b"check character of this ID number is wrong" in response.content


def test_it_explains_a_duplicate_on_the_page(uma_client: Client, ugo: User) -> None:
    identity_verify_id_card(user=ugo, number=NUMBER, name="Bob", provider=console())
    response = uma_client.post("/accounts/verify/id-card/submit/", {"number": NUMBER})
    assert response.status_code == 200
    assert b"already verified on another account" in response.content


def test_it_rejects_get_requires_login_and_refuses_other_roles(
    uma_client: Client, mod_client: Client
) -> None:
    path = "/accounts/verify/id-card/submit/"
    assert uma_client.get(path).status_code == 405
    anonymous = Client().post(path, {"number": NUMBER})
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    assert mod_client.post(path, {"number": NUMBER}).status_code == 403
    assert mod_client.get("/accounts/verify/id-card/").status_code == 403
    assert not IdentityVerification.objects.exists()
