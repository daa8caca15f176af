"""Taking published content down: hidden at once, first in the takedown queue, contributor told."""

from typing import Any

from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from moderation.models import Queue, Status, Submission
from moderation.publication.takedown import submission_open_takedown
from notifications.models import Notification
from tests.moderation.builders import submitted


def published(contributor: User, run_commit_hooks: Any) -> Submission:
    with run_commit_hooks(execute=True):
        submission = submitted(contributor)
    Submission.objects.filter(pk=submission.pk).update(status=Status.APPROVED, published_at=timezone.now())
    submission.refresh_from_db()
    return submission


def test_it_hides_published_content_and_queues_it_first(
    alice: User, run_commit_hooks: Any, mailoutbox: list
) -> None:
    submission = published(alice, run_commit_hooks)
    with run_commit_hooks(execute=True):
        other = submitted(alice)
    with run_commit_hooks(execute=True):
        assert submission_open_takedown(submission=submission, reason="Carol withdrew her consent.") is True
    submission.refresh_from_db()
    assert (submission.status, submission.queue, submission.is_published) == (
        Status.AWAITING_REVIEW,
        Queue.TAKEDOWN,
        False,
    )
    assert submission.publication_hidden_at is not None
    assert submission.priority_score >= 100
    assert submission.due_at == submission.awaiting_since + timezone.timedelta(hours=4)
    other.refresh_from_db()
    assert submission.priority_rank > other.priority_rank
    event = AuditEvent.objects.get(action="submission.takedown_opened")
    assert event.details["reason"] == "Carol withdrew her consent."
    note = Notification.objects.get(user=alice)
    assert note.subject == f"Your submission #{submission.pk} was taken down"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["alice@example.com"]


def test_it_does_nothing_to_content_that_is_not_published(alice: User) -> None:
    submission = submitted(alice)
    assert submission_open_takedown(submission=submission, reason="x") is False
    submission.refresh_from_db()
    assert submission.queue == Queue.REVIEW
    assert not AuditEvent.objects.filter(action="submission.takedown_opened").exists()
