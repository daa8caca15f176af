"""Every event reaches the outbox from the change it announces, in the same transaction:
checks done, a decision, a publication, a consent given and withdrawn, a takedown."""

import hashlib
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from integrations.models import Integration
from moderation.intake.services import submission_submit
from moderation.models import PublishedRendition, Status, Submission
from moderation.pipeline.services import check_run_execute
from tests.consent.test_withdrawal import consented
from tests.moderation.builders import draft, unique_image
from tests.moderation.test_review import decide, reason
from tests.published import publish_now
from tests.webhooks.receiver import Receiver
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


def events_of(submission: Submission) -> list[tuple[int | None, str]]:
    return list(
        WebhookEvent.objects.filter(submission=submission)
        .order_by("sequence")
        .values_list("sequence", "type")
    )


def checked_from_cms(alice: User, integration: Integration, **kwargs: Any) -> Submission:
    submission = draft(alice, **kwargs)
    Submission.objects.filter(pk=submission.pk).update(
        integration=integration, external_id=f"cms-{submission.pk}"
    )
    submission.refresh_from_db()
    submission_submit(submission=submission, actor=alice)
    for run in submission.check_runs.all():
        check_run_execute(run_id=run.pk, worker="test")
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW
    return submission


def test_it_announces_the_checks_done(alice: User, integration: Integration) -> None:
    submission = checked_from_cms(alice, integration)
    assert events_of(submission) == [(1, "submission.checked")]
    data = WebhookEvent.objects.get().payload["data"]
    assert data["status"] == "awaiting_review"
    assert data["tier"] == submission.tier
    assert sorted(check["kind"] for check in data["checks"]) == ["consent", "label", "policy"]


def test_it_announces_a_decision_with_its_statement(alice: User, mod: User, integration: Integration) -> None:
    submission = checked_from_cms(alice, integration)
    decision = decide(submission, mod, "rejected", reason=reason(), explanation="Declared as authentic.")
    assert events_of(submission) == [(1, "submission.checked"), (2, "submission.decided")]
    data = WebhookEvent.objects.get(type="submission.decided").payload["data"]
    assert (data["decision"], data["outcome"], data["reason"]) == (decision.pk, "rejected", "unlabelled-ai")
    assert data["explanation"] == "Declared as authentic."
    assert data["statement"]["explanation"] == decision.statement["explanation"]
    assert data["statement"]["redress"]


def test_it_announces_a_publication_with_its_renditions(
    alice: User, mod: User, integration: Integration
) -> None:
    submission = checked_from_cms(alice, integration, files=[unique_image()])
    decide(submission, mod, "approved")
    publish_now(submission)
    assert [kind for _sequence, kind in events_of(submission)] == [
        "submission.checked",
        "submission.decided",
        "publication.published",
    ]
    data = WebhookEvent.objects.get(type="publication.published").payload["data"]
    rendition = PublishedRendition.objects.get(submission=submission, media__isnull=False)
    with rendition.file.open("rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    image = next(item for item in data["renditions"] if item["id"] == rendition.pk)
    assert image == {"id": rendition.pk, "kind": "image", "mime": rendition.mime_type, "sha256": digest}


def test_a_consent_withdrawal_reaches_the_receiver_as_a_takedown(
    alice: User, integration: Integration, receiver: Receiver, run_commit_hooks: Any
) -> None:
    submission, link = consented(alice, run_commit_hooks)
    Submission.objects.filter(pk=submission.pk).update(
        status=Status.APPROVED, published_at=timezone.now(), integration=integration, external_id="cms-7"
    )

    with run_commit_hooks(execute=True):
        Client().post(link + "confirm/")

    assert all(request["verified"] for request in receiver.requests)
    by_sequence = sorted(receiver.applied.values(), key=lambda payload: payload["data"]["sequence"])
    assert [payload["type"] for payload in by_sequence] == ["consent.withdrawn", "publication.taken_down"]
    withdrawn, taken_down = (payload["data"] for payload in by_sequence)
    assert (withdrawn["published"], withdrawn["taken_down"]) == (True, True)
    assert (taken_down["external_id"], taken_down["source"], taken_down["scope"]) == (
        "cms-7",
        "consent_withdrawal",
        [],
    )


def test_it_announces_a_consent_granted(alice: User, integration: Integration, run_commit_hooks: Any) -> None:
    from tests.consent.builders import ask, last_link_to, needing_consent

    submission = needing_consent(alice, run_commit_hooks)
    Submission.objects.filter(pk=submission.pk).update(integration=integration)
    ask(submission, run_commit_hooks)
    with run_commit_hooks(execute=True):
        Client().post(
            last_link_to("carol@example.com") + "grant/", {"separate": "on", "text_version": "person-1"}
        )
    granted = WebhookEvent.objects.get(type="consent.granted").payload["data"]
    assert granted["method"] == "email_link" and granted["expires_at"]
