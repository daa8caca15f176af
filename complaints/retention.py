"""Retention of complaints (R31, record type "complaints"): RETENTION_COMPLAINTS_DAYS after it was
answered, a complaint loses the complainant's name, e-mail address, account link and explanation.
The row stays with who complained (the kind), the times, the outcome and the reasons of the answer,
so the DSA figures (complaints.metrics) can still be counted from it. Open complaints are never
touched."""

from datetime import datetime

from complaints.models import Complaint
from operations.retention import PurgeResult, anonymise_in_batches, register


@register("complaints")
def purge_complaints(cutoff: datetime, now: datetime, dry_run: bool) -> PurgeResult:
    old = Complaint.objects.filter(
        personal_data_removed_at__isnull=True, decided_at__lt=cutoff, received_at__lt=cutoff
    ).exclude(state=Complaint.State.OPEN)
    return anonymise_in_batches(
        old,
        "decided_at",
        "complaints",
        cutoff,
        now,
        dry_run,
        {
            "name": "",
            "email": "",
            "explanation": "",
            "complainant": None,
            "complainant_key": "",
            "personal_data_removed_at": now,
        },
    )
