"""Decisions: approve, reject, request changes or escalate one item, with its statement of
reasons; internal notes between moderators."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.authority import NOT_SETTLED, AuthorityReport
from accounts.models import User
from accounts.services import SanctionError, sanction_impose
from audit.services import record_event
from moderation.access import require_queue
from moderation.lifecycle import submission_transition
from moderation.models import (
    Decision,
    DecisionOutcome,
    PolicyReason,
    Queue,
    ReviewerSettings,
    ReviewNote,
    Status,
    Submission,
)
from moderation.publication.services import publication_runs_create
from moderation.review.claims import DecisionRefused, require_reviewable, require_version
from moderation.review.messages import decision_notify
from moderation.review.priority import apply_outcome
from moderation.review.statements import build_statement
from moderation.selectors import latest_runs


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
    authority: AuthorityReport | None,
) -> list:
    """Refuse a decision that breaks a rule; return the findings the statement will cite."""
    runs = latest_runs(item.current_revision_id)
    findings = [finding for run in runs for finding in run.findings.all()]
    if outcome in (DecisionOutcome.REJECTED, DecisionOutcome.CHANGES_REQUESTED):
        if reason is None or not reason.is_active:
            raise DecisionRefused(_("Choose a reason from the policy list."), field="reason")
        if not reason.applies_to(outcome):
            raise DecisionRefused(
                _("“%(reason)s” is not a reason for this decision: choose one listed for it.")
                % {"reason": reason.display_title},
                field="reason",
            )
        if not explanation.strip():
            raise DecisionRefused(
                _("Explain the decision to the contributor: the statement of reasons needs it."),
                field="explanation",
            )
    if outcome == DecisionOutcome.ESCALATED and not note.strip():
        raise DecisionRefused(_("Say why you escalate, for the senior moderator."), field="note")
    if (
        outcome == DecisionOutcome.REJECTED
        and reason is not None
        and reason.ground == PolicyReason.Ground.ILLEGAL
        and not (authority and authority.settled)
    ):
        raise DecisionRefused(str(NOT_SETTLED), field="not_reported_reason")
    if outcome != DecisionOutcome.APPROVED:
        return findings
    blocker = approval_blocker(item, moderator=moderator, runs=runs, findings=findings)
    if blocker:
        raise DecisionRefused(blocker, field="outcome")
    if any(finding.is_blocking for finding in findings) and not override_reason.strip():
        raise DecisionRefused(_("Write why you approve over the blocking findings."), field="override_reason")
    return findings


def approval_blocker(
    item: Submission, *, moderator: User, runs: list | None = None, findings: list | None = None
) -> str:
    """Why this moderator cannot approve the item at all, or "": checks still running, consent
    missing (no one can override), or blocking findings and not a senior moderator. The review page
    disables Approve with this sentence; the decision service refuses with the same one."""
    if runs is None:
        runs = latest_runs(item.current_revision_id)
    if findings is None:
        findings = [finding for run in runs for finding in run.findings.all()]
    if any(not run.is_finished for run in runs):
        return _("Checks are still running; wait for them to finish.")
    from consent.rules import consent_gaps

    assert item.current_revision is not None
    gaps = consent_gaps(item.current_revision)
    if gaps:
        return _("Approval is impossible while consent is missing: %(who)s. No one can override this.") % {
            "who": "; ".join(f"{gap.name} ({gap.message})" for gap in gaps)
        }
    blocking = [finding for finding in findings if finding.is_blocking]
    if blocking and not moderator.is_senior_moderator:
        return _(
            "%(n)s blocking finding(s) stand. Escalate to a senior moderator, who can override "
            "them with a written reason."
        ) % {"n": len(blocking)}
    return ""


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
    authority: AuthorityReport | None = None,
) -> Decision:
    """Decide one item.

    Steps: lock the row; refuse if it changed since the moderator loaded it (version) or someone
    else holds it; check the rules (reason and explanation for a refusal, consent and blocking
    findings for an approval; on an illegal ground, the report to the authority settled); record
    the decision with its statement of reasons; move the item
    (approve moves it to "publishing" with a publication run sent after commit, escalate moves it
    to the senior queue); impose a sanction if asked; audit; tell the contributor (of an
    approval, once it is published).
    """
    with transaction.atomic():
        item = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("current_revision", "contributor")
            .get(pk=submission.pk)
        )
        require_queue(moderator, item.queue)
        now = timezone.now()
        require_version(item, expected_version)
        require_reviewable(item, moderator, now)
        if authority is None and sanction is not None and sanction.reported_to_authority:
            authority = AuthorityReport(reported_at=now)
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
            authority=authority,
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
            **(authority or AuthorityReport()).as_fields(),
        )
        audit = {
            "decision": decision.pk,
            "outcome": outcome,
            "reason": reason.code if reason else None,
            "queue": decision.from_queue,
            "override": bool(override_reason.strip()),
            "bulk": bulk,
            "sanction": sanction.kind if sanction else None,
            "revision": revision.number,
        }
        if outcome == DecisionOutcome.ESCALATED:
            # Not a move in the lifecycle: the item changes queue and stays awaiting review.
            Submission.objects.filter(pk=item.pk).update(
                queue=Queue.ESCALATED,
                claimed_by=None,
                claim_expires_at=None,
                version=F("version") + 1,
                updated_at=now,
            )
            item.refresh_from_db()
            apply_outcome(item)  # the escalated queue's SLA and priority
            record_event(action="review.decided", actor=moderator, target=item, details=audit)
        else:
            # An approval is decided here and published by a job after commit (publication/).
            approved = outcome == DecisionOutcome.APPROVED
            submission_transition(
                submission=item,
                to=Status.PUBLISHING if approved else outcome,
                actor=moderator,
                action="review.decided",
                from_=[Status.AWAITING_REVIEW],
                details=audit,
                fields={"decided_at": now, "claimed_by": None, "claim_expires_at": None},
            )
            if approved:
                if item.queue == Queue.TAKEDOWN:  # published again: the consent takedown ends
                    from moderation.publication.takedown import restrictions_lift

                    restrictions_lift(item, at=now)
                publication_runs_create(submission=item, revision=revision, requested_by=moderator)
        if sanction is not None and outcome == DecisionOutcome.REJECTED:
            try:
                sanction_impose(
                    user=item.contributor,
                    kind=sanction.kind,
                    actor=moderator,
                    reason=f"{reason.title if reason else ''}: {explanation.strip()}",
                    evidence_submission_ids=[item.pk],
                    expires_at=now + datetime.timedelta(days=sanction.days) if sanction.days else None,
                    ground=reason.ground if reason else PolicyReason.Ground.INCOMPATIBLE,
                    ground_reference=(reason.legal_ground or reason.terms_clause) if reason else "",
                    authority=authority or AuthorityReport(),
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
        if outcome not in (DecisionOutcome.ESCALATED, DecisionOutcome.APPROVED):
            _tell_contributor(item, decision)  # an approval is told when it is published
    return decision


def _tell_contributor(item: Submission, decision: Decision) -> None:
    outcome = DecisionOutcome(decision.outcome)

    def subject() -> str:
        return {
            DecisionOutcome.REJECTED: _("Your submission #%(id)s was rejected"),
            DecisionOutcome.CHANGES_REQUESTED: _("Changes requested on your submission #%(id)s"),
        }[outcome] % {"id": item.pk}

    decision_notify(decision, subject=subject)


@transaction.atomic
def review_add_note(*, submission: Submission, author: User, text: str) -> ReviewNote:
    if not author.is_reviewer:
        raise PermissionDenied
    if not text.strip():
        raise DecisionRefused(_("The note is empty."))
    note = ReviewNote.objects.create(submission=submission, author=author, text=text.strip())
    record_event(action="review.note_added", actor=author, target=submission, details={"note": note.pk})
    return note


@transaction.atomic
def reviewer_settings_toggle_blur(*, user: User) -> bool:
    """Blur media until clicked, or show them as they are; return whether they are now blurred."""
    settings, _created = ReviewerSettings.objects.select_for_update().get_or_create(user=user)
    settings.blur_media = not settings.blur_media
    settings.save(update_fields=["blur_media"])
    return settings.blur_media
