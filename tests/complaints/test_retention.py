"""Retention of complaints (R31): an answered complaint loses the complainant's personal data past
RETENTION_COMPLAINTS_DAYS; the outcome and times stay for the figures; open ones are never touched."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from accounts.models import User
from complaints.models import Complaint
from moderation.models import Decision, PolicyReason
from operations.retention import records_purge
from tests.notices.rows import complaint
from tests.oversight.conftest import make_item

DAY = timedelta(days=1)


@pytest.fixture
def rejection(alice: User, mod: User) -> Decision:
    item = make_item(alice, submitted_at=timezone.now() - 500 * DAY)
    return Decision.objects.create(
        submission=item,
        revision=item.current_revision,
        moderator=mod,
        outcome="rejected",
        reason=PolicyReason.objects.get(code="quality"),
        statement={"restriction": "r"},
        from_queue="review",
        created_at=timezone.now() - 450 * DAY,
    )


def test_answered_complaints_lose_the_personal_data_past_the_period(
    alice: User, senior: User, rejection: Decision, settings: Any
) -> None:
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "complaints": 200}
    now = timezone.now()
    old = complaint(
        now - 220 * DAY,
        "contributor",
        decision=rejection,
        answered=now - 201 * DAY,
        reviewer=senior,
        complainant=alice,
        overturned=True,
    )
    young = complaint(
        now - 220 * DAY,
        "contributor",
        decision=rejection,
        answered=now - 199 * DAY,
        reviewer=senior,
        complainant=alice,
    )
    still_open = complaint(now - 400 * DAY, "contributor", decision=rejection, complainant=alice)
    [result] = records_purge(record_types=["complaints"])
    assert result.removed == 1
    old.refresh_from_db()
    assert (old.name, old.email, old.explanation, old.complainant_id, old.complainant_key) == (
        "",
        "",
        "",
        None,
        "",
    )
    assert old.state == Complaint.State.OVERTURNED and old.complainant_kind == "contributor"
    assert old.resolution and old.decided_at is not None
    for kept in (young, still_open):
        kept.refresh_from_db()
        assert kept.email and kept.complainant_id == alice.pk and kept.personal_data_removed_at is None


def test_the_default_periods_and_the_floor(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.RETENTION_DAYS["complaints"] == 3 * 365
    assert (
        settings.RETENTION_DAYS["unlabelled_deliveries"] == settings.UNLABELLED_DELIVERY_RETENTION_DAYS == 183
    )
    from config.settings import _retention_days

    monkeypatch.setenv("RETENTION_COMPLAINTS_DAYS", "182")
    with pytest.raises(ImproperlyConfigured, match="183-day floor"):
        _retention_days("RETENTION_COMPLAINTS_DAYS", 3 * 365)
