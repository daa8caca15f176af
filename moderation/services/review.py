"""Human review: claiming items under a lease, deciding them, notes.

Two moderators never act on one item at once: "claim next" takes the highest-priority free
item with SELECT … FOR UPDATE SKIP LOCKED, and every decision carries the version of the item
the moderator saw, so a decision on a changed or foreign-held item is refused (HTTP 409), never
applied twice.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import SanctionError, sanction_impose
from audit.services import record_event
from moderation.models import (
    Decision,
    DecisionOutcome,
    PolicyReason,
    Queue,
    ReviewNote,
    Status,
    Submission,
)
from moderation.notifications import notify
from moderation.selectors import latest_runs
from moderation.services.priority import apply_outcome
from moderation.services.publication import PublicationFailed, renditions_create
from moderation.services.statements import build_statement


class ReviewConflict(Exception):
    """Someone else holds the item, or it changed since the page was loaded (HTTP 409)."""


class DecisionRefused(Exception):
    """The decision breaks a rule (missing consent, blocking findings, no reason). Nothing changed."""


def claim_expiry(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(minutes=settings.CLAIM_LEASE_MINUTES)


def _require_queue_access(moderator: User, queue: str) -> None:
    if not moderator.is_reviewer:
        raise PermissionDenied
    if queue == Queue.ESCALATED and not moderator.is_senior_moderator:
        raise PermissionDenied(_("Only senior moderators work the escalated queue."))


def _require_reviewable(item: Submission, moderator: User, now: datetime.datetime) -> None:
    """Refuse an item no longer waiting for review or held by someone else (409), or the
    moderator's own submission (403)."""
    if item.status != Status.AWAITING_REVIEW:
        raise ReviewConflict(
            _("This item is no longer waiting for review (it is %(status)s).")
            % {"status": item.get_status_display().lower()}
        )
    if item.claim_is_active(now) and item.claimed_by_id != moderator.pk:
        raise ReviewConflict(_("%(name)s is reviewing this item.") % {"name": item.claimed_by})
    if item.contributor_id == moderator.pk:
        raise PermissionDenied(_("You cannot review your own submission."))


def free_items(queue: str, now: datetime.datetime) -> QuerySet[Submission]:
    return Submission.objects.filter(status=Status.AWAITING_REVIEW, queue=queue).filter(
        Q(claimed_by__isnull=True) | Q(claim_expires_at__lt=now)
    )


def review_claim_next(*, moderator: User, queue: str = Queue.REVIEW) -> Submission | None:
    """Claim the highest-priority free item of a queue, or return None when there is none.

    On PostgreSQL the candidate row is locked with SKIP LOCKED, so concurrent moderators each get
    a different item without waiting on one another. The candidate comes from the queue's
    priority index (queue, -priority_rank, id), the first free row in that order, and is
    returned as locked and updated here: no second read.
    """
    _require_queue_access(moderator, queue)
    # Keep what you already hold: a moderator works one claimed item at a time from a queue.
    held = (
        Submission.objects.filter(
            status=Status.AWAITING_REVIEW,
            queue=queue,
            claimed_by=moderator,
            claim_expires_at__gt=timezone.now(),
        )
        .order_by("-priority_rank", "id")
        .first()
    )
    if held is not None:
        return held
    with transaction.atomic():
        now = timezone.now()
        candidates = free_items(queue, now).exclude(contributor=moderator).order_by("-priority_rank", "id")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        item = candidates.first()
        if item is None:
            return None
        expires = claim_expiry(now)
        Submission.objects.filter(pk=item.pk).update(
            claimed_by=moderator, claim_expires_at=expires, version=F("version") + 1
        )
        # The row is locked, so these are the values just written.
        item.claimed_by, item.claim_expires_at, item.version = moderator, expires, item.version + 1
        record_event(
            action="review.claimed", actor=moderator, target=item, details={"queue": queue, "next": True}
        )
    return item


