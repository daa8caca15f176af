"""A consent runs out: published content it covered is taken down, like after a withdrawal."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from consent.expiry import consents_expire
from consent.models import ConsentRecord
from moderation.models import Queue, Status, Submission
from tests.consent.test_withdrawal import consented


def publish(submission: Submission) -> None:
    Submission.objects.filter(pk=submission.pk).update(status=Status.APPROVED, published_at=timezone.now())


def test_it_takes_down_published_content_whose_consent_expired(alice: User, run_commit_hooks: Any) -> None:
    submission, _link = consented(alice, run_commit_hooks)
    publish(submission)
    record = ConsentRecord.objects.get()
    assert consents_expire(now=record.expires_at - timedelta(minutes=1)) == 0
    with run_commit_hooks(execute=True):
        assert consents_expire(now=record.expires_at + timedelta(minutes=1)) == 1
    submission.refresh_from_db()
    assert (submission.status, submission.queue, submission.is_published) == (
        Status.AWAITING_REVIEW,
        Queue.TAKEDOWN,
        False,
    )
    event = AuditEvent.objects.get(action="submission.takedown_opened")
    assert event.details["reason"] == "The consent of Carol Chen has expired."
    assert AuditEvent.objects.get(action="consent.expiry_sweep").details == {"taken_down": 1}
    # Running again finds nothing more to do.
    assert consents_expire(now=record.expires_at + timedelta(minutes=2)) == 0


def test_it_leaves_unpublished_content_to_the_consent_check(alice: User, run_commit_hooks: Any) -> None:
    submission, _link = consented(alice, run_commit_hooks)
    record = ConsentRecord.objects.get()
    assert consents_expire(now=record.expires_at + timedelta(days=1)) == 0
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW and submission.queue == Queue.REVIEW


def test_it_schedules_the_sweeps() -> None:
    import importlib

    from rq import cron

    cron._job_data_registry.clear()
    importlib.reload(importlib.import_module("config.cron"))
    names = {job["func"].__name__: job for job in cron._job_data_registry}
    assert set(names) == {
        "requeue_stale_checks",
        "requeue_stale_publications",
        "expire_consents",
        "purge_identity_documents",
        # oversight and operations
        "rollup_metrics",
        "index_label_identifiers",
        "queue_statements",
        "purge_expired_records",
        "end_expired_takedowns",
        # webhooks
        "requeue_stale_webhooks",
        # publisher API
        "purge_idempotency_keys",
    }
    assert names["purge_expired_records"]["cron"] == "37 3 * * *"
    assert names["rollup_metrics"]["interval"] == 3600
    assert names["requeue_stale_checks"]["interval"] == 60
    assert names["requeue_stale_webhooks"]["interval"] == 60
    assert names["purge_idempotency_keys"]["cron"] == "7 * * * *"
    cron._job_data_registry.clear()
