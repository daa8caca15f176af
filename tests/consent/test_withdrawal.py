"""Withdrawing consent through the link in the confirmation: before approval the check fails again;
on published content the publication is hidden at once and a takedown review opens. Nothing is deleted."""

from typing import Any

from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from consent.models import ConsentRecord
from consent.rules import consent_gaps
from moderation.models import Queue, RunStatus, Status, Submission
from notifications.models import Notification
from tests.consent.builders import ask, last_link_to, latest_consent_run, needing_consent


def consented(alice: User, run_commit_hooks: Any) -> tuple[Submission, str]:
    """Carol's consent given; returns the submission and her withdrawal link."""
    submission = needing_consent(alice, run_commit_hooks)
    ask(submission, run_commit_hooks)
    with run_commit_hooks(execute=True):
        Client().post(
            last_link_to("carol@example.com") + "grant/", {"separate": "on", "text_version": "person-1"}
        )
    assert latest_consent_run(submission).status == RunStatus.PASSED
    return submission, last_link_to("carol@example.com")


def test_the_link_shows_what_is_withdrawn_and_changes_nothing_until_confirmed(
    alice: User, run_commit_hooks: Any
) -> None:
    _submission, link = consented(alice, run_commit_hooks)

    page = Client().get(link)

    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    assert "A day at the lake" in page.content.decode()
    assert f'action="{link}confirm/"' in page.content.decode()
    assert ConsentRecord.objects.get().withdrawn_at is None


def test_withdrawing_before_approval_fails_the_check_again(alice: User, run_commit_hooks: Any) -> None:
    submission, link = consented(alice, run_commit_hooks)
    mail.outbox.clear()

    with run_commit_hooks(execute=True):
        response = Client(HTTP_USER_AGENT="Safari").post(link + "confirm/")

    assert response.url == "/consent/done/?outcome=withdrawn"
    record = ConsentRecord.objects.get()  # kept, marked withdrawn
    assert record.withdrawn_at is not None
    assert (record.withdrawal_ip, record.withdrawal_user_agent) == ("127.0.0.1", "Safari")
    [gap] = consent_gaps(submission.current_revision)
    assert gap.state == "withdrawn"
    run = latest_consent_run(submission)
    assert run.status == RunStatus.FAILED
    assert run.findings.get().evidence["state"] == "withdrawn"
    submission.refresh_from_db()
    assert (submission.status, submission.consent_missing, submission.queue) == (
        Status.AWAITING_REVIEW,
        True,
        Queue.REVIEW,
    )
    note = Notification.objects.get(user=alice, subject__startswith="Consent withdrawn")
    assert note.subject == f"Consent withdrawn for submission #{submission.pk}"
    assert note.body.startswith("Carol Chen withdrew their consent on ")
    assert note.body.endswith("The content cannot be published without a new consent.")
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    event = AuditEvent.objects.get(action="consent.withdrawn")
    assert event.details == {
        "person_key": record.person_key,
        "record": record.pk,
        "method": "email_link",
        "published": False,
    }


def test_withdrawing_from_published_content_takes_it_down(alice: User, run_commit_hooks: Any) -> None:
    submission, link = consented(alice, run_commit_hooks)
    Submission.objects.filter(pk=submission.pk).update(status=Status.APPROVED, published_at=timezone.now())

    with run_commit_hooks(execute=True):
        Client().post(link + "confirm/")

    submission.refresh_from_db()
    assert (submission.status, submission.queue, submission.is_published) == (
        Status.AWAITING_REVIEW,
        Queue.TAKEDOWN,
        False,
    )
    assert submission.publication_hidden_at is not None
    takedown = AuditEvent.objects.get(action="submission.takedown_opened")
    assert takedown.details["reason"].startswith("Carol Chen withdrew their consent on ")
    assert takedown.details["consent_record"] == ConsentRecord.objects.get().pk
    assert AuditEvent.objects.get(action="consent.withdrawn").details["published"] is True
    note = Notification.objects.get(user=alice, subject__contains="taken down")
    assert note.subject == f"Your submission #{submission.pk} was taken down"
    assert ConsentRecord.objects.get().withdrawn_at is not None


def test_withdrawing_from_approved_but_unpublished_content_only_rechecks(
    alice: User, run_commit_hooks: Any
) -> None:
    submission, link = consented(alice, run_commit_hooks)
    Submission.objects.filter(pk=submission.pk).update(status=Status.APPROVED)

    with run_commit_hooks(execute=True):
        Client().post(link + "confirm/")

    submission.refresh_from_db()
    assert (submission.status, submission.queue) == (Status.APPROVED, Queue.REVIEW)
    assert not AuditEvent.objects.filter(action="submission.takedown_opened").exists()
    assert latest_consent_run(submission).status == RunStatus.FAILED
