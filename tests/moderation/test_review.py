"""Review services: claiming under a lease, and every decision rule, including the refused ones."""

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.authority import AuthorityReport
from accounts.models import Sanction, User
from audit.models import AuditEvent
from labels.engine import inspect_file
from moderation.intake.services import submission_start_revision
from moderation.models import (
    Decision,
    DecisionOutcome,
    PolicyReason,
    PublishedRendition,
    Queue,
    Status,
    Submission,
)
from moderation.pipeline.services import check_run_execute
from moderation.review.claims import (
    DecisionRefused,
    ReviewConflict,
    review_claim,
    review_claim_next,
    review_release,
)
from moderation.review.decisions import SanctionRequest, review_decide
from notifications.models import Notification
from tests.media_samples import upload
from tests.moderation.builders import person, submitted, unique_image

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "media" / "corpus"


def awaiting(contributor: User, **kwargs: Any) -> Submission:
    """Submitted and checked, as a worker would: the item waits in the review queue."""
    submission = submitted(contributor, **kwargs)
    for run in submission.check_runs.all():
        check_run_execute(run_id=run.pk, worker="test")
    submission.refresh_from_db()
    assert submission.status == Status.AWAITING_REVIEW
    return submission


def reason(code: str = "unlabelled-ai") -> PolicyReason:
    return PolicyReason.objects.get(code=code)


def decide(item: Submission, moderator: User, outcome: str, **kwargs: Any) -> Decision:
    item.refresh_from_db()
    return review_decide(
        submission=item, moderator=moderator, outcome=outcome, expected_version=item.version, **kwargs
    )


# --- Claiming ----------------------------------------------------------------------------------


def test_it_claims_the_highest_priority_item_first(alice: User, bob: User, mod: User, senior: User) -> None:
    plain = awaiting(alice)
    blocked = awaiting(
        bob, files=[upload("ai.jpg", (CORPUS / "generated/c2pa_trainedAlgorithmicMedia.jpg").read_bytes())]
    )
    assert blocked.has_blocking_findings and blocked.priority_score > plain.priority_score
    first = review_claim_next(moderator=mod)
    second = review_claim_next(moderator=senior)
    assert (first.pk, second.pk) == (blocked.pk, plain.pk)
    assert first.claimed_by == mod and first.claim_expires_at > timezone.now()
    assert review_claim_next(moderator=mod).pk == blocked.pk  # you keep what you hold
    review_release(submission=first, moderator=mod)
    assert AuditEvent.objects.filter(action="review.claimed").count() == 2
    assert AuditEvent.objects.filter(action="review.released", actor=mod).count() == 1


def test_it_returns_nothing_when_the_queue_is_empty(mod: User) -> None:
    assert review_claim_next(moderator=mod) is None


def test_it_never_hands_a_moderator_their_own_submission(alice: User) -> None:
    awaiting(alice)
    from accounts.roles import Role
    from accounts.services import user_set_role

    user_set_role(user=alice, role=Role.MODERATOR, actor=None)  # promoted after submitting
    alice = User.objects.get(pk=alice.pk)
    assert review_claim_next(moderator=alice) is None


def test_it_refuses_a_claim_someone_else_holds(alice: User, mod: User, senior: User) -> None:
    item = awaiting(alice)
    review_claim(submission=item, moderator=mod)
    with pytest.raises(ReviewConflict, match=r"mod is reviewing this item\."):
        review_claim(submission=item, moderator=senior)


def test_it_lets_an_expired_claim_go(alice: User, mod: User, senior: User) -> None:
    item = awaiting(alice)
    review_claim(submission=item, moderator=mod)
    Submission.objects.filter(pk=item.pk).update(
        claim_expires_at=timezone.now() - timezone.timedelta(seconds=1)
    )
    assert review_claim_next(moderator=senior).pk == item.pk


def test_it_keeps_moderators_out_of_the_escalated_queue(mod: User) -> None:
    with pytest.raises(PermissionDenied):
        review_claim_next(moderator=mod, queue=Queue.ESCALATED)


# --- Approving ---------------------------------------------------------------------------------


