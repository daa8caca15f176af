"""Notices: receiving them, the notices queue's claims, and deciding a case.

Receiving (`notice_submit`): one Notice row in the item's open case (made on the first
notice), the case's priority and due time recomputed, a receipt e-mailed at once after commit
(Art. 16(4)). A person who reports their own likeness is also sent, if their address matches a
consent given for the item, the link that withdraws it: that takes the content down at once.

Deciding (`notice_case_decide`): no action (with reasons), take down, restrict to regions, or
label as refuted, through the publication stage's own services (each with its statement of
reasons to the contributor); then every notifier of the case gets the reasoned decision with the
redress open to them and what was automated (Art. 16(5), (6)).
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.authority import AuthorityReport
from accounts.models import User
from audit.services import record_event
from moderation.events import emit
from moderation.models import Decision, DecisionOutcome, DecisionSource, PolicyReason, Submission
from moderation.publication.refutations import RefutationRefused, publication_refute
from moderation.publication.takedown import (
    TakedownRefused,
    TakedownRequest,
    current_revision,
    publication_take_down,
)
from moderation.review.claims import (
    ReviewConflict,
    free_rows,
    lease_hold,
    lease_next,
    lease_release,
    require_unheld,
    require_version,
)
from moderation.review.priority import rank_for
from notices import mail
from notices.models import (
    ANONYMOUS_CATEGORIES,
    SEVERITY_POINTS,
    URGENT_CATEGORIES,
    Notice,
    NoticeCase,
    NoticeCategory,
    NoticeOutcome,
)

logger = logging.getLogger(__name__)

# Priority points beyond the category's severity (SEVERITY_POINTS).
POINTS_PER_EXTRA_NOTICE = 15
MAX_EXTRA_NOTICE_POINTS = 60
TRUSTED_FLAGGER_POINTS = 40


class NoticeRefused(Exception):
    """The notice or the decision breaks a rule; the message says which. Nothing changed."""


@dataclass(frozen=True)
class NoticeInput:
    urls: list[str]
    category: str
    explanation: str
    good_faith: bool
    name: str = ""
    email: str = ""
    law: str = ""


def is_trusted_flagger(email: str) -> bool:
    """Addresses (or @domains) of trusted flaggers awarded under DSA Art. 22 (a setting)."""
    email = email.strip().lower()
    if not email:
        return False
    domain = "@" + email.rpartition("@")[2]
    return any(entry in (email, domain) for entry in settings.NOTICES_TRUSTED_FLAGGERS)


def _check(data: NoticeInput) -> None:
    if data.category not in NoticeCategory.values:
        raise NoticeRefused(_("Choose what is wrong with the content."))
    if not data.urls:
        raise NoticeRefused(_("Give the exact address of the content."))
    if not data.explanation.strip():
        raise NoticeRefused(_("Explain why the content should be removed."))
    if not data.good_faith:
        raise NoticeRefused(_("Confirm that you report in good faith."))
    if data.category == NoticeCategory.ILLEGAL and not data.law.strip():
        raise NoticeRefused(_("Say which law the content breaks."))
    if data.category not in ANONYMOUS_CATEGORIES and not (data.name.strip() and data.email.strip()):
        raise NoticeRefused(_("Give your name and e-mail address."))


def case_priority(case: NoticeCase) -> None:
    """Score and rank of a case from its notices (age counts through the rank, as in review)."""
    score = float(SEVERITY_POINTS[NoticeCategory(case.top_category)])
    score += min(MAX_EXTRA_NOTICE_POINTS, POINTS_PER_EXTRA_NOTICE * max(0, case.notice_count - 1))
    score += TRUSTED_FLAGGER_POINTS if case.has_trusted_flagger else 0
    case.priority_score = score
    case.priority_rank = rank_for(score, case.opened_at)


def notice_due(category: str, received_at: datetime.datetime) -> datetime.datetime:
    """Each notice asks for a decision within its SLA; a case is due when its first one is."""
    urgent = category in URGENT_CATEGORIES
    hours = settings.NOTICES_URGENT_SLA_HOURS if urgent else settings.NOTICES_SLA_HOURS
    return received_at + datetime.timedelta(hours=hours)


def _more_severe(a: str, b: str) -> str:
    return a if SEVERITY_POINTS[NoticeCategory(a)] >= SEVERITY_POINTS[NoticeCategory(b)] else b


@transaction.atomic
def notice_submit(
    *, submission: Submission, data: NoticeInput, now: datetime.datetime | None = None
) -> Notice:
    """Record a notice in the item's open case; see the module docstring.

    Steps: check it; lock the item (notices on one item take turns, so there is one open case);
    find or open the case; write the notice; recompute the case's priority and due time; audit
    (no personal data); announce; after commit, e-mail the receipt and, for someone reporting
    their own likeness, the withdrawal link of a consent they gave for this item.
    """
    _check(data)
    now = now or timezone.now()
    Submission.objects.select_for_update(of=("self",)).filter(pk=submission.pk).first()
    trusted = is_trusted_flagger(data.email)
    urgent = data.category in URGENT_CATEGORIES
    case = (
        NoticeCase.objects.select_for_update()
        .filter(submission=submission, state=NoticeCase.State.OPEN)
        .first()
    )
    if case is None:
        case = NoticeCase(submission=submission, opened_at=now, top_category=data.category)
    case.notice_count += 1
    case.top_category = _more_severe(case.top_category, data.category)
    case.has_trusted_flagger = case.has_trusted_flagger or trusted
    case.urgent = case.urgent or urgent
    due = notice_due(data.category, now)
    case.due_at = due if case.due_at is None else min(case.due_at, due)
    case_priority(case)
    if case.pk is None:
        case.save(force_insert=True)
    else:
        case.version += 1  # a moderator's open page no longer shows every notice
        case.save(
            update_fields=[
                "notice_count",
                "top_category",
                "has_trusted_flagger",
                "urgent",
                "priority_score",
                "priority_rank",
                "due_at",
                "version",
            ]
        )
    notice = Notice.objects.create(
        case=case,
        submission=submission,
        urls=list(dict.fromkeys(url.strip() for url in data.urls if url.strip())),
        category=data.category,
        law=data.law.strip(),
        explanation=data.explanation.strip(),
        name=data.name.strip(),
        email=data.email.strip(),
        good_faith=True,
        trusted_flagger=trusted,
        language=get_language() or settings.LANGUAGE_CODE,
        received_at=now,
    )
    record_event(
        action="notice.received",
        target=submission,
        details={"notice": notice.pk, "case": case.pk, "category": data.category, "trusted_flagger": trusted},
    )
    emit(
        "notice.received",
        submission=submission,
        data={"notice": notice.pk, "case": case.pk, "category": data.category},
    )
    if notice.email:
        transaction.on_commit(lambda: mail.send_receipt(notice.pk))
        if data.category == NoticeCategory.NON_CONSENSUAL:
            transaction.on_commit(lambda: mail.resend_own_consent_link(notice.pk))
    return notice


def open_cases() -> QuerySet[NoticeCase]:
    return NoticeCase.objects.filter(state=NoticeCase.State.OPEN)


def _require_moderator(user: User) -> None:
    if not user.is_reviewer:
        raise PermissionDenied


def notice_case_claim_next(*, moderator: User) -> NoticeCase | None:
    """Claim the highest-priority free case (never one about the moderator's own content)."""
    _require_moderator(moderator)
    now = timezone.now()
    held = (
        open_cases().filter(claimed_by=moderator, claim_expires_at__gt=now).order_by("-priority_rank", "id")
    )
    if (case := held.first()) is not None:
        return case
    with transaction.atomic():
        candidates = (
            free_rows(open_cases(), now)
            .exclude(submission__contributor=moderator)
            .order_by("-priority_rank", "id")
        )
        case = lease_next(candidates, moderator=moderator)
        if case is not None:
            record_event(
                action="notice.case_claimed",
                actor=moderator,
                target=case.submission,
                details={"case": case.pk, "next": True},
            )
    return case


def _require_workable(case: NoticeCase, moderator: User, now: datetime.datetime) -> None:
    if case.state != NoticeCase.State.OPEN:
        raise ReviewConflict(_("These notices were decided already."))
    require_unheld(case, moderator, now)
    if case.submission.contributor_id == moderator.pk:
        raise PermissionDenied(_("You cannot decide about your own submission."))


@transaction.atomic
def notice_case_claim(*, case: NoticeCase, moderator: User) -> NoticeCase:
    """Claim one case, or renew the lease on one you hold."""
    _require_moderator(moderator)
    locked = NoticeCase.objects.select_for_update(of=("self",)).select_related("submission").get(pk=case.pk)
    now = timezone.now()
    _require_workable(locked, moderator, now)
    if lease_hold(locked, moderator=moderator, now=now):
        record_event(
            action="notice.case_claimed",
            actor=moderator,
            target=locked.submission,
            details={"case": locked.pk},
        )
    return locked


@transaction.atomic
def notice_case_release(*, case: NoticeCase, moderator: User) -> None:
    if lease_release(NoticeCase.objects.filter(pk=case.pk), moderator=moderator):
        record_event(
            action="notice.case_released", actor=moderator, target=case.submission, details={"case": case.pk}
        )


@dataclass(frozen=True)
class CaseDecision:
    """What the moderator decides on a case. `reasons` go to the notifiers; `explanation` is the
    statement of reasons to the contributor when the content is restricted."""

    outcome: str
    reasons: str
    reason: PolicyReason | None = None
    explanation: str = ""
    regions: tuple[str, ...] = ()
    ends_at: datetime.datetime | None = None
    refutation: str = ""
    source_url: str = ""
    authority: AuthorityReport = field(default_factory=AuthorityReport)


@transaction.atomic
def notice_case_decide(
    *, case: NoticeCase, moderator: User, decision: CaseDecision, expected_version: int
) -> NoticeCase:
    """Decide every notice of a case at once.

    Steps: lock the case; refuse a decided case, a stale page or one someone else holds (409),
    the moderator's own content (403), a decision without reasons; act on the item through the
    publication stage (take down, restrict, refute: each writes its own decision and statement)
    or record the decision to take no action; close the case; audit; announce; after commit,
    send each notifier the reasoned decision with their complaint link.
    """
    _require_moderator(moderator)
    locked = NoticeCase.objects.select_for_update(of=("self",)).select_related("submission").get(pk=case.pk)
    now = timezone.now()
    if locked.state != NoticeCase.State.OPEN:
        raise ReviewConflict(_("These notices were decided already."))
    require_version(locked, expected_version)
    _require_workable(locked, moderator, now)
    if decision.outcome not in NoticeOutcome.values:
        raise NoticeRefused(_("Choose what to do about the notices."))
    if not decision.reasons.strip():
        raise NoticeRefused(_("Give the notifiers the reasons for the decision."))
    source = DecisionSource.TRUSTED_FLAGGER if locked.has_trusted_flagger else DecisionSource.NOTICE
    submission = locked.submission
    made = _act(submission, moderator, decision, source, now)
    NoticeCase.objects.filter(pk=locked.pk).update(
        state=NoticeCase.State.DECIDED,
        decided_at=now,
        decided_by=moderator,
        outcome=decision.outcome,
        decision=made,
        reasons=decision.reasons.strip(),
        claimed_by=None,
        claim_expires_at=None,
        version=F("version") + 1,
    )
    locked.refresh_from_db()
    notice_ids = list(locked.notices.values_list("pk", flat=True))
    record_event(
        action="notice.decided",
        actor=moderator,
        target=submission,
        details={"case": locked.pk, "outcome": decision.outcome, "decision": made.pk, "notices": notice_ids},
    )
    emit(
        "notice.decided",
        submission=submission,
        data={"case": locked.pk, "decision": made.pk, "outcome": decision.outcome, "notices": notice_ids},
    )
    transaction.on_commit(lambda: mail.send_decisions(locked.pk))
    return locked


def _act(
    submission: Submission, moderator: User, decision: CaseDecision, source: str, now: datetime.datetime
) -> Decision:
    """Do what the case decided to the item; return the Decision that records it."""
    if decision.outcome == NoticeOutcome.NO_ACTION:
        # The item stays as it is, but the API shows its newest decision: the feed reports it.
        Submission.objects.filter(pk=submission.pk).touch(now)
        return Decision.objects.create(
            submission=submission,
            revision=current_revision(submission),
            moderator=moderator,
            outcome=DecisionOutcome.NO_ACTION,
            reason=decision.reason,
            explanation=decision.reasons.strip(),
            source=source,
            created_at=now,
        )
    if decision.reason is None:
        raise NoticeRefused(_("Choose a reason from the policy list."))
    explanation = decision.explanation.strip() or decision.reasons.strip()
    try:
        if decision.outcome == NoticeOutcome.REFUTED:
            refutation = publication_refute(
                submission=submission,
                moderator=moderator,
                reason=decision.reason,
                text=decision.refutation,
                explanation=explanation,
                source_url=decision.source_url,
                source=source,
            )
            return refutation.decision
        regions = decision.regions if decision.outcome == NoticeOutcome.RESTRICTED else ()
        if decision.outcome == NoticeOutcome.RESTRICTED and not regions:
            raise NoticeRefused(_("Choose the regions where the content is withheld."))
        return publication_take_down(
            submission=submission,
            moderator=moderator,
            request=TakedownRequest(
                reason=decision.reason,
                explanation=explanation,
                regions=tuple(regions),
                ends_at=decision.ends_at,
                source=source,
                authority=decision.authority,
            ),
        )
    except (TakedownRefused, RefutationRefused) as exc:
        raise NoticeRefused(str(exc)) from exc
