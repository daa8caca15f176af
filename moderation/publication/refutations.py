"""Rumour refutation (Deep Synthesis Provisions Art. 11, rule R29).

A moderator marks published content as false information with a short refutation; the page
shows it above the media. The act is kept (a Refutation row, never deleted; a withdrawal is
recorded on it), told to the contributor with a statement of reasons (a Decision "refuted"),
and logged for the authority: the refutations page lists those not yet reported, and
`refutation_report_to_authority` records when and under which reference each was reported.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record_event
from moderation.events import emit
from moderation.models import (
    Decision,
    DecisionOutcome,
    DecisionSource,
    PolicyReason,
    Refutation,
    Submission,
)
from moderation.models.choices import PUBLIC_STATUSES
from moderation.publication.takedown import current_revision, lock_item_for_action
from moderation.review.messages import decision_notify
from moderation.review.statements import build_refutation_statement

REFUTATION_MAX = 600


class RefutationRefused(Exception):
    """The refutation breaks a rule; the message says which. Nothing changed."""


def refutation_in_force(submission: Submission) -> Refutation | None:
    return Refutation.objects.filter(submission=submission, withdrawn_at__isnull=True).first()


@transaction.atomic
def publication_refute(
    *,
    submission: Submission,
    moderator: User,
    reason: PolicyReason,
    text: str,
    explanation: str,
    source_url: str = "",
    source: str = DecisionSource.OWN_INITIATIVE,
    expected_version: int | None = None,
) -> Refutation:
    """Label published content as false information.

    Steps: lock the row; refuse a stale page (409), the moderator's own content (403), content
    that is not public, a second refutation, an empty one; write the decision with its statement
    of reasons and the refutation; bump the item's version (pages open on it are stale); audit;
    announce; tell the contributor.
    """
    if not moderator.is_reviewer:
        raise PermissionDenied
    locked = lock_item_for_action(submission, actor=moderator, expected_version=expected_version)
    if locked.status not in PUBLIC_STATUSES or not locked.is_published:
        raise RefutationRefused(_("Only published content can be labelled as false information."))
    text = " ".join(text.split())
    if not text:
        raise RefutationRefused(_("Write the refutation readers will see above the content."))
    if len(text) > REFUTATION_MAX:
        raise RefutationRefused(
            _("Keep the refutation short: at most %(n)s characters.") % {"n": REFUTATION_MAX}
        )
    if reason is None or not reason.is_active:
        raise RefutationRefused(_("Choose a reason from the policy list."))
    if not explanation.strip():
        raise RefutationRefused(
            _("Explain the decision to the contributor: the statement of reasons needs it.")
        )
    if refutation_in_force(locked) is not None:
        raise RefutationRefused(_("This content already carries a refutation."))
    now = timezone.now()
    decision = Decision.objects.create(
        submission=locked,
        revision=current_revision(locked),
        moderator=moderator,
        outcome=DecisionOutcome.REFUTED,
        reason=reason,
        explanation=explanation.strip(),
        statement=build_refutation_statement(
            submission=locked, reason=reason, refutation=text, explanation=explanation, source=source, now=now
        ),
        source=source,
        created_at=now,
    )
    refutation = Refutation.objects.create(
        submission=locked,
        decision=decision,
        text=text,
        source_url=source_url.strip(),
        created_by=moderator,
        created_at=now,
    )
    Submission.objects.filter(pk=locked.pk).update(version=F("version") + 1, updated_at=now)
    record_event(
        action="publication.refuted",
        actor=moderator,
        target=locked,
        details={
            "decision": decision.pk,
            "refutation": refutation.pk,
            "reason": reason.code,
            "source": source,
        },
    )
    emit(
        "publication.refuted",
        submission=locked,
        data={"decision": decision.pk, "refutation": refutation.pk, "text": text},
    )
    decision_notify(
        decision,
        subject=lambda: _("Your submission #%(id)s was labelled as false information") % {"id": locked.pk},
    )
    submission.refresh_from_db()
    return refutation


@transaction.atomic
def refutation_withdraw(*, refutation: Refutation, actor: User | None, reason: str) -> Refutation:
    """Take a refutation off the page (a senior moderator, or a well-founded complaint). The row stays."""
    if actor is not None and not actor.is_senior_moderator:
        raise PermissionDenied(_("Only senior moderators withdraw a refutation."))
    if not reason.strip():
        raise RefutationRefused(_("Say why the refutation is withdrawn."))
    locked = Refutation.objects.select_for_update().get(pk=refutation.pk)
    if locked.withdrawn_at is not None:
        raise RefutationRefused(_("This refutation was already withdrawn."))
    now = timezone.now()
    Refutation.objects.filter(pk=locked.pk).update(
        withdrawn_at=now, withdrawn_by=actor, withdrawal_reason=reason.strip()
    )
    Decision.objects.filter(pk=locked.decision_id).update(lifted_at=now)
    Submission.objects.filter(pk=locked.submission_id).update(version=F("version") + 1, updated_at=now)
    record_event(
        action="publication.refutation_withdrawn",
        actor=actor,
        target=locked.submission,
        details={"refutation": locked.pk, "reason": reason.strip()},
    )
    emit("publication.refutation_withdrawn", submission=locked.submission, data={"refutation": locked.pk})
    refutation.refresh_from_db()
    return refutation


@transaction.atomic
def refutation_report_to_authority(
    *, refutation: Refutation, actor: User, reported_at: datetime.datetime, reference: str = ""
) -> Refutation:
    """Record that the refutation was reported to the authority (Art. 11): when, and its reference.

    Once: a second report is refused. The report log is the audit event and these fields."""
    if not actor.is_reviewer:
        raise PermissionDenied
    if reported_at > timezone.now():
        raise RefutationRefused(_("The report cannot be dated in the future."))
    changed = Refutation.objects.filter(pk=refutation.pk, reported_to_authority_at__isnull=True).update(
        reported_to_authority_at=reported_at, authority_reference=reference.strip()[:200], reported_by=actor
    )
    if not changed:
        raise RefutationRefused(_("This refutation was already reported."))
    record_event(
        action="refutation.reported_to_authority",
        actor=actor,
        target=refutation.submission,
        details={
            "refutation": refutation.pk,
            "reported_at": reported_at.isoformat(),
            "reference": reference.strip(),
        },
    )
    refutation.refresh_from_db()
    return refutation