def test_it_approves_and_publishes_with_labels(
    alice: User, mod: User, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    item = awaiting(alice, declared_ai=True, files=[unique_image()], body="A story.")
    review_claim(submission=item, moderator=mod)
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(item, mod, DecisionOutcome.APPROVED)
    item.refresh_from_db()
    assert (item.status, item.claimed_by, item.is_published) == (Status.APPROVED, None, True)
    assert decision.statement == {}
    image, text = PublishedRendition.objects.filter(submission=item).order_by("id")
    assert image.tier == "possible" and image.explicit_label.startswith("可能为AI生成合成内容")
    report = inspect_file(default_storage.path(image.file.name))
    assert report.tc260.count == 1
    label = report.tc260_labels[0].fields
    assert (label["Label"], label["ContentPropagator"]) == ("2", "Provenant")
    assert label["PropagateID"] == f"provenant-{item.pk}-r1-m{image.media_id}"
    assert (
        text.text.startswith("【可能为AI生成合成内容") or "可能为AI生成合成内容" in text.text.splitlines()[0]
    )
    # The original upload is untouched.
    assert image.media.file.name != image.file.name
    event = AuditEvent.objects.get(action="review.decided")
    assert (event.actor, event.details["outcome"], event.details["override"]) == (mod, "approved", False)
    assert (
        Notification.objects.get(user=alice).subject
        == f"Your submission #{item.pk} was approved and published"
    )
    assert len(mailoutbox) == 1


def test_it_refuses_approval_over_blocking_findings_for_a_moderator(bob: User, mod: User) -> None:
    item = awaiting(
        bob, files=[upload("ai.jpg", (CORPUS / "generated/c2pa_trainedAlgorithmicMedia.jpg").read_bytes())]
    )
    with pytest.raises(DecisionRefused, match=r"blocking finding"):
        decide(item, mod, DecisionOutcome.APPROVED)
    item.refresh_from_db()
    assert item.status == Status.AWAITING_REVIEW
    assert not Decision.objects.exists()


def test_it_lets_a_senior_override_blocking_findings_in_writing(bob: User, senior: User) -> None:
    item = awaiting(
        bob, files=[upload("ai.jpg", (CORPUS / "generated/c2pa_trainedAlgorithmicMedia.jpg").read_bytes())]
    )
    with pytest.raises(DecisionRefused, match=r"Write why you approve over the blocking findings\."):
        decide(item, senior, DecisionOutcome.APPROVED)
    decision = decide(
        item,
        senior,
        DecisionOutcome.APPROVED,
        override_reason="The contributor confirmed by phone the image is AI; tier is confirmed.",
    )
    assert decision.override_reason.startswith("The contributor confirmed")
    assert AuditEvent.objects.get(action="review.decided").details["override"] is True


def test_it_refuses_approval_without_consent_even_for_a_senior(alice: User, senior: User) -> None:
    item = awaiting(
        alice, no_real_person=False, persons=[person()], categories=["face_swap"], declared_ai=True
    )
    with pytest.raises(DecisionRefused, match=r"Approval is impossible while consent is missing: Carol Chen"):
        decide(item, senior, DecisionOutcome.APPROVED, override_reason="I am sure.")
    assert not Decision.objects.exists()


def test_it_refuses_approval_while_checks_run(alice: User, mod: User) -> None:
    item = awaiting(alice)
    from moderation.pipeline.services import checks_rerun

    checks_rerun(submission=item, actor=mod, kinds=["label"])
    Submission.objects.filter(pk=item.pk).update(status=Status.AWAITING_REVIEW)  # as if a page was stale
    with pytest.raises(DecisionRefused, match=r"Checks are still running"):
        decide(item, mod, DecisionOutcome.APPROVED)


# --- Rejecting, changes, escalation ------------------------------------------------------------


def test_it_rejects_with_a_statement_of_reasons(alice: User, mod: User) -> None:
    item = awaiting(alice, region="eu")
    decision = decide(
        item,
        mod,
        DecisionOutcome.REJECTED,
        reason=reason("fake-news"),
        explanation="The photo shows an event that did not happen.",
        authority=AuthorityReport(not_reported_reason="A private photo, no public circulation."),
    )
    item.refresh_from_db()
    assert item.status == Status.REJECTED and not item.is_published
    s = decision.statement
    assert s["restriction"] == "The content will not be published."
    assert (s["territorial_scope"], s["duration"]) == ("the European Union", "indefinite")
    assert s["facts"] == "The photo shows an event that did not happen."
    assert s["automated_detection"] == "No automated check flagged the content."
    assert s["automated_decision"] == "No: a human moderator decided."
    assert s["ground"] == "Illegal content: Deep Synthesis Provisions Art. 6"
    assert "out-of-court dispute settlement body (DSA Art. 21)" in s["redress"]
    assert s["tdb"]["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert s["tdb"]["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert s["tdb"]["territorial_scope"] == ["EU"]
    note = Notification.objects.get(user=alice)
    assert "Statement of reasons" in note.body and "How to appeal" in note.body


def test_it_cites_automated_findings_in_the_statement(bob: User, mod: User) -> None:
    item = awaiting(
        bob, files=[upload("ai.jpg", (CORPUS / "generated/c2pa_trainedAlgorithmicMedia.jpg").read_bytes())]
    )
    decision = decide(
        item, mod, DecisionOutcome.REJECTED, reason=reason(), explanation="Declared as authentic."
    )
    assert decision.statement["automated_detection"].startswith("Yes")
    assert "Blocking: " in decision.statement["facts"]
    assert decision.statement["tdb"]["content_type"] == ["CONTENT_TYPE_SYNTHETIC_MEDIA"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "Choose a reason from the policy list."),
        ({"reason": "unlabelled-ai"}, "Explain the decision to the contributor"),
    ],
)
def test_it_refuses_a_rejection_without_reason_or_explanation(
    alice: User, mod: User, kwargs: dict, message: str
) -> None:
    item = awaiting(alice)
    if "reason" in kwargs:
        kwargs["reason"] = reason(kwargs["reason"])
    with pytest.raises(DecisionRefused, match=message):
        decide(item, mod, DecisionOutcome.REJECTED, **kwargs)


