"""Taking published content down, restricting it to some regions, and reversing either.

Every takedown and restriction is a Decision with its statement of reasons, written in the same
transaction as the move and no later than it (the lifecycle refuses the move otherwise, see
moderation.review.statements.require_statement). What started it is the statement's source:

- `submission_open_takedown`: a depicted person's consent was withdrawn or ran out. The content
  is hidden at once, automatically, and goes to the takedown queue for a moderator.
- `publication_take_down`: a moderator's decision (own initiative, a notice, a trusted flagger,
  a complaint): taken down everywhere, or withheld in some regions; for a while or for good.
- `publication_reinstate`: a reversal (a senior moderator, a well-founded complaint, or the end
  of a temporary takedown). Nothing goes straight back online: the item is published again
  through the publication job, like any approval.
- `takedowns_end_expired`: the sweep that reinstates temporary takedowns whose time is up.

Nothing is deleted; files stay private and unserved while the item is not public.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.authority import NOT_SETTLED, AuthorityReport
from accounts.models import User
from moderation.events import emit
from moderation.lifecycle import submission_transition
from moderation.models import (
    Decision,
    DecisionOutcome,
    DecisionSource,
    PolicyReason,
    Queue,
    Region,
    Revision,
    Status,
    Submission,
)
from moderation.publication.services import publication_runs_create
from moderation.review.claims import require_version
from moderation.review.messages import decision_notify
from moderation.review.priority import apply_outcome
from moderation.review.statements import (
    build_consent_takedown_statement,
    build_takedown_statement,
)

logger = logging.getLogger(__name__)

# What a moderator can take down or restrict: content that is public, or being published again.
TAKEABLE = frozenset({Status.APPROVED, Status.RESTRICTED, Status.PUBLISHING})
IN_FORCE_OUTCOMES = (DecisionOutcome.TAKEN_DOWN, DecisionOutcome.RESTRICTED)


def lock_item_for_action(
    submission: Submission, *, actor: User | None, expected_version: int | None
) -> Submission:
    """Lock the item's row for an action on its publication (takedown, reinstatement, refutation).

    Refuses a stale page (409, when the page's version is given) and the actor's own content (403);
    the actor is None for what no moderator does (a consent ending, the publisher's request)."""
    locked = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("contributor", "current_revision")
        .get(pk=submission.pk)
    )
    if expected_version is not None:
        require_version(locked, expected_version)
    if actor is not None and locked.contributor_id == actor.pk:
        raise PermissionDenied(_("You cannot decide about your own submission."))
    return locked


class TakedownRefused(Exception):
    """The takedown, restriction or reversal breaks a rule; the message says which. Nothing changed."""


def current_revision(submission: Submission) -> Revision:
    """What is published: the current revision (published content always has one)."""
    revision = submission.current_revision
    assert revision is not None, f"#{submission.pk} has no revision"
    return revision


def restriction_in_force(submission: Submission) -> Decision | None:
    """The takedown or regional restriction now applied to the item, if any."""
    return (
        Decision.objects.filter(submission=submission, outcome__in=IN_FORCE_OUTCOMES, lifted_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )


def restrictions_lift(submission: Submission, *, at: datetime.datetime) -> list[int]:
    """Mark every takedown and restriction of the item lifted (it is being published again)."""
    in_force = Decision.objects.filter(
        submission=submission, outcome__in=IN_FORCE_OUTCOMES, lifted_at__isnull=True
    )
    ids = list(in_force.values_list("pk", flat=True))
    in_force.update(lifted_at=at)
    return ids


@transaction.atomic
def submission_open_takedown(
    *,
    submission: Submission,
    reason: str,
    actor: User | None = None,
    details: dict | None = None,
    detected: bool = False,
) -> bool:
    """Hide published content at once and put it in the takedown queue, first in line.

    Steps: lock the row; only approved or restricted content (published, or being published) has
    a publication to hide; write the decision and its statement of reasons (source: the consent
    ended; `detected` when a sweep found it rather than the person telling us); hide it and move
    it back to review in the takedown queue with a fresh SLA clock; recompute its priority;
    audit; tell the contributor, statement included. Nothing is deleted. Returns False when
    there was nothing to take down.
    """
    locked = lock_item_for_action(submission, actor=None, expected_version=None)
    if locked.status not in TAKEABLE:
        return False  # a publishing item goes down before it is public; its job then cancels
    now = timezone.now()
    decision = Decision.objects.create(
        submission=locked,
        revision=current_revision(locked),
        moderator=actor,
        outcome=DecisionOutcome.TAKEN_DOWN,
        explanation=reason,
        statement=build_consent_takedown_statement(
            submission=locked, facts=reason, detected=detected, now=now
        ),
        from_queue="",
        source=DecisionSource.CONSENT_WITHDRAWAL,
        created_at=now,
    )
    submission_transition(
        submission=locked,
        to=Status.AWAITING_REVIEW,
        actor=actor,
        action="submission.takedown_opened",
        details={"queue": "takedown", "reason": reason, "decision": decision.pk, **(details or {})},
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
    emit(
        "publication.taken_down",
        submission=locked,
        data={
            "decision": decision.pk,
            "scope": [],
            "ends_at": None,
            "source": decision.source,
            "reason": decision.statement["tdb"]["reason_code"],
        },
    )
    decision_notify(
        decision,
        subject=lambda: _("Your submission #%(id)s was taken down") % {"id": locked.pk},
        lead=lambda: (
            _("%(reason)s It is hidden from publication while a moderator reviews it.") % {"reason": reason}
        ),
    )
    submission.refresh_from_db()
    return True


@dataclass(frozen=True)
class TakedownRequest:
    """What a moderator asks for: the reason from the taxonomy, the explanation for the statement,
    where (regions; empty = everywhere) and until when (None = for good)."""

    reason: PolicyReason
    explanation: str
    regions: tuple[str, ...] = ()
    ends_at: datetime.datetime | None = None
    source: str = DecisionSource.OWN_INITIATIVE
    authority: AuthorityReport = field(default_factory=AuthorityReport)


def _check_takedown(request: TakedownRequest, now: datetime.datetime) -> list[str]:
    if request.reason is None or not request.reason.is_active:
        raise TakedownRefused(_("Choose a reason from the policy list."))
    if not request.explanation.strip():
        raise TakedownRefused(
            _("Explain the decision to the contributor: the statement of reasons needs it.")
        )
    if request.ends_at is not None and request.ends_at <= now:
        raise TakedownRefused(_("The end of a temporary takedown must be in the future."))
    regions = sorted(set(request.regions))
    if any(region not in Region.values for region in regions):
        raise TakedownRefused(_("Choose regions from the list."))
    if set(regions) == set(Region.values):
        regions = []  # withheld everywhere is a takedown
    if request.reason.ground == PolicyReason.Ground.ILLEGAL and not request.authority.settled:
        raise TakedownRefused(str(NOT_SETTLED))
    return regions


@transaction.atomic
def publication_take_down(
    *,
    submission: Submission,
    moderator: User,
    request: TakedownRequest,
    expected_version: int | None = None,
) -> Decision:
    """Take published content down everywhere, or withhold it in some regions.

    Steps: lock the row; refuse a stale page (409), the moderator's own content (403), content
    that is not public, a request that breaks a rule; write the decision with its statement of
    reasons; move the item (taken down: hidden at once, page and media; restricted: withheld in
    those regions); a wider takedown supersedes a restriction in force; bank the files of a
    permanent takedown (the banks configured for the reason); announce it; tell the contributor.
    """
    if not moderator.is_reviewer:
        raise PermissionDenied
    locked = lock_item_for_action(submission, actor=moderator, expected_version=expected_version)
    if locked.status not in TAKEABLE:
        raise TakedownRefused(
            _("Only published content can be taken down; this item is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    now = timezone.now()
    regions = _check_takedown(request, now)
    if regions and locked.status != Status.APPROVED:
        raise TakedownRefused(_("Only content published everywhere can be restricted to some regions."))
    outcome = DecisionOutcome.RESTRICTED if regions else DecisionOutcome.TAKEN_DOWN
    superseded = restrictions_lift(locked, at=now)
    decision = Decision.objects.create(
        submission=locked,
        revision=current_revision(locked),
        moderator=moderator,
        outcome=outcome,
        reason=request.reason,
        explanation=request.explanation.strip(),
        statement=build_takedown_statement(
            submission=locked,
            reason=request.reason,
            explanation=request.explanation,
            source=request.source,
            regions=regions,
            ends_at=request.ends_at,
            now=now,
        ),
        source=request.source,
        territorial_scope=regions,
        ends_at=request.ends_at,
        created_at=now,
        **request.authority.as_fields(),
    )
    to = Status.RESTRICTED if regions else Status.TAKEN_DOWN
    fields: dict[str, object] = {"decided_at": now, "claimed_by": None, "claim_expires_at": None}
    if not regions:
        fields["publication_hidden_at"] = now
    submission_transition(
        submission=locked,
        to=to,
        actor=moderator,
        action="publication.taken_down" if not regions else "publication.restricted",
        details={
            "decision": decision.pk,
            "reason": request.reason.code,
            "regions": regions,
            "ends_at": request.ends_at.isoformat() if request.ends_at else None,
            "source": request.source,
            "superseded": superseded,
        },
        fields=fields,
    )
    if not regions and request.ends_at is None:
        from banks.services import bank_add_from_submission

        bank_add_from_submission(submission=locked, actor=moderator, reason=request.reason, source="takedown")
    emit(
        "publication.taken_down" if not regions else "publication.restricted",
        submission=locked,
        data={
            "decision": decision.pk,
            "scope": regions,
            "ends_at": request.ends_at.isoformat() if request.ends_at else None,
            "source": request.source,
            "reason": request.reason.code,
        },
    )

    def subject() -> str:
        return (
            _("Your submission #%(id)s was restricted in some regions")
            if regions
            else _("Your submission #%(id)s was taken down")
        ) % {"id": locked.pk}

    decision_notify(decision, subject=subject)
    submission.refresh_from_db()
    return decision


@transaction.atomic
def publication_take_down_by_publisher(
    *,
    submission: Submission,
    publisher: str,
    reason: PolicyReason,
    explanation: str,
    details: dict | None = None,
) -> Decision:
    """The publisher (an integration) removed the content, or asks us to: take it down everywhere.

    Steps: lock the row; only public content (or content being published) can go down; the
    reason must be an active one of the policy list and not an illegality ground (those settle a
    report to the authority, which is a moderator's work); write the decision with its statement
    of reasons (source: the publisher's request) and lift restrictions in force; hide it; announce
    it; tell the contributor. Nothing is banked: the publisher's removal says nothing about others'
    copies. There is no moderator: the audit names the integration in `details`.
    """
    locked = lock_item_for_action(submission, actor=None, expected_version=None)
    if locked.status not in TAKEABLE:
        raise TakedownRefused(
            _("Only published content can be taken down; this item is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    if reason.ground == PolicyReason.Ground.ILLEGAL:
        raise TakedownRefused(_("Illegal content is taken down by a moderator: send a notice instead."))
    now = timezone.now()
    request = TakedownRequest(reason=reason, explanation=explanation, source=DecisionSource.PUBLISHER)
    _check_takedown(request, now)
    superseded = restrictions_lift(locked, at=now)
    decision = Decision.objects.create(
        submission=locked,
        revision=current_revision(locked),
        moderator=None,
        outcome=DecisionOutcome.TAKEN_DOWN,
        reason=reason,
        explanation=explanation.strip(),
        statement=build_takedown_statement(
            submission=locked,
            reason=reason,
            explanation=explanation,
            source=DecisionSource.PUBLISHER,
            regions=[],
            ends_at=None,
            now=now,
        ),
        source=DecisionSource.PUBLISHER,
        created_at=now,
    )
    submission_transition(
        submission=locked,
        to=Status.TAKEN_DOWN,
        actor=None,
        action="publication.taken_down",
        details={
            "decision": decision.pk,
            "reason": reason.code,
            "regions": [],
            "ends_at": None,
            "source": DecisionSource.PUBLISHER,
            "publisher": publisher,
            "superseded": superseded,
            **(details or {}),
        },
        fields={
            "decided_at": now,
            "claimed_by": None,
            "claim_expires_at": None,
            "publication_hidden_at": now,
        },
    )
    emit(
        "publication.taken_down",
        submission=locked,
        data={
            "decision": decision.pk,
            "scope": [],
            "ends_at": None,
            "source": DecisionSource.PUBLISHER,
            "reason": reason.code,
        },
    )
    decision_notify(decision, subject=lambda: _("Your submission #%(id)s was taken down") % {"id": locked.pk})
    submission.refresh_from_db()
    return decision


@transaction.atomic
def publication_reinstate(
    *,
    submission: Submission,
    actor: User | None,
    explanation: str,
    expected_version: int | None = None,
    source: str = DecisionSource.OWN_INITIATIVE,
) -> Decision:
    """Reverse a takedown or regional restriction: publish the item again through the publication job.

    Steps: lock the row; only senior moderators reverse (or the system, when a temporary
    takedown ends); refuse a stale page (409) and an item that is not taken down or restricted;
    refuse while a depicted person's consent is missing (no one publishes without it); write the
    reinstatement (naming the decision it reverses) and lift every restriction in force; move the
    item to "publishing" with a new publication run (sent to a worker after commit); announce it;
    tell the contributor.
    """
    if actor is not None and not actor.is_senior_moderator:
        raise PermissionDenied(_("Only senior moderators reverse a takedown."))
    if not explanation.strip():
        raise TakedownRefused(_("Say why the takedown is reversed."))
    locked = lock_item_for_action(submission, actor=actor, expected_version=expected_version)
    if locked.status not in (Status.TAKEN_DOWN, Status.RESTRICTED):
        raise TakedownRefused(
            _("Only content that was taken down or restricted can be reinstated; this item is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    revision = locked.current_revision
    assert revision is not None
    require_consent(locked)
    now = timezone.now()
    reversed_decision = restriction_in_force(locked)
    decision = Decision.objects.create(
        submission=locked,
        revision=revision,
        moderator=actor,
        outcome=DecisionOutcome.REINSTATED,
        explanation=explanation.strip(),
        source=source,
        reverses=reversed_decision,
        created_at=now,
    )
    lifted = restrictions_lift(locked, at=now)
    submission_transition(
        submission=locked,
        to=Status.PUBLISHING,
        actor=actor,
        action="publication.reinstated",
        details={"decision": decision.pk, "lifted": lifted, "source": source},
        fields={"decided_at": now, "claimed_by": None, "claim_expires_at": None},
    )
    publication_runs_create(submission=locked, revision=revision, requested_by=actor)
    emit(
        "publication.reinstated",
        submission=locked,
        data={"decision": decision.pk, "reverses": reversed_decision.pk if reversed_decision else None},
    )
    decision_notify(
        decision,
        subject=lambda: _("Your submission #%(id)s is being published again") % {"id": locked.pk},
        lead=explanation.strip(),
    )
    submission.refresh_from_db()
    return decision


def require_consent(submission: Submission) -> None:
    """Nothing is published again while a depicted person's consent is missing."""
    from consent.rules import consent_gaps

    assert submission.current_revision is not None
    gaps = consent_gaps(submission.current_revision)
    if gaps:
        raise TakedownRefused(
            _("It cannot be published again while consent is missing: %(who)s.")
            % {"who": "; ".join(f"{gap.name} ({gap.message})" for gap in gaps)}
        )


def takedowns_end_expired(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Reinstate items whose temporary takedown or restriction has run out.

    Each goes through `publication_reinstate` (publication job, contributor told), one
    transaction each. An item whose consent is missing meanwhile stays down (counted as
    "blocked") until someone decides."""
    now = now or timezone.now()
    report = {"reinstated": 0, "blocked": 0}
    due = (
        Decision.objects.filter(
            outcome__in=IN_FORCE_OUTCOMES,
            lifted_at__isnull=True,
            ends_at__lte=now,
            submission__status__in=(Status.TAKEN_DOWN, Status.RESTRICTED),
        )
        .select_related("submission")
        .order_by("ends_at", "id")
    )
    for decision in due:
        try:
            publication_reinstate(
                submission=decision.submission,
                actor=None,
                explanation=_("The temporary takedown decided on %(date)s ended.")
                % {"date": timezone.localdate(decision.created_at).isoformat()},
            )
        except TakedownRefused:
            report["blocked"] += 1
            continue
        report["reinstated"] += 1
    return report
