"""The document review screen in the admin: look at the image, approve, or reject with a reason."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import IdentityVerification, User
from accounts.services import identity_document_submit
from audit.models import AuditEvent
from tests.accounts.admin_helpers import run_action
from tests.accounts.conftest import upload
from tests.accounts.samples import VALID_IDS
from tests.factories import make_user, verify_id_number

CHANGELIST = "/admin/accounts/identityverification/"
Status = IdentityVerification.Status


@pytest.fixture
def document(uma: User) -> IdentityVerification:
    return identity_document_submit(user=uma, upload=upload(), kind="id_card")


def test_it_shows_the_document_with_approve_and_reject(
    document: IdentityVerification, ada_client: Client
) -> None:
    page = ada_client.get(f"{CHANGELIST}{document.pk}/change/")
    content = page.content.decode()
    assert page.status_code == 200
    assert f'<img src="/accounts/identity-documents/{document.pk}/"' in content
    assert f'action="{CHANGELIST}{document.pk}/approve/"' in content
    assert f'action="{CHANGELIST}{document.pk}/reject/"' in content
    assert 'name="_save"' not in content  # nothing to edit by hand
    assert str(document.document.name) not in content  # the storage path stays private


def test_it_approves_a_document(document: IdentityVerification, ada: User, ada_client: Client) -> None:
    response = ada_client.post(f"{CHANGELIST}{document.pk}/approve/")
    assert response.status_code == 302
    assert response.url == f"{CHANGELIST}{document.pk}/change/"
    document.refresh_from_db()
    assert (document.status, document.decided_by) == (Status.VERIFIED, ada)
    event = AuditEvent.objects.get(action="identity.verified")
    assert event.actor == ada and event.target_id == str(document.user_id)


def test_it_rejects_a_document_with_a_reason(
    document: IdentityVerification, ada: User, ada_client: Client
) -> None:
    ada_client.post(f"{CHANGELIST}{document.pk}/reject/", {"reason": ""})
    document.refresh_from_db()
    assert document.status == Status.PENDING
    ada_client.post(f"{CHANGELIST}{document.pk}/reject/", {"reason": "The photo is blurred."})
    document.refresh_from_db()
    assert (document.status, document.rejection_reason) == (Status.REJECTED, "The photo is blurred.")
    assert AuditEvent.objects.get(action="identity.rejected").actor == ada


def test_it_does_not_approve_twice_or_approve_numbers(
    document: IdentityVerification, ugo: User, ada_client: Client
) -> None:
    ada_client.post(f"{CHANGELIST}{document.pk}/approve/")
    ada_client.post(f"{CHANGELIST}{document.pk}/approve/")
    assert AuditEvent.objects.filter(action="identity.verified").count() == 1
    numbered = verify_id_number(ugo, VALID_IDS[0])
    ada_client.post(f"{CHANGELIST}{numbered.pk}/approve/")
    assert AuditEvent.objects.filter(action="identity.verified").count() == 2  # ugo's own, not another


def test_it_guards_the_review_actions(
    document: IdentityVerification, ada_client: Client, mod_client: Client
) -> None:
    assert ada_client.get(f"{CHANGELIST}{document.pk}/approve/").status_code == 405
    assert ada_client.get(f"{CHANGELIST}{document.pk}/reject/").status_code == 405
    for client in (mod_client, Client()):
        response = client.post(f"{CHANGELIST}{document.pk}/approve/")
        assert response.status_code == 302 and response.url.startswith(("/admin/login/", "/accounts/login/"))
    document.refresh_from_db()
    assert document.status == Status.PENDING


def test_it_reviews_from_the_list_with_actions(uma: User, ugo: User, ada: User, ada_client: Client) -> None:
    first = identity_document_submit(user=uma, upload=upload(), kind="id_card")
    second = identity_document_submit(user=ugo, upload=upload(), kind="business_licence")
    assert run_action(ada_client, CHANGELIST, "approve_documents", [first]).status_code == 302
    response = run_action(ada_client, CHANGELIST, "reject_attempts", [second], reason="Licence expired.")
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.VERIFIED, Status.REJECTED)
    assert second.rejection_reason == "Licence expired."


def test_it_lists_attempts_masked_in_fixed_queries(
    ada_client: Client, django_assert_num_queries: Any
) -> None:
    for n in range(3):
        verify_id_number(make_user(f"c{n}"), VALID_IDS[n])
    with django_assert_num_queries(9):
        page = ada_client.get(CHANGELIST)
    for n in range(3):
        make_user(f"d{n}")
        identity_document_submit(user=User.objects.get(username=f"d{n}"), upload=upload(), kind="id_card")
    with django_assert_num_queries(9):
        page = ada_client.get(CHANGELIST)
    content = page.content.decode()
    assert "**************002X" in content
    assert all(number not in content for number in VALID_IDS)


def test_it_offers_no_add_or_delete(document: IdentityVerification, ada_client: Client) -> None:
    assert ada_client.get(f"{CHANGELIST}add/").status_code == 403
    assert ada_client.get(f"{CHANGELIST}{document.pk}/delete/").status_code == 403