def test_it_imposes_a_sanction_with_a_rejection(alice: User, mod: User) -> None:
    item = awaiting(alice)
    decide(
        item,
        mod,
        DecisionOutcome.REJECTED,
        reason=reason(),
        explanation="Hidden AI again.",
        sanction=SanctionRequest(kind="restriction", days=7),
    )
    sanction = Sanction.objects.get(user=alice)
    assert (sanction.kind, sanction.evidence_submission_ids, sanction.actor) == (
        "restriction",
        [item.pk],
        mod,
    )
    assert sanction.expires_at is not None


def test_it_requests_changes_and_the_contributor_revises(alice: User, mod: User) -> None:
    item = awaiting(alice)
    decide(
        item, mod, DecisionOutcome.CHANGES_REQUESTED, reason=reason("quality"), explanation="Crop the logo."
    )
    item.refresh_from_db()
    assert item.status == Status.CHANGES_REQUESTED
    submission_start_revision(submission=item, actor=alice)
    item.refresh_from_db()
    assert item.current_revision.number == 2
    assert Decision.objects.get().revision.number == 1


def test_it_escalates_to_senior_moderators(
    alice: User, mod: User, senior: User, run_commit_hooks: Any
) -> None:
    item = awaiting(alice)
    with pytest.raises(DecisionRefused, match=r"Say why you escalate"):
        decide(item, mod, DecisionOutcome.ESCALATED)
    review_claim(submission=item, moderator=mod)
    decide(item, mod, DecisionOutcome.ESCALATED, note="Looks like a known politician.")
    item.refresh_from_db()
    assert (item.status, item.queue, item.claimed_by) == (Status.AWAITING_REVIEW, Queue.ESCALATED, None)
    assert item.due_at == item.awaiting_since + timezone.timedelta(hours=48)
    assert not Notification.objects.filter(user=alice).exists()
    with pytest.raises(PermissionDenied):
        decide(item, mod, DecisionOutcome.APPROVED)
    with run_commit_hooks(execute=True):  # the publication runs after commit
        decide(item, senior, DecisionOutcome.APPROVED)
    item.refresh_from_db()
    assert item.status == Status.APPROVED


# --- Conflicts ---------------------------------------------------------------------------------


def test_it_refuses_a_decision_on_an_item_someone_else_holds(alice: User, mod: User, senior: User) -> None:
    item = awaiting(alice)
    review_claim(submission=item, moderator=senior)
    with pytest.raises(ReviewConflict, match=r"senior is reviewing this item\."):
        decide(item, mod, DecisionOutcome.APPROVED)


def test_it_refuses_a_decision_on_a_changed_item(alice: User, mod: User, senior: User) -> None:
    item = awaiting(alice)
    seen = item.version
    decide(item, senior, DecisionOutcome.APPROVED)
    with pytest.raises(ReviewConflict, match=r"changed since you opened it"):
        review_decide(
            submission=item,
            moderator=mod,
            outcome=DecisionOutcome.REJECTED,
            expected_version=seen,
            reason=reason(),
            explanation="x",
        )
    assert Decision.objects.count() == 1


def test_it_never_applies_a_decision_twice(alice: User, mod: User, run_commit_hooks: Any) -> None:
    item = awaiting(alice)
    version = item.version
    with run_commit_hooks(execute=True):  # the publication runs after commit
        review_decide(
            submission=item, moderator=mod, outcome=DecisionOutcome.APPROVED, expected_version=version
        )
    with pytest.raises(ReviewConflict):
        review_decide(
            submission=item, moderator=mod, outcome=DecisionOutcome.APPROVED, expected_version=version
        )
    assert Decision.objects.count() == 1
    assert PublishedRendition.objects.filter(submission=item).count() == 1


def test_it_refuses_to_let_contributors_review(alice: User, bob: User) -> None:
    item = awaiting(alice)
    with pytest.raises(PermissionDenied):
        decide(item, bob, DecisionOutcome.APPROVED)
