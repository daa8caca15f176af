"""Filing, claiming and answering complaints; see complaints.models for who may complain.

An answer upholds or overturns the decision, with reasons, and is given by a senior moderator
who did not take the decision (enforced here; a complaint about an automated decision may be
answered by any senior moderator, a person in every case). An overturn is applied at once:

- a rejection, a request for changes, a takedown or a restriction of the contributor's content:
  published again through the publication job (never while consent is missing);
- a refutation label: withdrawn;
- a notifier's complaint about no action (or too little): the content is taken down, with a new
  statement of reasons to the contributor;
- an account sanction: lifted.

Both answers go to the complainant with the reasons and the out-of-court dispute settlement
bodies (DSA Art. 21) and courts they may still turn to.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.authority import AuthorityReport
from accounts.models import Sanction, User
from accounts.services import SanctionError, sanction_lift
from audit.services import record_event
from complaints import mail
from complaints.models import Complainant, Complaint
from moderation.events import emit
from moderation.lifecycle import InvalidTransition, submission_transition
from moderation.models import (
    RESTRICTING_OUTCOMES,
    Decision,
    DecisionOutcome,
    DecisionSource,
    PolicyReason,
    Refutation,
    Status,
    Submission,
)
from moderation.models.choices import PUBLIC_STATUSES
from moderation.publication.refutations import RefutationRefused, refutation_withdraw
from moderation.publication.services import publication_runs_create
from moderation.publication.takedown import (
    TakedownRefused,
    TakedownRequest,
    publication_reinstate,
    publication_take_down,
    require_consent,
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
from notices.models import Notice, NoticeCase

logger = logging.getLogger(__name__)

# What a notifier may complain about: the decision on their notice, unless it removed everything.
NOTIFIER_APPEALABLE = frozenset(
    {DecisionOutcome.NO_ACTION, DecisionOutcome.RESTRICTED, DecisionOutcome.REFUTED}
)


class ComplaintRefused(Exception):
    """The complaint or its answer breaks a rule; the message says which. Nothing changed."""


@dataclass(frozen=True)
class Target:
    """A decision someone may complain about, and who they are."""

    kind: str
    informed_at: datetime.datetime
    key: str
    decision: Decision | None = None
    sanction: Sanction | None = None
    submission: Submission | None = None
    user: User | None = None
    notice: Notice | None = None
    name: str = ""
    email: str = ""

    @property
    def window_ends(self) -> datetime.datetime:
        return self.informed_at + datetime.timedelta(days=settings.COMPLAINTS_WINDOW_DAYS)

    def open_complaint(self) -> Complaint | None:
        complaints = Complaint.objects.filter(state=Complaint.State.OPEN, complainant_key=self.key)
        if self.decision is not None:
            return complaints.filter(decision=self.decision).first()
        return complaints.filter(sanction=self.sanction).first()

    def latest_complaint(self) -> Complaint | None:
        complaints = Complaint.objects.filter(complainant_key=self.key).order_by("-received_at", "-id")
        if self.decision is not None:
            return complaints.filter(decision=self.decision).first()
        return complaints.filter(sanction=self.sanction).first()


def target_for_contributor(decision: Decision, user: User) -> Target:
    """The contributor complains about a decision restricting their content."""
    if decision.submission.contributor_id != user.pk:
        raise PermissionDenied
    if decision.outcome not in RESTRICTING_OUTCOMES:
        raise ComplaintRefused(
            _("This decision does not restrict your content: there is nothing to complain about.")
        )
    return Target(
        kind=Complainant.CONTRIBUTOR,
        informed_at=decision.created_at,
        key=f"user:{user.pk}",
        decision=decision,
        submission=decision.submission,
        user=user,
    )


def target_for_notice(notice: Notice) -> Target:
    """A notifier complains about the decision on their notice."""
    case: NoticeCase = notice.case
    if case.state != NoticeCase.State.DECIDED or case.decision is None:
        raise ComplaintRefused(_("Your notice has not been decided yet: there is nothing to complain about."))
    if case.decision.outcome not in NOTIFIER_APPEALABLE:
        raise ComplaintRefused(
            _("The content was taken down as you asked: there is nothing to complain about.")
        )
    if not notice.email:
        raise ComplaintRefused(_("This notice was sent without an address."))
    return Target(
        kind=Complainant.NOTIFIER,
        informed_at=notice.decision_sent_at or case.decided_at or case.decision.created_at,
        key=f"email:{notice.email.strip().lower()}",
        decision=case.decision,
        submission=case.submission,
        notice=notice,
        name=notice.name,
        email=notice.email,
    )


def target_for_sanction(sanction: Sanction) -> Target:
    """The account holder complains about a restriction, suspension or closure."""
    if sanction.kind not in Sanction.RESTRICTING_KINDS:
        raise ComplaintRefused(_("A warning restricts nothing: there is nothing to complain about."))
    return Target(
        kind=Complainant.ACCOUNT_HOLDER,
        informed_at=sanction.created_at,
        key=f"user:{sanction.user_id}",
        sanction=sanction,
        user=sanction.user,
    )


@transaction.atomic
def complaint_file(*, target: Target, explanation: str, now: datetime.datetime | None = None) -> Complaint:
    """File a complaint: free, electronic, within the window, one open per decision per person.

    Steps: refuse an empty one, one after the window (at least six months after the person was
    told of the decision) and a second open one; record it, due within the published response
    period; audit; announce; tell the complainant it was received and when to expect the answer.
    """
    now = now or timezone.now()
    if not explanation.strip():
        raise ComplaintRefused(_("Say why you think the decision is wrong."))
    if now > target.window_ends:
        raise ComplaintRefused(
            _("Complaints about this decision could be made until %(date)s; that time has passed.")
            % {"date": timezone.localdate(target.window_ends).isoformat()}
        )
    if target.open_complaint() is not None:
        raise ComplaintRefused(_("You already have an open complaint about this decision."))
    due = now + datetime.timedelta(days=settings.APPEALS_RESPONSE_DAYS)
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                decision=target.decision,
                sanction=target.sanction,
                submission=target.submission,
                complainant_kind=target.kind,
                complainant=target.user,
                notice=target.notice,
                complainant_key=target.key,
                name=target.name,
                email=target.email,
                explanation=explanation.strip(),
                received_at=now,
                informed_at=target.informed_at,
                due_at=due,
                priority_rank=rank_for(0, now),
            )
    except IntegrityError as exc:  # a second one filed at the same moment
        raise ComplaintRefused(_("You already have an open complaint about this decision.")) from exc
    about = (
        {"decision": target.decision.pk, "outcome": target.decision.outcome}
        if target.decision
        else {"sanction": target.sanction.pk if target.sanction else None}
    )
    record_event(
        action="complaint.received",
        actor=target.user,
        target=target.submission or target.user,
        details={"complaint": complaint.pk, "complainant": target.kind, "due_at": due.isoformat(), **about},
    )
    emit(
        "complaint.received",
        submission=target.submission,
        data={"complaint": complaint.pk, "decision": about.get("decision"), "complainant": target.kind},
    )
    mail.complaint_received(complaint)
    return complaint


def open_complaints() -> QuerySet[Complaint]:
    return Complaint.objects.filter(state=Complaint.State.OPEN)


def require_qualified(user: User) -> None:
    """Complaints are answered by senior moderators (DSA Art. 20(6): qualified staff)."""
    if not user.is_senior_moderator:
        raise PermissionDenied(_("Only senior moderators answer complaints."))


def _require_answerable(complaint: Complaint, reviewer: User, now: datetime.datetime) -> None:
    if complaint.state != Complaint.State.OPEN:
        raise ReviewConflict(_("This complaint was answered already."))
    require_unheld(complaint, reviewer, now)
    if complaint.original_moderator_id == reviewer.pk:
        raise PermissionDenied(
            _("You took this decision: another senior moderator must answer the complaint.")
        )
    if complaint.complainant_id == reviewer.pk or (
        complaint.submission is not None and complaint.submission.contributor_id == reviewer.pk
    ):
        raise PermissionDenied(_("You cannot answer a complaint about your own content."))


def _answerable_by(reviewer: User) -> QuerySet[Complaint]:
    """Open complaints this reviewer may answer: not about their own decisions or content."""
    return (
        open_complaints()
        .exclude(decision__moderator=reviewer)
        .exclude(sanction__actor=reviewer)
        .exclude(complainant=reviewer)
        .exclude(submission__contributor=reviewer)
    )


def complaint_claim_next(*, reviewer: User) -> Complaint | None:
    """Claim the free complaint due first that the reviewer may answer."""
    require_qualified(reviewer)
    now = timezone.now()
    held = open_complaints().filter(claimed_by=reviewer, claim_expires_at__gt=now).order_by("due_at", "id")
    if (complaint := held.first()) is not None:
        return complaint
    with transaction.atomic():
        complaint = lease_next(
            free_rows(_answerable_by(reviewer), now).order_by("due_at", "id"), moderator=reviewer
        )
        if complaint is not None:
            record_event(
                action="complaint.claimed",
                actor=reviewer,
                target=complaint,
                details={"complaint": complaint.pk, "next": True},
            )
    return complaint


def _lock(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("decision", "sanction", "submission", "notice")
        .get(pk=complaint.pk)
    )


@transaction.atomic
def complaint_claim(*, complaint: Complaint, reviewer: User) -> Complaint:
    require_qualified(reviewer)
    locked = _lock(complaint)
    now = timezone.now()
    _require_answerable(locked, reviewer, now)
    if lease_hold(locked, moderator=reviewer, now=now):
        record_event(
            action="complaint.claimed", actor=reviewer, target=locked, details={"complaint": locked.pk}
        )
    return locked


@transaction.atomic
def complaint_release(*, complaint: Complaint, reviewer: User) -> None:
    if lease_release(Complaint.objects.filter(pk=complaint.pk), moderator=reviewer):
        record_event(
            action="complaint.released", actor=reviewer, target=complaint, details={"complaint": complaint.pk}
        )


@transaction.atomic
def complaint_decide(
    *,
    complaint: Complaint,
    reviewer: User,
    overturn: bool,
    resolution: str,
    expected_version: int,
    reason: PolicyReason | None = None,
    authority: AuthorityReport | None = None,
) -> Complaint:
    """Uphold or overturn the decision complained about; see the module docstring.

    Steps: only a senior moderator (403); lock the complaint; refuse an answered one, a stale page
    or one someone else holds (409); refuse the moderator who took the decision and anyone
    answering about their own content (403); refuse an answer without reasons; for an overturn,
    apply it at once; record the answer; audit; announce; send it to the complainant.
    """
    require_qualified(reviewer)
    locked = _lock(complaint)
    now = timezone.now()
    if locked.state != Complaint.State.OPEN:
        raise ReviewConflict(_("This complaint was answered already."))
    require_version(locked, expected_version)
    _require_answerable(locked, reviewer, now)
    if not resolution.strip():
        raise ComplaintRefused(_("Give the reasons of your answer: the complainant receives them."))
    result = (
        _overturn(locked, reviewer, resolution.strip(), reason, authority or AuthorityReport())
        if overturn
        else None
    )
    state = Complaint.State.OVERTURNED if overturn else Complaint.State.UPHELD
    Complaint.objects.filter(pk=locked.pk).update(
        state=state,
        reviewer=reviewer,
        resolution=resolution.strip(),
        decided_at=now,
        result_decision=result,
        claimed_by=None,
        claim_expires_at=None,
        version=F("version") + 1,
    )
    locked.refresh_from_db()
    record_event(
        action="complaint.decided",
        actor=reviewer,
        target=locked.submission or locked.complainant,
        details={
            "complaint": locked.pk,
            "outcome": state,
            "decision": locked.decision_id,
            "sanction": locked.sanction_id,
            "result_decision": result.pk if result else None,
            "on_time": locked.answered_on_time,
        },
    )
    emit(
        "complaint.decided",
        submission=locked.submission,
        data={
            "complaint": locked.pk,
            "decision": locked.decision_id,
            "outcome": state,
            "result_decision": result.pk if result else None,
        },
    )
    mail.complaint_answered(locked)
    locked.refresh_from_db()
    return locked


def _overturn(
    complaint: Complaint,
    reviewer: User,
    resolution: str,
    reason: PolicyReason | None,
    authority: AuthorityReport,
) -> Decision | None:
    """Apply an overturn; return the decision that did it (None when nothing was still in force)."""
    try:
        if complaint.sanction is not None:
            if complaint.sanction.lifted_at is None:
                sanction_lift(sanction=complaint.sanction, actor=reviewer, reason=resolution)
            return None
        decision = complaint.decision
        assert decision is not None
        if complaint.complainant_kind == Complainant.NOTIFIER:
            return _take_down_for_notifier(complaint, reviewer, resolution, reason, authority)
        return _reverse_for_contributor(decision, reviewer, resolution)
    except (TakedownRefused, RefutationRefused, SanctionError, InvalidTransition) as exc:
        raise ComplaintRefused(str(exc)) from exc


def _take_down_for_notifier(
    complaint: Complaint,
    reviewer: User,
    resolution: str,
    reason: PolicyReason | None,
    authority: AuthorityReport,
) -> Decision | None:
    assert complaint.submission_id is not None
    submission = Submission.objects.select_related("current_revision").get(pk=complaint.submission_id)
    if submission.status not in PUBLIC_STATUSES:
        return None  # already down
    if reason is None:
        raise ComplaintRefused(_("Choose the reason from the policy list: the content will be taken down."))
    notice = complaint.notice
    source = (
        DecisionSource.TRUSTED_FLAGGER
        if notice is not None and notice.trusted_flagger
        else DecisionSource.NOTICE
    )
    return publication_take_down(
        submission=submission,
        moderator=reviewer,
        request=TakedownRequest(reason=reason, explanation=resolution, source=source, authority=authority),
    )


def _reverse_for_contributor(decision: Decision, reviewer: User, resolution: str) -> Decision | None:
    submission = Submission.objects.select_for_update(of=("self",)).get(pk=decision.submission_id)
    outcome = decision.outcome
    if outcome in (DecisionOutcome.TAKEN_DOWN, DecisionOutcome.RESTRICTED):
        if decision.lifted_at is not None or submission.status not in (Status.TAKEN_DOWN, Status.RESTRICTED):
            return None
        return publication_reinstate(
            submission=submission, actor=reviewer, explanation=resolution, source=DecisionSource.COMPLAINT
        )
    if outcome == DecisionOutcome.REFUTED:
        refutation = Refutation.objects.filter(decision=decision, withdrawn_at__isnull=True).first()
        if refutation is None:
            return None
        refutation_withdraw(refutation=refutation, actor=reviewer, reason=resolution)
        return _reinstatement(decision, reviewer, resolution)
    # A rejection or a request for changes: published, if it still stands.
    newest = (
        Decision.objects.filter(submission=submission)
        .exclude(outcome__in=[DecisionOutcome.ESCALATED, DecisionOutcome.NO_ACTION])
        .order_by("-created_at", "-id")
        .first()
    )
    if submission.status != outcome or newest != decision:
        return None
    require_consent(submission)
    reinstated = _reinstatement(decision, reviewer, resolution)
    now = timezone.now()
    submission_transition(
        submission=submission,
        to=Status.PUBLISHING,
        actor=reviewer,
        action="complaint.overturned",
        from_=[outcome],
        details={"decision": reinstated.pk, "reverses": decision.pk},
        fields={"decided_at": now, "claimed_by": None, "claim_expires_at": None},
    )
    assert submission.current_revision is not None
    publication_runs_create(
        submission=submission, revision=submission.current_revision, requested_by=reviewer
    )
    emit(
        "publication.reinstated",
        submission=submission,
        data={"decision": reinstated.pk, "reverses": decision.pk},
    )
    return reinstated


def _reinstatement(decision: Decision, reviewer: User, resolution: str) -> Decision:
    now = timezone.now()
    Decision.objects.filter(pk=decision.pk).update(lifted_at=now)
    return Decision.objects.create(
        submission_id=decision.submission_id,
        revision_id=decision.revision_id,
        moderator=reviewer,
        outcome=DecisionOutcome.REINSTATED,
        explanation=resolution,
        source=DecisionSource.COMPLAINT,
        reverses=decision,
        created_at=now,
    )


def complaint_page_path(complaint: Complaint) -> str:
    return reverse("complaint_detail", args=[complaint.pk])
