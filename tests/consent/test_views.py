"""Every consent view: works, requires login (public pages excepted), rejects the wrong method,
404 for outsiders, 403 for the wrong role."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from consent.models import ConsentRecord, ConsentRequest, ReleaseDocument
from consent.services import release_document_upload
from moderation.intake.services import PersonInput
from moderation.models import Relation, Submission
from tests.consent.builders import ask, last_link_to, needing_consent, person_key

PDF = b"%PDF-1.4\n%%EOF\n"
CONTRIBUTOR_ACTIONS = [
    "consent_send",
    "consent_resend",
    "consent_remind",
    "consent_release_upload",
    "consent_self",
]
MODERATOR_ACTIONS = ["consent_release_approve", "consent_release_refuse"]


@pytest.fixture
def submission(alice: User, run_commit_hooks: Any) -> Submission:
    return needing_consent(
        alice,
        run_commit_hooks,
        persons=[
            PersonInput("Carol Chen", Relation.OTHER, email="carol@example.com"),
            PersonInput("Alice Liddell", Relation.SELF),
        ],
    )


@pytest.fixture
def document(submission: Submission, alice: User) -> ReleaseDocument:
    return release_document_upload(
        submission=submission,
        person_key=person_key(submission),
        upload=SimpleUploadedFile("r.pdf", PDF),
        actor=alice,
    )


def url_for(name: str, submission: Submission, document: ReleaseDocument | None = None) -> str:
    if name in MODERATOR_ACTIONS or name == "consent_release_file":
        assert document is not None
        return reverse(name, args=[submission.pk, document.pk])
    who = "Alice Liddell" if name == "consent_self" else "Carol Chen"
    return reverse(name, args=[submission.pk, person_key(submission, who)])


@pytest.mark.parametrize("name", CONTRIBUTOR_ACTIONS + MODERATOR_ACTIONS)
def test_it_requires_login(name: str, submission: Submission, document: ReleaseDocument) -> None:
    response = Client().post(url_for(name, submission, document))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("name", CONTRIBUTOR_ACTIONS)
def test_contributor_actions_reject_get_outsiders_and_moderators(
    name: str,
    submission: Submission,
    document: ReleaseDocument,
    alice_client: Client,
    bob_client: Client,
    mod_client: Client,
) -> None:
    url = url_for(name, submission, document)
    assert alice_client.get(url).status_code == 405
    assert bob_client.post(url, {"channel": "email"}).status_code == 404
    assert mod_client.post(url, {"channel": "email"}).status_code == 403
    other_person = url.replace(person_key(submission), "0" * 32).replace(
        person_key(submission, "Alice Liddell"), "0" * 32
    )
    assert alice_client.post(other_person, {"channel": "email"}).status_code == 404


@pytest.mark.parametrize("name", MODERATOR_ACTIONS)
def test_moderator_actions_reject_get_outsiders_and_the_contributor(
    name: str,
    submission: Submission,
    document: ReleaseDocument,
    alice_client: Client,
    bob_client: Client,
    mod_client: Client,
) -> None:
    url = url_for(name, submission, document)
    assert mod_client.get(url).status_code == 405
    assert bob_client.post(url).status_code == 404
    assert alice_client.post(url, {"separate": "on", "reason": "x"}).status_code == 403
    document.refresh_from_db()
    assert document.status == ReleaseDocument.Status.PENDING


def test_the_release_file_is_read_only(
    submission: Submission, document: ReleaseDocument, mod_client: Client
) -> None:
    assert mod_client.post(url_for("consent_release_file", submission, document)).status_code == 405


@pytest.mark.parametrize("suffix", ["grant/", "refuse/"])
def test_public_answers_reject_get(suffix: str, submission: Submission, run_commit_hooks: Any) -> None:
    ask(submission, run_commit_hooks)
    assert Client().get(last_link_to("carol@example.com") + suffix).status_code == 405
    assert ConsentRequest.objects.get().status == ConsentRequest.Status.PENDING


def test_the_public_withdrawal_rejects_get() -> None:
    assert Client().get("/consent/withdraw/x/confirm/").status_code == 405


def test_each_contributor_action_works(
    submission: Submission, alice: User, alice_client: Client, run_commit_hooks: Any
) -> None:
    def post(name: str, data: dict | None = None) -> Any:
        with run_commit_hooks(execute=True):
            response = alice_client.post(url_for(name, submission), data or {})
        assert response.status_code == 302
        assert response.url == f"/submissions/{submission.pk}/#consent"
        return response

    post("consent_send", {"channel": "email"})
    first = ConsentRequest.objects.get()
    ConsentRequest.objects.filter(pk=first.pk).update(last_message_at=first.sent_at - timedelta(days=1))
    post("consent_remind")
    assert ConsentRequest.objects.get().reminders_sent == 1
    post("consent_resend", {"channel": "email"})
    assert list(ConsentRequest.objects.order_by("pk").values_list("status", flat=True)) == [
        "superseded",
        "pending",
    ]
    post("consent_release_upload", {"document": SimpleUploadedFile("r.pdf", PDF)})
    assert ReleaseDocument.objects.count() == 1
    post("consent_self", {"confirmed": "on", "text_version": "self-1"})
    assert ConsentRecord.objects.get().method == "self_verified"


def test_each_moderator_action_works(
    submission: Submission, alice: User, mod_client: Client, run_commit_hooks: Any
) -> None:
    for name, data, status in [
        ("consent_release_refuse", {"reason": "Unsigned."}, "refused"),
        ("consent_release_approve", {"separate": "on"}, "approved"),
    ]:
        document = release_document_upload(
            submission=submission,
            person_key=person_key(submission),
            upload=SimpleUploadedFile("r.pdf", PDF),
            actor=alice,
        )
        with run_commit_hooks(execute=True):
            response = mod_client.post(url_for(name, submission, document), data)
        assert response.url == f"/submissions/{submission.pk}/#consent"
        document.refresh_from_db()
        assert document.status == status
