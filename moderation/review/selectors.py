"""Reads of the moderators' pages: the review page's data, an item's neighbours in its queue,
the items bulk review offers, and the moderator's own settings."""

import datetime
from typing import Any, cast

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.selectors import active_sanctions, strike_count, verification_summary
from consent.selectors import consent_panel_for
from moderation.models import (
    CheckRun,
    DecisionOutcome,
    Finding,
    PolicyReason,
    Queue,
    ReviewerSettings,
    Status,
    Submission,
)
from moderation.models.choices import PUBLIC_STATUSES
from moderation.models.submissions import SubmissionQuerySet
from moderation.pipeline.checks import REGISTRY
from moderation.publication.refutations import refutation_in_force
from moderation.publication.regions import withheld_regions
from moderation.publication.selectors import latest_publication
from moderation.review.queues import QueueFilter, queue_items
from moderation.selectors import decisions_for, latest_runs, provenance_summary
from moderation.taxonomy import SUGGESTIONS
from moderation.timeline import submission_timeline


def blur_media(user: User) -> bool:
    """Whether media start blurred for this moderator (the default, for their wellbeing)."""
    settings = ReviewerSettings.objects.filter(user=user).first()
    return settings.blur_media if settings else True


def neighbours(item: Submission) -> tuple[int | None, int | None]:
    """The items before and after this one in its queue's priority order (for j / k)."""
    if item.status != Status.AWAITING_REVIEW:
        return None, None
    same_queue = Submission.objects.awaiting_review().filter(queue=item.queue).exclude(pk=item.pk)
    # The bounds on priority_rank let the queue index start at this item instead of the top.
    after = (
        same_queue.filter(priority_rank__lte=item.priority_rank)
        .filter(Q(priority_rank__lt=item.priority_rank) | Q(priority_rank=item.priority_rank, id__gt=item.pk))
        .order_by("-priority_rank", "id")
        .values_list("pk", flat=True)
        .first()
    )
    before = (
        same_queue.filter(priority_rank__gte=item.priority_rank)
        .filter(Q(priority_rank__gt=item.priority_rank) | Q(priority_rank=item.priority_rank, id__lt=item.pk))
        .order_by("priority_rank", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    return before, after


def suggested_reasons(findings: list[Finding]) -> dict[str, PolicyReason]:
    """The reason the findings suggest for a rejection and for a change request (moderation.taxonomy):
    the first finding that suggests an active reason applying to that outcome, blocking ones first."""
    ordered = sorted(findings, key=lambda finding: not finding.is_blocking)
    wanted = {code for finding in ordered for code in SUGGESTIONS.get(finding.code, ())}
    reasons = {reason.code: reason for reason in PolicyReason.objects.filter(code__in=wanted, is_active=True)}
    suggestions: dict[str, PolicyReason] = {}
    for finding in ordered:
        for outcome, code in zip(
            (DecisionOutcome.REJECTED, DecisionOutcome.CHANGES_REQUESTED),
            SUGGESTIONS.get(finding.code, ()),
            strict=False,
        ):
            reason = reasons.get(code)
            if outcome not in suggestions and reason is not None and reason.applies_to(outcome):
                suggestions[outcome] = reason
    return suggestions


def review_page(item: Submission, *, moderator: User, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Everything the review page shows about an item, its contributor and its place in the queue."""
    now = now or timezone.now()
    runs = latest_runs(item.current_revision_id)
    contributor = item.contributor
    earlier = list(
        Submission.objects.filter(contributor=contributor)
        .exclude(pk=item.pk)
        .select_related("current_revision")
        .order_by("-created_at")[:10]
    )
    earlier_decisions = decisions_for([s.current_revision_id for s in earlier if s.current_revision_id])
    before, after = neighbours(item)
    from moderation.review.decisions import approval_blocker

    findings = [finding for run in runs for finding in run.findings.all()]
    return {
        "submission": item,
        "revision": item.current_revision,
        "runs": runs,
        "blocking": [f for f in findings if f.is_blocking],
        "suggested_reasons": suggested_reasons(findings) if item.status == Status.AWAITING_REVIEW else {},
        # Why Approve cannot succeed for this moderator ("" if it can): the button is disabled.
        "approve_unavailable": approval_blocker(item, moderator=moderator, runs=runs, findings=findings)
        if item.status == Status.AWAITING_REVIEW
        else "",
        "provenance": provenance_summary(runs),
        "notes": item.notes.select_related("author"),
        "earlier": [(s, earlier_decisions.get(s.current_revision_id or 0)) for s in earlier],
        "sanctions": active_sanctions(contributor),
        "strikes": strike_count(contributor),
        "verification": verification_summary(contributor),
        "held_by_me": item.claimed_by_id == moderator.pk and item.claim_is_active(now),
        "held_by_other": item.claim_is_active(now) and item.claimed_by_id != moderator.pk,
        "blur": blur_media(moderator),
        "prev_id": before,
        "next_id": after,
        "can_rerun": item.status not in (Status.DRAFT, Status.WITHDRAWN),
        "check_kinds": sorted(REGISTRY),
        "is_senior": moderator.is_senior_moderator,
        "publication": latest_publication(item),
        "consent_panel": consent_panel_for(item, moderator),
        "timeline": submission_timeline(item, viewer=moderator, now=now),
        # The publication stage's actions (moderation.publication.actions).
        "can_take_down": item.status in PUBLIC_STATUSES and item.contributor_id != moderator.pk,
        "can_reinstate": item.status in (Status.TAKEN_DOWN, Status.RESTRICTED)
        and moderator.is_senior_moderator
        and item.contributor_id != moderator.pk,
        "refutation": refutation_in_force(item) if item.status in PUBLIC_STATUSES else None,
        "withheld_in": withheld_regions(item),
        "now": now,
    }


def bulk_candidates(moderator: User, now: datetime.datetime | None = None) -> QuerySet[Submission]:
    """Items of the review queue without blocking findings that the moderator may decide in bulk:
    free or held by them, never their own, and none whose slow check (OCR) is still running: its
    result may yet block it."""
    now = now or timezone.now()
    items = cast(SubmissionQuerySet, queue_items(Queue.REVIEW, QueueFilter(), now=now))
    running = CheckRun.objects.filter(revision_id=OuterRef("current_revision_id")).unfinished()
    return (
        items.claimable(now, by=moderator)
        .filter(has_blocking_findings=False)
        .exclude(Exists(running))
        .exclude(contributor=moderator)
        .prefetch_related("current_revision__media")
    )
