"""Retention of notices (R31, record type "notices"): past RETENTION_NOTICES_DAYS after their case
was decided, and once no complaint about that decision can still be filed or is open, a notice
loses its notifier's name, e-mail address and explanation. The row stays, with its category,
flagger status, times, case and decision, so the DSA figures (notices.metrics) can still be
counted from it; the purge is audited like every other (operations.retention)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef

from notices.models import Notice, NoticeCase
from operations.retention import PurgeResult, anonymise_in_batches, register


@register("notices")
def purge_notices(cutoff: datetime, now: datetime, dry_run: bool) -> PurgeResult:
    # The notifier may complain about the decision for COMPLAINTS_WINDOW_DAYS: keep what they
    # are answered with until then, and while their complaint is open.
    until = min(cutoff, now - timedelta(days=settings.COMPLAINTS_WINDOW_DAYS))
    from complaints.models import Complaint  # complaints builds on notices, not the other way round

    open_complaint = Complaint.objects.filter(notice_id=OuterRef("pk"), state=Complaint.State.OPEN)
    old = Notice.objects.filter(
        personal_data_removed_at__isnull=True,
        case__state=NoticeCase.State.DECIDED,
        case__decided_at__lt=until,
        received_at__lt=until,
    ).exclude(Exists(open_complaint))
    return anonymise_in_batches(
        old,
        "case__decided_at",
        "notices",
        cutoff,
        now,
        dry_run,
        {"name": "", "email": "", "explanation": "", "personal_data_removed_at": now},
    )
