"""Retention of notices (R31): past the period the notifier's personal data goes, the counted row
stays; never inside the 183-day floor, the complaint window or while a complaint is open."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from notices.models import Notice
from operations.retention import RetentionFloorError, anonymise_in_batches, records_purge
from tests.notices.rows import case_on, complaint, decide_case, notice_in
from tests.oversight.conftest import make_item

DAY = timedelta(days=1)


@pytest.fixture
def short_retention(settings: Any) -> None:
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "notices": 200}
    settings.COMPLAINTS_WINDOW_DAYS = 183


def decided_notice(alice: User, mod: User, days_ago: int, category: str = "terms") -> Notice:
    now = timezone.now()
    item = make_item(alice, submitted_at=now - (days_ago + 10) * DAY, status="published")
    case = case_on(item, now - (days_ago + 1) * DAY, category)
    notice = notice_in(case, now - (days_ago + 1) * DAY, category)
    decide_case(case, mod, "no_action", now - days_ago * DAY, reason=None)
    return notice


def test_it_removes_the_notifiers_personal_data_and_keeps_the_row(
    alice: User, mod: User, short_retention: None
) -> None:
    old = decided_notice(alice, mod, 201)
    young = decided_notice(alice, mod, 199)
    [result] = records_purge(record_types=["notices"])
    assert result.removed == 1
    old.refresh_from_db()
    assert (old.name, old.email, old.explanation) == ("", "", "")
    assert old.personal_data_removed_at is not None
    assert old.category == "terms" and old.case.outcome == "no_action"  # the statistics' fields
    young.refresh_from_db()
    assert young.email == "nina@example.com" and young.personal_data_removed_at is None
    event = AuditEvent.objects.get(action="retention.purged", target_id="notices")
    assert event.details["removed"] == 1 and "nina" not in str(event.details)
    # A second run finds nothing more to do.
    assert records_purge(record_types=["notices"])[0].removed == 0


def test_it_waits_for_the_complaint_window_and_for_open_complaints(
    alice: User, mod: User, short_retention: None, settings: Any
) -> None:
    quiet = decided_notice(alice, mod, 300)
    complained = decided_notice(alice, mod, 250)
    complained.case.refresh_from_db()
    complaint(timezone.now() - 240 * DAY, "notifier", decision=complained.case.decision, notice=complained)
    settings.COMPLAINTS_WINDOW_DAYS = 365  # both notifiers may still complain
    assert records_purge(record_types=["notices"])[0].removed == 0
    settings.COMPLAINTS_WINDOW_DAYS = 183
    assert records_purge(record_types=["notices"])[0].removed == 1  # not the one with an open complaint
    quiet.refresh_from_db()
    complained.refresh_from_db()
    assert quiet.personal_data_removed_at is not None
    assert complained.personal_data_removed_at is None and complained.email


def test_open_cases_and_a_dry_run_change_nothing(alice: User, mod: User, short_retention: None) -> None:
    now = timezone.now()
    item = make_item(alice, submitted_at=now - 400 * DAY, status="published")
    open_notice = notice_in(case_on(item, now - 300 * DAY, "terms"), now - 300 * DAY, "terms")
    decided = decided_notice(alice, mod, 250)
    [result] = records_purge(record_types=["notices"], dry_run=True)
    assert result.removed == 1
    assert Notice.objects.filter(personal_data_removed_at__isnull=False).count() == 0
    records_purge(record_types=["notices"])
    open_notice.refresh_from_db()
    decided.refresh_from_db()
    assert open_notice.email and decided.personal_data_removed_at is not None


def test_it_refuses_a_notice_decided_inside_the_floor(alice: User, mod: User) -> None:
    young = decided_notice(alice, mod, 182)
    now = timezone.now()
    with pytest.raises(RetentionFloorError):
        anonymise_in_batches(
            Notice.objects.all(), "case__decided_at", "notices", now, now, False, {"email": ""}
        )
    young.refresh_from_db()
    assert young.email == "nina@example.com"


def test_a_csam_notice_without_a_name_is_purged_too(alice: User, mod: User, short_retention: None) -> None:
    notice = decided_notice(alice, mod, 201, category="csam")
    assert records_purge(record_types=["notices"])[0].removed == 1
    notice.refresh_from_db()
    assert notice.explanation == "" and notice.personal_data_removed_at is not None
