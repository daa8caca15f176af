"""Taking published content down when the ground for publishing it is gone (consent withdrawn)."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from moderation.lifecycle import submission_transition
from moderation.models import Queue, Status, Submission
from moderation.review.priority import apply_outcome
from notifications.services import notify


@transaction.atomic
def submission_open_takedown(
    *, submission: Submission, reason: str, actor: User | None = None, details: dict | None = None
) -> bool:
    """Hide published content at once and put it in the takedown queue, first in line.

    Steps: lock the row; only approved content (published, or being published) has a publication
    to hide; hide it, move it back to review in the takedown queue with a fresh SLA clock;
    recompute its priority; audit; tell the contributor. Nothing is deleted. Returns False when
    there was nothing to take down.
    """
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.status not in (Status.APPROVED, Status.PUBLISHING):
        return False  # a publishing item goes down before it is public; its job then cancels
    now = timezone.now()
    submission_transition(
        submission=locked,
        to=Status.AWAITING_REVIEW,
        actor=actor,
        action="submission.takedown_opened",
        details={"queue": "takedown", "reason": reason, **(details or {})},
        fields={
            "queue": Queue.TAKEDOWN,
            "publication_hidden_at": now,
            "awaiting_since": now,
            "claimed_by": None,
            "claim_expires_at": None,
            "decided_at": None,
        },
    )
    apply_outcome(locked)
    notify(
        locked.contributor,
        subject=_("Your submission #%(id)s was taken down") % {"id": locked.pk},
        body=_("%(reason)s It is hidden from publication while a moderator reviews it.") % {"reason": reason},
        link=reverse("submission_detail", args=[locked.pk]),
    )
    submission.refresh_from_db()
    return True
