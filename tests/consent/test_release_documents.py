"""Signed release documents: checked by their bytes, stored privately, counting only once approved."""

from typing import Any

from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from consent.models import ConsentRecord, Method, ReleaseDocument
from consent.rules import consent_gaps
from moderation.models import RunStatus
from notifications.models import Notification
from tests.consent.builders import latest_consent_run, needing_consent, person_key
from tests.media_samples import image_bytes

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(client: Client, submission: Any, name: str = "release.pdf", data: bytes = PDF) -> Any:
    url = reverse("consent_release_upload", args=[submission.pk, person_key(submission)])
    return client.post(url, {"document": SimpleUploadedFile(name, data, content_type="application/pdf")})


def messages_of(response: Any) -> list[str]:
    """The message this response added (earlier, unread ones ride along in the session)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1:]


def test_it_counts_a_release_only_once_a_moderator_approves_it(
    alice: User, alice_client: Client, mod: User, mod_client: Client, run_commit_hooks: Any
) -> None:
    submission = needing_consent(alice, run_commit_hooks)

    with run_commit_hooks(execute=True):
        response = upload(alice_client, submission)
    assert messages_of(response) == ["The release of Carol Chen was uploaded. A moderator reviews it."]
    document = ReleaseDocument.objects.get()
    assert (document.status, document.mime_type, document.uploaded_by) == (
        "pending",
        "application/pdf",
        alice,
    )
    assert document.file.name.startswith("consent-documents/")
    assert "release" not in document.file.name.rsplit("/", 1)[-1]
    assert default_storage.open(document.file.name).read() == PDF
    [gap] = consent_gaps(submission.current_revision)
    assert gap.state == "document_pending"
    assert latest_consent_run(submission).status == RunStatus.FAILED
    assert "awaiting a moderator's review" in latest_consent_run(submission).findings.get().message

    page = mod_client.get(reverse("submission_detail", args=[submission.pk])).content.decode()
    assert f'id="release-{document.pk}"' in page
    mail.outbox.clear()
    with run_commit_hooks(execute=True):
        response = mod_client.post(
            reverse("consent_release_approve", args=[submission.pk, document.pk]), {"separate": "on"}
        )
    assert messages_of(response) == ["Release approved: it counts as Carol Chen's consent."]

    document.refresh_from_db()
    assert (document.status, document.decided_by) == ("approved", mod)
    record = ConsentRecord.objects.get()
    assert (record.method, record.document, record.confirmed_by, record.text_version) == (
        Method.RELEASE_DOCUMENT,
        document,
        mod,
        "document-1",
    )
    assert record.text.startswith("The signed release document uploaded on ")
    assert "Approved by moderator mod" in record.text
    assert consent_gaps(submission.current_revision) == []
    assert latest_consent_run(submission).status == RunStatus.PASSED
    # The person learns of it, with the way to withdraw.
    [to_carol] = [m for m in mail.outbox if m.to == ["carol@example.com"]]
    assert "/consent/withdraw/" in to_carol.body
    assert [
        e.action for e in AuditEvent.objects.filter(action__startswith="consent.document").order_by("seq")
    ] == [
        "consent.document_uploaded",
        "consent.document_approved",
    ]


def test_it_needs_the_moderator_to_confirm_what_the_document_shows(
    alice: User, alice_client: Client, mod_client: Client, run_commit_hooks: Any
) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    upload(alice_client, submission)
    document = ReleaseDocument.objects.get()

    response = mod_client.post(reverse("consent_release_approve", args=[submission.pk, document.pk]))

    assert messages_of(response) == ["Confirm what the document shows before approving it."]
    document.refresh_from_db()
    assert document.status == "pending"
    assert not ConsentRecord.objects.exists()


def test_it_refuses_a_release_with_a_reason(
    alice: User, alice_client: Client, mod: User, mod_client: Client, run_commit_hooks: Any
) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    upload(alice_client, submission)
    document = ReleaseDocument.objects.get()
    url = reverse("consent_release_refuse", args=[submission.pk, document.pk])

    assert messages_of(mod_client.post(url, {"reason": "  "})) == ["This field is required."]
    document.refresh_from_db()
    assert document.status == "pending"

    with run_commit_hooks(execute=True):
        mod_client.post(url, {"reason": "The signature is missing."})

    document.refresh_from_db()
    assert (document.status, document.refusal_reason, document.decided_by) == (
        "refused",
        "The signature is missing.",
        mod,
    )
    assert not ConsentRecord.objects.exists()
    [gap] = consent_gaps(submission.current_revision)
    assert gap.state == "document_refused"
    assert gap.message.endswith(": The signature is missing.")
    note = Notification.objects.get(user=alice, subject__startswith="The release")
    assert (note.subject, note.body) == (
        f"The release of Carol Chen was refused (submission #{submission.pk})",
        "The signature is missing.",
    )
    event = AuditEvent.objects.get(action="consent.document_refused")
    assert (event.actor, event.details["reason"], event.details["document"]) == (
        mod,
        "The signature is missing.",
        document.pk,
    )


def test_it_decides_the_type_by_the_bytes(alice: User, alice_client: Client, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)

    refused = upload(alice_client, submission, "release.pdf", b"not a pdf at all, just text")
    assert messages_of(refused) == ["Upload the signed release as a JPEG or PNG image or a PDF."]
    gif = upload(alice_client, submission, "release.png", image_bytes("GIF"))
    assert messages_of(gif) == ["Upload the signed release as a JPEG or PNG image or a PDF."]
    broken = upload(alice_client, submission, "release.pdf", b"%PDF-1.4\n1 0 obj")
    assert messages_of(broken) == ["The PDF is incomplete or damaged."]
    assert not ReleaseDocument.objects.exists()

    upload(alice_client, submission, "scan.pdf", image_bytes("PNG"))
    assert ReleaseDocument.objects.get().mime_type == "image/png"


def test_it_shows_the_document_to_the_contributor_and_moderators_only(
    alice: User,
    alice_client: Client,
    mod: User,
    mod_client: Client,
    bob_client: Client,
    run_commit_hooks: Any,
) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    upload(alice_client, submission)
    document = ReleaseDocument.objects.get()
    url = reverse("consent_release_file", args=[submission.pk, document.pk])

    for client in (alice_client, mod_client):
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")
    assert bob_client.get(url).status_code == 404
    assert Client().get(url).status_code == 302
    assert [e.actor for e in AuditEvent.objects.filter(action="consent.document_viewed").order_by("seq")] == [
        alice,
        mod,
    ]
