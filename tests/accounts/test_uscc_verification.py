"""Organisations record their Unified Social Credit Code (GB 32100): well-formed, not verified;
the business licence then goes to document review."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import IdentityVerification, User
from accounts.services import identity_verify_uscc
from tests.accounts.samples import VALID_USCCS

Status = IdentityVerification.Status
CODE = VALID_USCCS[0]


def test_it_records_a_valid_code_as_well_formed(uma: User) -> None:
    attempt = identity_verify_uscc(user=uma, code=CODE.lower())
    assert attempt.status == Status.WELL_FORMED
    assert attempt.method == IdentityVerification.Method.USCC
    assert attempt.masked_identifier == "**************0Y43"
    assert not User.objects.get(pk=uma.pk).is_identity_verified


def test_it_refuses_a_wrong_check_character(uma: User) -> None:
    with pytest.raises(ValidationError):
        identity_verify_uscc(user=uma, code=CODE[:-1] + "4")
    assert not IdentityVerification.objects.exists()


def test_a_well_formed_code_on_another_account_holds_nothing(uma: User, ugo: User) -> None:
    identity_verify_uscc(user=ugo, code=CODE)
    assert identity_verify_uscc(user=uma, code=CODE).status == Status.WELL_FORMED


def test_it_keeps_id_numbers_and_credit_codes_apart(uma: User, ugo: User) -> None:
    from accounts.services import identity_verify_id_card

    # Same 18 characters could never be both, but the hash is per method anyway.
    identity_verify_id_card(user=ugo, number="11010519491231002X")
    assert identity_verify_uscc(user=uma, code=CODE).status == Status.WELL_FORMED


def test_it_records_through_the_page_and_points_to_document_review(uma: User, uma_client: Client) -> None:
    assert uma_client.get("/accounts/verify/uscc/").status_code == 200
    response = uma_client.post("/accounts/verify/uscc/submit/", {"code": CODE}, follow=True)
    assert response.redirect_chain == [("/accounts/me/", 302)]
    assert b"does not show it is yours" in response.content
    assert b"/accounts/verify/document/" in response.content
    assert not User.objects.get(pk=uma.pk).is_identity_verified


def test_it_explains_a_bad_code_on_the_page(uma_client: Client) -> None:
    response = uma_client.post("/accounts/verify/uscc/submit/", {"code": "91350100M000100I43"})
    assert response.status_code == 200
    assert b"never uses" in response.content


def test_it_rejects_get_requires_login_and_refuses_other_roles(
    uma_client: Client, senior_client: Client
) -> None:
    path = "/accounts/verify/uscc/submit/"
    assert uma_client.get(path).status_code == 405
    anonymous = Client().post(path, {"code": CODE})
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    assert senior_client.post(path, {"code": CODE}).status_code == 403
