"""What follows every consent change: an audit event (contacts masked), the submission's place in
the publisher API's change feed and, while it is on its way to a decision, a re-run of the consent
check."""

from datetime import datetime
from typing import Any

from accounts.models import User
from audit.services import record_event
from consent.models import ConsentRecord
from consent.rules import RECHECK_STATUSES
from moderation.events import emit
from moderation.models import Status, Submission
from moderation.pipeline.services import checks_rerun


def consent_changed(submission: Submission, *, decided_too: bool = False) -> None:
    """A person's consent state changed: the API shows it (consent per person), so the submission
    comes up again in the change feed; then the consent check runs again if it has checks to run."""
    Submission.objects.filter(pk=submission.pk).touch()
    recheck(submission, decided_too=decided_too)


def recheck(submission: Submission, *, decided_too: bool = False) -> None:
    """Re-run the consent check when its inputs changed, if the submission has checks to run."""
    submission.refresh_from_db(fields=["status"])
    statuses = RECHECK_STATUSES | {Status.PUBLISHING, Status.APPROVED} if decided_too else RECHECK_STATUSES
    if submission.status in statuses:
        checks_rerun(submission=submission, actor=None, kinds=["consent"])


def announce_granted(submission: Submission, record: ConsentRecord) -> None:
    """consent.granted to the publisher's webhooks (no name or contact: the person's key)."""
    emit(
        "consent.granted",
        submission=submission,
        data={
            "person": record.person_key,
            "record": record.pk,
            "method": record.method,
            "expires_at": as_iso(record.expires_at),
        },
    )


def audit(action: str, *, submission: Submission, actor: User | None = None, **details: Any) -> None:
    record_event(action=action, actor=actor, target=submission, details=details)


def mask_contact(contact: str) -> str:
    """Enough of an address or number to recognise it, not enough to use it (audit trail)."""
    if "@" in contact:
        local, _sep, domain = contact.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{contact[:3]}****{contact[-2:]}" if len(contact) > 6 else "****"


def as_iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
