"""Retention (R31): each record type purged past its period, never a row younger than 183 days,
every purge audited; the audit trail itself purged by whole anchored chain segments."""

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import IdentityVerification, User
from audit.models import AuditChainHead, AuditEvent
from audit.services import record_event, verify_chain
from moderation.models import CheckRun, Decision, Revision
from operations.retention import RetentionFloorError, _delete_in_batches, records_purge
from tests.oversight.conftest import decide, make_item

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def retention(settings: Any) -> dict[str, int]:
    settings.RETENTION_DAYS = {
        **settings.RETENTION_DAYS,
        "decisions": 183,
        "check_runs": 183,
        "identity_events": 183,
        "audit_events": 183,
        "access_logs": 183,
    }
    return settings.RETENTION_DAYS


def test_the_purge_refuses_a_row_one_day_younger_than_the_floor(
    alice: User, mod: User, retention: Any
) -> None:
    now = timezone.now()
    old = decide(
        make_item(alice, submitted_at=now - timedelta(days=190)), mod, "approved", now - timedelta(days=184)
    )
    young = decide(
        make_item(alice, submitted_at=now - timedelta(days=190)), mod, "approved", now - timedelta(days=182)
    )
    [result] = records_purge(record_types=["decisions"], now=now)
    assert result.removed == 1
    assert not Decision.objects.filter(pk=old.pk).exists()
    assert Decision.objects.filter(pk=young.pk).exists()
    event = AuditEvent.objects.get(action="retention.purged")
    assert event.target_id == "decisions" and event.details["removed"] == 1
    assert event.details["notes"] == [f"ids {old.pk} to {old.pk}"]
    # Even handed a young row by mistake, the purge refuses and removes nothing.
    with pytest.raises(RetentionFloorError):
        _delete_in_batches(Decision.objects.all(), "created_at", "decisions", now, now, False)
    assert Decision.objects.filter(pk=young.pk).exists()


def test_a_retention_below_the_floor_is_refused(settings: Any) -> None:
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "decisions": 182}
    with pytest.raises(RetentionFloorError):
        records_purge(record_types=["decisions"])
    env = {**os.environ, "RETENTION_DECISIONS_DAYS": "182", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "183-day floor" in result.stderr
    env = {**os.environ, "RETENTION_DECISIONS_DAYS": "0", "DJANGO_SETTINGS_MODULE": "config.settings"}
    assert (
        subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env).returncode
        == 0
    )


def test_zero_keeps_forever(alice: User, mod: User, settings: Any) -> None:
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "decisions": 0}
    now = timezone.now()
    decide(
        make_item(alice, submitted_at=now - timedelta(days=900)), mod, "approved", now - timedelta(days=800)
    )
    [result] = records_purge(record_types=["decisions"])
    assert result.removed == 0 and Decision.objects.count() == 1


def test_check_runs_that_still_decide_something_stay(alice: User, retention: Any) -> None:
    now = timezone.now()
    item = make_item(alice, submitted_at=now - timedelta(days=400))
    quiet = make_item(alice, submitted_at=now - timedelta(days=400))
    old_revision = Revision.objects.create(submission=item, number=2, title="t", submitted_at=now)

    def run(submission: Any, revision: Revision, days: int) -> CheckRun:
        moment = now - timedelta(days=days)
        return CheckRun.objects.create(
            submission=submission,
            revision=revision,
            kind="label",
            check_version="1",
            status="passed",
            created_at=moment,
            finished_at=moment,
        )

    superseded = run(item, item.current_revision, 300)
    other = run(item, old_revision, 300)  # on a revision that is no longer current
    newest = run(item, item.current_revision, 100)
    only = run(quiet, quiet.current_revision, 300)  # old, but the newest of its check: approval reads it
    [result] = records_purge(record_types=["check_runs"], now=now)
    assert result.removed == 2
    assert set(CheckRun.objects.values_list("pk", flat=True)) == {newest.pk, only.pk}
    assert not CheckRun.objects.filter(pk__in=[superseded.pk, other.pk]).exists()


def test_identity_attempts_that_verified_nothing_go(alice: User, retention: Any) -> None:
    now = timezone.now()
    verified = IdentityVerification.objects.filter(user=alice).get()
    IdentityVerification.objects.filter(pk=verified.pk).update(created_at=now - timedelta(days=400))
    failed = IdentityVerification.objects.create(
        user=alice, method="phone", status="expired", created_at=now - timedelta(days=400)
    )
    recent = IdentityVerification.objects.create(
        user=alice, method="phone", status="rejected", created_at=now - timedelta(days=100)
    )
    [result] = records_purge(record_types=["identity_events"], now=now)
    assert result.removed == 1
    assert set(IdentityVerification.objects.values_list("pk", flat=True)) == {verified.pk, recent.pk}
    assert not IdentityVerification.objects.filter(pk=failed.pk).exists()


