"""Document verification: images checked with Pillow, stored privately, shown only to admins,
deleted after the retention period while the row stays."""

import re
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import IdentityVerification, User
from accounts.services import identity_document_submit, identity_verification_approve
from audit.models import AuditEvent
from tests.accounts.conftest import image_bytes, upload

Status = IdentityVerification.Status


def submit(user: User, name: str = "uma-liddell-id.png") -> IdentityVerification:
    return identity_document_submit(user=user, upload=upload(name), kind="id_card")


def stored_path(attempt: IdentityVerification) -> Path:
    return Path(django_settings.MEDIA_ROOT) / str(attempt.document.name)


def test_it_stores_an_upload_at_a_random_path_for_review(uma: User, uma_client: Client) -> None:
    assert uma_client.get("/accounts/verify/document/").status_code == 200
    response = uma_client.post(
        "/accounts/verify/document/upload/", {"kind": "id_card", "image": upload("uma-liddell-id.png")}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/me/"
    attempt = IdentityVerification.objects.get(user=uma)
    assert attempt.status == Status.PENDING
    assert attempt.method == IdentityVerification.Method.DOCUMENT
    assert re.fullmatch(r"identity-documents/[0-9a-f]{2}/[0-9a-f]{32}\.png", str(attempt.document.name))
    assert stored_path(attempt).read_bytes() == image_bytes()
    assert AuditEvent.objects.filter(action="identity.document_submitted").exists()
    assert not User.objects.get(pk=uma.pk).is_identity_verified


def test_it_accepts_jpeg(uma: User) -> None:
    attempt = identity_document_submit(
        user=uma, upload=upload("scan.jpeg", image_bytes("JPEG"), "image/jpeg"), kind="business_licence"
    )
    assert str(attempt.document.name).endswith(".jpg")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("fake.png", b"this is not an image at all"),
        ("anim.gif", image_bytes("GIF")),
        ("truncated.png", image_bytes()[:-30]),
        ("empty.png", b""),
    ],
)
def test_it_refuses_what_is_not_a_jpeg_or_png(
    uma: User, uma_client: Client, name: str, content: bytes
) -> None:
    response = uma_client.post(
        "/accounts/verify/document/upload/", {"kind": "id_card", "image": upload(name, content)}
    )
    assert response.status_code == 200
    assert not IdentityVerification.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(uma_client: Client, settings: Any) -> None:
    settings.IDENTITY_DOCUMENT_MAX_BYTES = 100
    response = uma_client.post("/accounts/verify/document/upload/", {"kind": "id_card", "image": upload()})
    assert response.status_code == 200
    assert b"larger than" in response.content
    assert not IdentityVerification.objects.exists()


def test_it_rejects_get_requires_login_and_refuses_other_roles(
    uma_client: Client, mod_client: Client
) -> None:
    path = "/accounts/verify/document/upload/"
    assert uma_client.get(path).status_code == 405
    anonymous = Client().post(path, {"kind": "id_card", "image": upload()})
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    assert mod_client.post(path, {"kind": "id_card", "image": upload()}).status_code == 403
    assert not IdentityVerification.objects.exists()


# --- The private file --------------------------------------------------------------------------


def test_it_serves_the_image_to_admins_and_audits_it(uma: User, ada: User, ada_client: Client) -> None:
    attempt = submit(uma)
    response = ada_client.get(f"/accounts/identity-documents/{attempt.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == image_bytes()
    event = AuditEvent.objects.get(action="identity.document_viewed")
    assert event.actor == ada
    assert event.target_id == str(uma.pk)


def test_it_hides_the_image_from_everyone_else(
    uma: User, uma_client: Client, ugo_client: Client, mod_client: Client, oscar_client: Client
) -> None:
    attempt = submit(uma)
    path = f"/accounts/identity-documents/{attempt.pk}/"
    assert uma_client.get(path).status_code == 404  # not even its owner
    assert ugo_client.get(path).status_code == 404
    assert oscar_client.get(path).status_code == 404
    assert mod_client.get(path).status_code == 403
    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    assert not AuditEvent.objects.filter(action="identity.document_viewed").exists()


def test_it_has_no_public_url_for_uploads(uma: User) -> None:
    attempt = submit(uma)
    assert Client().get("/media/" + str(attempt.document.name)).status_code in (302, 404)


# --- Retention ---------------------------------------------------------------------------------


def test_it_purges_files_past_retention_and_keeps_the_rows(
    uma: User, ugo: User, ada: User, settings: Any
) -> None:
    settings.IDENTITY_DOCUMENT_RETENTION_DAYS = 183
    now = timezone.now()
    old = submit(uma)
    identity_verification_approve(verification=old, actor=ada, now=now - timedelta(days=184))
    recent = submit(ugo)  # one day younger than the 183-day floor: kept
    identity_verification_approve(verification=recent, actor=ada, now=now - timedelta(days=182))
    pending = submit(User.objects.create_user("carol", password="x"))
    old.refresh_from_db()
    old_file = stored_path(old)

    out = StringIO()
    call_command("purge_identity_documents", stdout=out)
    assert "Deleted 1 identity document" in out.getvalue()
    assert not old_file.exists()
    old.refresh_from_db()
    assert old.document.name == ""
    assert old.document_purged_at is not None
    assert old.status == Status.VERIFIED  # the verification itself stands
    recent.refresh_from_db()
    pending.refresh_from_db()
    assert stored_path(recent).exists() and stored_path(pending).exists()
    event = AuditEvent.objects.get(action="identity.document_purged")
    assert event.details["verification_id"] == old.pk
    assert event.actor is None

    call_command("purge_identity_documents", stdout=StringIO())
    assert AuditEvent.objects.filter(action="identity.document_purged").count() == 1


def test_it_never_purges_sooner_than_the_retention_floor(uma: User, ada: User, settings: Any) -> None:
    settings.IDENTITY_DOCUMENT_RETENTION_DAYS = 1  # below the floor: the floor wins
    attempt = submit(uma)
    identity_verification_approve(verification=attempt, actor=ada, now=timezone.now() - timedelta(days=182))
    call_command("purge_identity_documents", stdout=StringIO())
    attempt.refresh_from_db()
    assert attempt.document_purged_at is None and stored_path(attempt).exists()


def test_it_answers_404_for_a_purged_document(
    uma: User, ada: User, ada_client: Client, settings: Any
) -> None:
    attempt = submit(uma)
    identity_verification_approve(verification=attempt, actor=ada, now=timezone.now() - timedelta(days=200))
    call_command("purge_identity_documents", stdout=StringIO())
    assert ada_client.get(f"/accounts/identity-documents/{attempt.pk}/").status_code == 404
