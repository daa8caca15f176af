"""Consent records are proof: never deleted while the retention period keeps them (R31)."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.db.models import ProtectedError
from django.test import Client, RequestFactory
from django.utils import timezone

from accounts.models import User
from consent.models import ConsentRecord, RecordRetained
from moderation.models import Submission
from tests.consent.builders import ask, last_link_to, needing_consent


@pytest.fixture
def record(alice: User, run_commit_hooks: Any) -> ConsentRecord:
    submission = needing_consent(alice, run_commit_hooks)
    ask(submission, run_commit_hooks)
    with run_commit_hooks(execute=True):
        Client().post(
            last_link_to("carol@example.com") + "grant/", {"separate": "on", "text_version": "person-1"}
        )
    return ConsentRecord.objects.get()


def test_it_refuses_to_delete_a_record_within_retention(record: ConsentRecord) -> None:
    assert record.retained_until == record.expires_at + timedelta(days=3 * 365)
    with pytest.raises(RecordRetained):
        record.delete()
    with pytest.raises(RecordRetained):
        ConsentRecord.objects.all().delete()
    with pytest.raises(ProtectedError):
        Submission.objects.filter(pk=record.submission_id).delete()
    assert ConsentRecord.objects.filter(pk=record.pk).exists()


def test_retention_runs_from_withdrawal_and_is_never_below_183_days(
    record: ConsentRecord, settings: Any
) -> None:
    withdrawn = timezone.now() - timedelta(days=10)
    ConsentRecord.objects.filter(pk=record.pk).update(withdrawn_at=withdrawn)
    record.refresh_from_db()
    settings.CONSENT_RETENTION_DAYS = 30
    assert record.retained_until == withdrawn + timedelta(days=183)

    ConsentRecord.objects.filter(pk=record.pk).update(withdrawn_at=timezone.now() - timedelta(days=200))
    record.refresh_from_db()
    record.delete()  # past retention: allowed, one by one
    assert not ConsentRecord.objects.filter(pk=record.pk).exists()


def test_the_admin_shows_records_but_never_changes_or_deletes_them(record: ConsentRecord, ada: User) -> None:
    request = RequestFactory().get("/")
    request.user = ada
    model_admin = site._registry[ConsentRecord]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, record)
    assert not model_admin.has_delete_permission(request, record)
    assert "withdraw_nonce" not in model_admin.get_readonly_fields(request, record)
