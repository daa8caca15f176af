"""ID card verification: valid numbers verify at once; a number verifies one account only."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import IdentityVerification, User
from accounts.services import VerificationError, identity_verify_id_card
from audit.models import AuditEvent
from tests.accounts.samples import VALID_IDS

Status = IdentityVerification.Status
NUMBER = VALID_IDS[0]


def test_it_verifies_a_valid_number_keeping_only_hash_and_last_four(uma: User) -> None:
    attempt = identity_verify_id_card(user=uma, number=NUMBER.lower(), ip="203.0.113.8")
    assert attempt.status == Status.VERIFIED
    assert attempt.method == IdentityVerification.Method.ID_CARD
    assert attempt.identifier_last4 == "002X"
    assert attempt.masked_identifier == "**************002X"
    assert len(attempt.identifier_hash) == 64
    assert attempt.request_ip == "203.0.113.8"
    assert User.objects.get(pk=uma.pk).is_identity_verified
    event = AuditEvent.objects.get(action="identity.verified")
    assert event.details["masked"] == "**************002X"
    assert NUMBER not in str(event.canonical_content())


def test_it_records_nothing_for_a_malformed_number(uma: User) -> None:
    with pytest.raises(ValidationError):
        identity_verify_id_card(user=uma, number="11010519491231002Y")
    assert not IdentityVerification.objects.exists()


def test_it_refuses_a_number_verified_on_another_account_and_flags_it(uma: User, ugo: User) -> None:
    identity_verify_id_card(user=ugo, number=NUMBER)
    attempt = identity_verify_id_card(user=uma, number=NUMBER)
    assert attempt.status == Status.REJECTED
    assert "another account" in attempt.rejection_reason
    assert not User.objects.get(pk=uma.pk).is_identity_verified
    event = AuditEvent.objects.get(action="identity.duplicate_refused")
    assert event.details["other_user_id"] == ugo.pk
    # The refused attempt keeps the hash, so administrators can find both accounts.
    assert IdentityVerification.objects.filter(identifier_hash=attempt.identifier_hash).count() == 2


def test_it_refuses_the_same_number_twice_on_one_account(uma: User) -> None:
    identity_verify_id_card(user=uma, number=NUMBER)
    with pytest.raises(VerificationError) as excinfo:
        identity_verify_id_card(user=uma, number=NUMBER)
    assert excinfo.value.code == "already_verified"


def test_it_frees_a_number_once_its_verification_is_revoked(uma: User, ugo: User, ada: User) -> None:
    from accounts.services import identity_verification_reject

    ugos = identity_verify_id_card(user=ugo, number=NUMBER)
    identity_verification_reject(verification=ugos, actor=ada, reason="Not his card.")
    assert identity_verify_id_card(user=uma, number=NUMBER).status == Status.VERIFIED


# --- Pages -------------------------------------------------------------------------------------


def test_it_verifies_through_the_page(uma: User, uma_client: Client) -> None:
    assert uma_client.get("/accounts/verify/id-card/").status_code == 200
    response = uma_client.post("/accounts/verify/id-card/submit/", {"number": NUMBER})
    assert response.status_code == 302
    assert response.url == "/accounts/me/"
    page = uma_client.get("/accounts/me/")
    assert b"**************002X" in page.content
    assert NUMBER.encode() not in page.content


def test_it_explains_a_wrong_check_character(uma_client: Client) -> None:
    response = uma_client.post("/accounts/verify/id-card/submit/", {"number": "110105194912310021"})
    assert response.status_code == 200
    assert b"check character of this ID number is wrong" in response.content


def test_it_explains_a_duplicate_on_the_page(uma_client: Client, ugo: User) -> None:
    identity_verify_id_card(user=ugo, number=NUMBER)
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