def _events_at(days_ago: int, targets: range) -> None:
    """One event per target, recorded `days_ago` days ago (spread over the chains)."""
    with mock.patch("audit.services.timezone.now", return_value=timezone.now() - timedelta(days=days_ago)):
        for n in targets:
            record_event(action="test.event", target_type="test.thing", target_id=n, details={"n": n})


def test_old_audit_events_go_by_whole_chain_segments_and_the_log_still_verifies(
    db: None, retention: Any
) -> None:
    _events_at(400, range(0, 30))
    _events_at(300, range(30, 40))
    _events_at(10, range(40, 60))
    assert verify_chain() == (60, None)
    [result] = records_purge(record_types=["audit_events"])
    assert result.removed == 40
    assert not AuditEvent.objects.filter(created_at__lt=timezone.now() - timedelta(days=183)).exists()
    assert sorted(e.details["n"] for e in AuditEvent.objects.filter(action="test.event")) == list(
        range(40, 60)
    )
    truncations = AuditEvent.objects.filter(action="audit.truncated").count()
    assert truncations == AuditChainHead.objects.filter(base_seq__gt=0).count() > 1
    checked, broken = verify_chain()
    assert broken is None, broken
    assert checked == AuditEvent.objects.count() == 20 + truncations + 1  # and the retention.purged event
    heads = AuditChainHead.objects.filter(base_seq__gt=0)
    newest = AuditEvent.objects.filter(action="audit.truncated").order_by("-id").first()
    assert newest.details["anchors"] == {str(h.chain): [h.base_seq, h.base_hash] for h in heads}
    call_command("verify_audit_log", stdout=StringIO())
    # A second purge finds nothing more to take and keeps the log whole.
    [again] = records_purge(record_types=["audit_events"])
    assert again.removed == 0 and verify_chain()[1] is None


def test_moving_a_chain_start_without_a_recorded_purge_breaks_verification(db: None) -> None:
    _events_at(1, range(3))
    event = AuditEvent.objects.filter(action="test.event").order_by("chain", "seq").first()
    AuditChainHead.objects.filter(chain=event.chain).update(base_seq=event.seq, base_hash=event.hash)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    else:
        AuditEvent.objects.filter(pk=event.pk)._raw_delete(AuditEvent.objects.db)
    _checked, broken = verify_chain()
    assert broken is not None and "no recorded purge" in broken.reason


@pytest.mark.django_db
def test_postgresql_refuses_deleting_an_event_above_its_anchor(postgres: None) -> None:
    from django.db import DatabaseError, transaction

    _events_at(1, range(2))
    event = AuditEvent.objects.filter(action="test.event").order_by("seq").first()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_old_access_log_files_are_deleted(db: None, settings: Any, tmp_path: Path, retention: Any) -> None:
    settings.ACCESS_LOG_PATH = str(tmp_path / "access.log")
    today = timezone.now().date()
    names = {days: f"access.log.{(today - timedelta(days=days)).isoformat()}" for days in (400, 185, 182, 0)}
    for name in names.values():
        (tmp_path / name).write_text("{}\n")
    (tmp_path / "other.txt").write_text("x")
    [result] = records_purge(record_types=["access_logs"])
    assert result.removed == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([names[182], names[0], "other.txt"])


def test_the_command_reports_every_record_type(db: None, retention: Any) -> None:
    out = StringIO()
    call_command("purge_expired_records", "--dry-run", stdout=out)
    text = out.getvalue()
    for record_type in (
        "decisions",
        "check_runs",
        "identity_events",
        "consent_records",
        "notices",
        "audit_events",
        "access_logs",
        "complaints",
        "unlabelled_deliveries",
        "webhook_deliveries",
    ):
        assert f"{record_type}: would remove" in text
    assert "no records of this type are kept yet" not in text  # every type has its purger now


def test_a_decision_a_notice_case_or_a_reinstatement_still_names_stays(
    alice: User, mod: User, retention: Any
) -> None:
    from tests.notices.rows import case_on, decide_case, notice_in

    now = timezone.now()
    item = make_item(alice, submitted_at=now - timedelta(days=400), status="published")
    case = case_on(item, now - timedelta(days=300), "terms")
    notice_in(case, now - timedelta(days=300), "terms")
    named = decide_case(case, mod, "no_action", now - timedelta(days=299), reason=None)
    reversed_ = decide(item, mod, "rejected", now - timedelta(days=250), reason="quality")
    reinstatement = decide(item, mod, "approved", now - timedelta(days=240))
    Decision.objects.filter(pk=reinstatement.pk).update(reverses=reversed_)
    alone = decide(item, mod, "approved", now - timedelta(days=230))
    [result] = records_purge(record_types=["decisions"], now=now)
    # The reinstatement and the lone one first, then the reversed one (its reinstatement gone);
    # the decision the notice case names stays, as the case does.
    assert result.removed == 3
    assert list(Decision.objects.values_list("pk", flat=True)) == [named.pk]
    assert not Decision.objects.filter(pk__in=[alone.pk, reversed_.pk, reinstatement.pk]).exists()
