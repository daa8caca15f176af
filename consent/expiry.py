"""Consents end: when one expires on published content, the content goes down like a withdrawal.
Consents and request links that ran out elsewhere bring their submission up in the API's feed.

Run hourly by the scheduler (config/cron.py) or `python manage.py expire_consents`.
"""

from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from consent.models import ConsentRecord, ConsentRequest
from consent.rules import CLOSED_STATUSES, consent_gaps
from moderation.models import Submission
from moderation.publication.takedown import submission_open_takedown


def consents_expire(*, now: datetime | None = None) -> int:
    """Take down published content whose consent has run out; return how many were taken down.

    Steps: find published submissions with an expired, unwithdrawn consent; for each, ask the
    live coverage (another consent may still cover the person); take down what is uncovered;
    then `consent_lapses_touch` for the rest.
    """
    now = now or timezone.now()
    candidates = (
        Submission.objects.published()
        .filter(
            pk__in=ConsentRecord.objects.filter(expires_at__lte=now, withdrawn_at__isnull=True).values(
                "submission_id"
            )
        )
        .select_related("current_revision")
    )
    taken_down = 0
    for submission in candidates:
        if submission.current_revision is None:
            continue
        gaps = consent_gaps(submission.current_revision, now=now)
        if not gaps:
            continue
        names = ", ".join(gap.name for gap in gaps)
        if submission_open_takedown(
            submission=submission,
            reason=_("The consent of %(names)s has expired.") % {"names": names},
            details={"expired_consent": [gap.person_key for gap in gaps]},
            detected=True,
        ):
            taken_down += 1
    if taken_down:
        record_event(action="consent.expiry_sweep", details={"taken_down": taken_down})
    consent_lapses_touch(now=now)
    return taken_down


def consent_lapses_touch(*, now: datetime) -> int:
    """Move API submissions whose consent state changed by time alone (a consent expired, a request
    link ran out unanswered) since they last changed up the change feed; return how many.

    Nothing is written when a consent or link runs out, so the item's `updated_at` is older than
    the moment: that is what finds it, and once touched it is not found again. Closed items
    (withdrawn, rejected) are left alone: nothing waits on their consent any more.
    """
    since_changed = {
        "submission": OuterRef("pk"),
        "expires_at__lte": now,
        "expires_at__gt": OuterRef("updated_at"),
    }
    expired = ConsentRecord.objects.filter(**since_changed, withdrawn_at__isnull=True)
    unanswered = ConsentRequest.objects.filter(**since_changed, status=ConsentRequest.Status.PENDING)
    # Stamped with the clock as it is now, not the sweep's start: the takedowns before this took
    # their time, and the feed trusts a stamp to be made moments before its commit. Never before
    # `now` either, or the next sweep at `now` would find the same items again.
    return (
        Submission.objects.filter(integration__isnull=False)
        .exclude(status__in=CLOSED_STATUSES)
        .filter(Exists(expired) | Exists(unanswered))
        .touch(max(now, timezone.now()))
    )
