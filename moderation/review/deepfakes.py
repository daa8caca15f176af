"""Deepfake disclosure (AI Act Art. 50(4), R20): a moderator marks an item as a deepfake, and may
grant the exception for an evidently artistic, satirical or fictional work, each with a reason.

The mark changes what readers see at once: the published page reads it on every request
(moderation.publication.disclosure). Every change is audited and bumps the item's version, so a
decision made on the page as it was before answers 409.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record_event
from moderation.access import require_queue
from moderation.models import DeepfakeException, DeepfakeMark, Status, Submission


class DeepfakeRefused(Exception):
    """The mark cannot be set as asked (no reason, an unknown exception, a draft)."""


# Drafts and withdrawn items are nobody's to judge; everything else may be marked, published or not.
UNMARKABLE = frozenset({Status.DRAFT, Status.WITHDRAWN})


def _lock(submission: Submission, moderator: User) -> Submission:
    item = Submission.objects.select_for_update(of=("self",)).get(pk=submission.pk)
    if not moderator.is_reviewer or item.contributor_id == moderator.pk:
        raise PermissionDenied
    if item.status == Status.AWAITING_REVIEW:
        require_queue(moderator, item.queue)
    if item.status in UNMARKABLE:
        raise DeepfakeRefused(_("Only submitted content can be marked as a deepfake."))
    return item


def _bump(item: Submission) -> None:
    Submission.objects.filter(pk=item.pk).update(version=F("version") + 1, updated_at=timezone.now())


@transaction.atomic
def deepfake_mark(
    *,
    submission: Submission,
    moderator: User,
    reason: str,
    exception: str = "",
    exception_reason: str = "",
) -> DeepfakeMark:
    """Mark an item as a deepfake, or change its mark.

    Steps: lock the item; the moderator works its queue and is not its contributor; a reason is
    required, and a reason for the exception when one is granted; create or update the mark
    (granting, changing or withdrawing the exception records who and when); bump the version;
    audit what changed.
    """
    item = _lock(submission, moderator)
    reason, exception_reason = reason.strip(), exception_reason.strip()
    if not reason:
        raise DeepfakeRefused(
            _("Say what real person, object, place or event it resembles and why it could pass as authentic.")
        )
    if exception and exception not in DeepfakeException.values:
        raise DeepfakeRefused(_("Choose an exception from the list."))
    if exception and not exception_reason:
        raise DeepfakeRefused(_("Say why the work is evidently artistic, satirical or fictional."))
    now = timezone.now()
    mark = DeepfakeMark.objects.select_for_update().filter(submission=item).first()
    created = mark is None
    if mark is None:
        mark = DeepfakeMark(submission=item, marked_by=moderator, marked_at=now)
    before = {"reason": mark.reason, "exception": mark.exception, "exception_reason": mark.exception_reason}
    mark.reason = reason
    if (exception, exception_reason) != (mark.exception, mark.exception_reason):
        mark.exception = exception
        mark.exception_reason = exception_reason if exception else ""
        mark.exception_granted_by = moderator if exception else None
        mark.exception_granted_at = now if exception else None
    mark.save()
    after = {"reason": mark.reason, "exception": mark.exception, "exception_reason": mark.exception_reason}
    if created or after != before:
        _bump(item)
        record_event(
            action="deepfake.marked" if created else "deepfake.changed",
            actor=moderator,
            target=item,
            details={**after, "before": None if created else before},
        )
    return mark


@transaction.atomic
def deepfake_unmark(*, submission: Submission, moderator: User, reason: str) -> None:
    """Withdraw the mark (a mistake, a new fact), with a reason; audited."""
    item = _lock(submission, moderator)
    if not reason.strip():
        raise DeepfakeRefused(_("Say why the item is not a deepfake after all."))
    mark = DeepfakeMark.objects.select_for_update().filter(submission=item).first()
    if mark is None:
        return
    record_event(
        action="deepfake.unmarked",
        actor=moderator,
        target=item,
        details={"reason": reason.strip(), "was": {"reason": mark.reason, "exception": mark.exception}},
    )
    mark.delete()
    _bump(item)