@transaction.atomic
def review_claim(*, submission: Submission, moderator: User) -> Submission:
    """Claim one item (or renew the lease on one you hold)."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    _require_queue_access(moderator, locked.queue)
    now = timezone.now()
    _require_reviewable(locked, moderator, now)
    renewing = locked.claimed_by_id == moderator.pk and locked.claim_is_active(now)
    expires = claim_expiry(now)
    updates: dict[str, object] = {"claimed_by": moderator, "claim_expires_at": expires}
    if not renewing:
        updates["version"] = F("version") + 1
    Submission.objects.filter(pk=locked.pk).update(**updates)
    # The row is locked, so these are the values just written.
    locked.claimed_by, locked.claim_expires_at = moderator, expires
    if not renewing:
        locked.version += 1
        record_event(action="review.claimed", actor=moderator, target=locked, details={"queue": locked.queue})
    return locked


@transaction.atomic
def review_release(*, submission: Submission, moderator: User) -> None:
    released = Submission.objects.filter(pk=submission.pk, claimed_by=moderator).update(
        claimed_by=None, claim_expires_at=None, version=F("version") + 1
    )
    if released:
        record_event(action="review.released", actor=moderator, target=submission)


@dataclass(frozen=True)
class SanctionRequest:
    kind: str
    days: int | None = None
    reported_to_authority: bool = False


def _check_decision_rules(
    *,
    item: Submission,
    moderator: User,
    outcome: str,
    reason: PolicyReason | None,
    explanation: str,
    note: str,
    override_reason: str,
) -> list:
    """Refuse a decision that breaks a rule; return the findings the statement will cite."""
    runs = latest_runs(item.current_revision_id)
    findings = [finding for run in runs for finding in run.findings.all()]
    if outcome in (DecisionOutcome.REJECTED, DecisionOutcome.CHANGES_REQUESTED):
        if reason is None or not reason.is_active:
            raise DecisionRefused(_("Choose a reason from the policy list."))
        if not explanation.strip():
            raise DecisionRefused(
                _("Explain the decision to the contributor: the statement of reasons needs it.")
            )
    if outcome == DecisionOutcome.ESCALATED and not note.strip():
        raise DecisionRefused(_("Say why you escalate, for the senior moderator."))
    if outcome != DecisionOutcome.APPROVED:
        return findings
    if any(not run.is_finished for run in runs):
        raise DecisionRefused(_("Checks are still running; wait for them to finish."))
    from consent.selectors import consent_gaps

    assert item.current_revision is not None
    gaps = consent_gaps(item.current_revision)
    if gaps:
        raise DecisionRefused(
            _("Approval is impossible while consent is missing: %(who)s. No one can override this.")
            % {"who": "; ".join(f"{gap.name} ({gap.message})" for gap in gaps)}
        )
    blocking = [finding for finding in findings if finding.is_blocking]
    if blocking:
        if not moderator.is_senior_moderator:
            raise DecisionRefused(
                _(
                    "%(n)s blocking finding(s) stand. Escalate to a senior moderator, who can override "
                    "them with a written reason."
                )
                % {"n": len(blocking)}
            )
        if not override_reason.strip():
            raise DecisionRefused(_("Write why you approve over the blocking findings."))
    return findings


def review_decide(
    *,
    submission: Submission,
    moderator: User,
    outcome: str,
    expected_version: int,
    reason: PolicyReason | None = None,
    explanation: str = "",
    note: str = "",
    override_reason: str = "",
    sanction: SanctionRequest | None = None,
    bulk: bool = False,
) -> Decision:
    """Decide one item.

    Steps: lock the row; refuse if it changed since the moderator loaded it (version) or someone
    else holds it; check the rules (reason and explanation for a refusal, consent and blocking
    findings for an approval); record the decision with its statement of reasons; move the item
    (approve publishes with labels, escalate moves it to the senior queue); impose a sanction if
    asked; audit; tell the contributor.
    """
    with transaction.atomic():
        item = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("current_revision", "contributor")
            .get(pk=submission.pk)
        )
        _require_queue_access(moderator, item.queue)
        now = timezone.now()
        if item.version != expected_version:
            raise ReviewConflict(_("This item changed since you opened it. Reload it to see what changed."))
        _require_reviewable(item, moderator, now)
        revision = item.current_revision
        assert revision is not None
        findings = _check_decision_rules(
            item=item,
            moderator=moderator,
            outcome=outcome,
            reason=reason,
            explanation=explanation,
            note=note,
            override_reason=override_reason,
        )
        statement = {}
        if outcome in (DecisionOutcome.REJECTED, DecisionOutcome.CHANGES_REQUESTED):
            assert reason is not None
            statement = build_statement(
                submission=item,
                outcome=outcome,
                reason=reason,
                explanation=explanation,
                findings=findings,
                queue=item.queue,
            )
        decision = Decision.objects.create(
            submission=item,
            revision=revision,
            moderator=moderator,
            outcome=outcome,
            reason=reason,
            explanation=explanation.strip(),
            note=note.strip(),
            override_reason=override_reason.strip(),
            statement=statement,
            from_queue=item.queue,
            bulk=bulk,
            created_at=now,
        )
        if outcome == DecisionOutcome.ESCALATED:
            Submission.objects.filter(pk=item.pk).update(
                queue=Queue.ESCALATED,
                claimed_by=None,
                claim_expires_at=None,
                version=F("version") + 1,
                updated_at=now,
            )
            item.refresh_from_db()
            apply_outcome(item)  # the escalated queue's SLA and priority
        else:
            fields: dict[str, object] = {
                "status": outcome,
                "decided_at": now,
                "claimed_by": None,
                "claim_expires_at": None,
                "version": F("version") + 1,
                "updated_at": now,
            }
            if outcome == DecisionOutcome.APPROVED:
                try:
                    renditions_create(submission=item, revision=revision, tier=item.tier)
                except PublicationFailed as exc:
                    raise DecisionRefused(
                        _("Publishing failed, nothing was approved: %(error)s") % {"error": exc}
                    ) from exc
                fields.update(published_at=now, publication_hidden_at=None)
            Submission.objects.filter(pk=item.pk).update(**fields)
        if sanction is not None and outcome == DecisionOutcome.REJECTED:
            try:
                sanction_impose(
                    user=item.contributor,
                    kind=sanction.kind,
                    actor=moderator,
                    reason=f"{reason.title if reason else ''}: {explanation.strip()}",
                    evidence_submission_ids=[item.pk],
                    expires_at=now + datetime.timedelta(days=sanction.days) if sanction.days else None,
                    reported_to_authority=sanction.reported_to_authority,
                )
            except SanctionError as exc:
                raise DecisionRefused(str(exc)) from exc
        if outcome == DecisionOutcome.REJECTED:
            # Rejected content enters the banks configured for the reason (a takedown if it was published).
            from banks.services import bank_add_from_submission

            bank_add_from_submission(
                submission=item,
                revision=revision,
                reason=reason,
                actor=moderator,
                source="takedown" if decision.from_queue == Queue.TAKEDOWN else "item",
            )
        record_event(
            action="review.decided",
            actor=moderator,
            target=item,
            details={
                "decision": decision.pk,
                "outcome": outcome,
                "reason": reason.code if reason else None,
                "queue": decision.from_queue,
                "override": bool(override_reason.strip()),
                "bulk": bulk,
                "sanction": sanction.kind if sanction else None,
                "revision": revision.number,
            },
        )
        if outcome != DecisionOutcome.ESCALATED:
            _tell_contributor(item, decision)
    return decision


def _tell_contributor(item: Submission, decision: Decision) -> None:
    subject = {
        DecisionOutcome.APPROVED: _("Your submission #%(id)s was approved and published"),
        DecisionOutcome.REJECTED: _("Your submission #%(id)s was rejected"),
        DecisionOutcome.CHANGES_REQUESTED: _("Changes requested on your submission #%(id)s"),
    }[DecisionOutcome(decision.outcome)] % {"id": item.pk}
    lines = [subject + "."]
    statement = decision.statement
    if statement:
        lines += [
            "",
            _("Statement of reasons"),
            f"{_('What is restricted')}: {statement['restriction']} ({statement['territorial_scope']}, "
            f"{statement['duration']})",
            f"{_('Facts and circumstances')}: {statement['facts']}",
            f"{_('Automated means')}: {statement['automated_detection']} {statement['automated_decision']}",
            f"{_('Ground')}: {statement['ground']}",
            f"{_('Explanation')}: {statement['explanation']}",
            f"{_('How to appeal')}: {statement['redress']}",
        ]
    notify(
        item.contributor,
        subject=subject,
        body="\n".join(lines),
        link=reverse("submission_detail", args=[item.pk]),
    )


@transaction.atomic
def review_add_note(*, submission: Submission, author: User, text: str) -> ReviewNote:
    if not author.is_reviewer:
        raise PermissionDenied
    if not text.strip():
        raise DecisionRefused(_("The note is empty."))
    note = ReviewNote.objects.create(submission=submission, author=author, text=text.strip())
    record_event(action="review.note_added", actor=author, target=submission, details={"note": note.pk})
    return note
