"""Complaints (DSA Art. 20, DS Art. 12): filed free and online for at least six months, due within
the published period, one open per decision per person, answered with reasons by a senior
moderator who did not take the decision, and an overturn applied at once."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.services import sanction_impose
from complaints.models import Complaint
from complaints.services import (
    ComplaintRefused,
    complaint_claim,
    complaint_claim_next,
    complaint_decide,
    complaint_file,
    target_for_contributor,
    target_for_notice,
    target_for_sanction,
)
from complaints.tokens import notice_complaint_url, sanction_complaint_url
from moderation.models import Decision, DecisionOutcome, PolicyReason, Refutation, Status, Submission
from moderation.publication.refutations import publication_refute
from moderation.publication.takedown import TakedownRequest, publication_take_down
from moderation.review.claims import ReviewConflict
from moderation.review.decisions import review_decide
from notices.services import CaseDecision, notice_case_claim, notice_case_decide
from tests.factories import make_user
from tests.moderation.test_review import awaiting
from tests.notices.builders import notice
from tests.published import publish_now, published, reason


@pytest.fixture
def other_senior(db: None) -> User:
    from accounts.roles import Role

    return make_user("sam", Role.SENIOR_MODERATOR)


def rejected(alice: User, moderator: User) -> Decision:
    item = awaiting(alice)
    return review_decide(
        submission=item,
        moderator=moderator,
        outcome="rejected",
        expected_version=item.version,
        reason=PolicyReason.objects.get(code="unlabelled-ai"),
        explanation="Declared as a photo, but generated.",
    )


def file(
    decision: Decision, user: User, text: str = "It is a photo: here is the raw file.", **kwargs: Any
) -> Complaint:
    return complaint_file(target=target_for_contributor(decision, user), explanation=text, **kwargs)


def answer(complaint: Complaint, reviewer: User, *, overturn: bool, **kwargs: Any) -> Complaint:
    held = complaint_claim(complaint=complaint, reviewer=reviewer)
    return complaint_decide(
        complaint=complaint,
        reviewer=reviewer,
        overturn=overturn,
        resolution=kwargs.pop("resolution", "We looked at the raw file again."),
        expected_version=held.version,
        **kwargs,
    )


def test_R38_a_complaint_is_filed_free_online_and_answered_by_a_different_qualified_person(
    alice: User,
    senior: User,
    other_senior: User,
    alice_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    decision = rejected(alice, senior)
    # Filed electronically, free, from the decision's own page.
    page = alice_client.get(f"/submissions/{decision.submission_id}/").content.decode()
    assert f'href="/complaints/decisions/{decision.pk}/"' in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            f"/complaints/decisions/{decision.pk}/", {"explanation": "It is a real photo."}
        )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.complainant, complaint.decision, complaint.complainant_kind) == (
        alice,
        decision,
        "contributor",
    )
    assert mail.outbox[0].subject == f"We received your complaint {complaint.reference}"
    # Open for at least six months after the decision notice.
    assert target_for_contributor(decision, alice).window_ends >= decision.created_at + timedelta(days=183)
    # Not the person who took the decision; not solely automated: a named senior moderator.
    with pytest.raises(PermissionDenied, match="You took this decision"):
        answer(complaint, senior, overturn=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answered = answer(
            complaint, other_senior, overturn=True, resolution="The raw file shows a real photo."
        )
    assert (answered.state, answered.reviewer, answered.resolution) == (
        "overturned",
        other_senior,
        "The raw file shows a real photo.",
    )
    # Reasoned, naming the out-of-court settlement bodies.
    answer_mail = next(m for m in mail.outbox if "answer to your complaint" in m.subject)
    assert "The raw file shows a real photo." in answer_mail.body and "sam" in answer_mail.body
    assert "out-of-court dispute settlement body" in answer_mail.body
    # The reversal applied at once: published again through the publication job (run after commit).
    item = Submission.objects.get(pk=decision.submission_id)
    reinstated = answered.result_decision
    assert (reinstated.outcome, reinstated.reverses, reinstated.moderator) == (
        DecisionOutcome.REINSTATED,
        decision,
        other_senior,
    )
    assert (item.status, item.is_published) == (Status.APPROVED, True)
    assert item.publication_runs.get().requested_by == other_senior


def test_a_complaint_after_six_months_is_refused(alice: User, senior: User) -> None:
    decision = rejected(alice, senior)
    later = decision.created_at + timedelta(days=183, minutes=1)
    with pytest.raises(ComplaintRefused, match="that time has passed"):
        file(decision, alice, now=later)
    assert file(decision, alice, now=decision.created_at + timedelta(days=182)).pk


def test_one_open_complaint_per_decision_per_person(alice: User, senior: User, other_senior: User) -> None:
    decision = rejected(alice, senior)
    first = file(decision, alice)
    with pytest.raises(ComplaintRefused, match="already have an open complaint"):
        file(decision, alice, text="Again.")
    answer(first, other_senior, overturn=False)
    assert file(decision, alice, text="New evidence attached.").pk != first.pk


def test_R30_every_complaint_is_due_after_the_published_period_and_answered_in_time(
    alice: User, senior: User, other_senior: User, settings: Any
) -> None:
    settings.APPEALS_RESPONSE_DAYS = 10
    complaint = file(rejected(alice, senior), alice)
    assert complaint.due_at == complaint.received_at + timedelta(days=10)
    assert complaint.sla_state().value == "on_track"
    answered = answer(complaint, other_senior, overturn=False)
    assert answered.answered_on_time is True
    assert answered.answer_sent_at is not None and answered.answer_sent_at <= answered.due_at


def test_only_senior_moderators_answer(alice: User, senior: User, mod: User) -> None:
    complaint = file(rejected(alice, senior), alice)
    with pytest.raises(PermissionDenied, match="Only senior moderators"):
        complaint_claim(complaint=complaint, reviewer=mod)


def test_upholding_changes_nothing_but_the_complaint(alice: User, senior: User, other_senior: User) -> None:
    decision = rejected(alice, senior)
    answered = answer(file(decision, alice), other_senior, overturn=False, resolution="The metadata says AI.")
    assert (answered.state, answered.result_decision) == ("upheld", None)
    assert Submission.objects.get(pk=decision.submission_id).status == Status.REJECTED


def test_an_answer_needs_reasons(alice: User, senior: User, other_senior: User) -> None:
    complaint = file(rejected(alice, senior), alice)
    with pytest.raises(ComplaintRefused, match="reasons"):
        answer(complaint, other_senior, overturn=False, resolution=" ")


def test_claims_follow_the_review_rules(alice: User, senior: User, other_senior: User, ada: User) -> None:
    complaint = file(rejected(alice, senior), alice)
    assert complaint_claim_next(reviewer=senior) is None  # the one who decided never gets it
    assert complaint_claim_next(reviewer=other_senior) == complaint
    with pytest.raises(ReviewConflict, match="sam is reviewing"):
        complaint_claim(complaint=complaint, reviewer=ada)
    with pytest.raises(ReviewConflict, match="changed since"):
        complaint_decide(
            complaint=complaint, reviewer=other_senior, overturn=False, resolution="x", expected_version=0
        )


def test_overturning_a_takedown_publishes_again(alice: User, mod: User, senior: User) -> None:
    item = published(alice, mod)
    taken = publication_take_down(
        submission=item,
        moderator=mod,
        request=TakedownRequest(reason=reason(), explanation="Imitates a person."),
    )
    answered = answer(file(taken, alice), senior, overturn=True, resolution="It is satire, and says so.")
    item.refresh_from_db()
    assert item.status == Status.PUBLISHING and answered.result_decision.reverses == taken
    publish_now(item)
    assert item.status == Status.APPROVED


def test_overturning_a_refutation_withdraws_it(alice: User, mod: User, senior: User) -> None:
    item = published(alice, mod)
    refutation = publication_refute(
        submission=item, moderator=mod, reason=reason("fake-news"), text="False.", explanation="Checked."
    )
    answer(
        file(refutation.decision, alice), senior, overturn=True, resolution="The agency confirmed the story."
    )
    refutation.refresh_from_db()
    assert refutation.withdrawn_at is not None and refutation.withdrawn_by == senior
    assert Refutation.objects.count() == 1


def test_a_notifier_complains_by_link_and_an_overturn_takes_the_content_down(
    alice: User, mod: User, senior: User, django_capture_on_commit_callbacks: Any
) -> None:
    item = published(alice, mod)
    sent = notice(item)
    case = notice_case_claim(case=sent.case, moderator=mod)
    with django_capture_on_commit_callbacks(execute=True):
        notice_case_decide(
            case=case,
            moderator=mod,
            decision=CaseDecision(outcome="no_action", reasons="Looks like parody."),
            expected_version=case.version,
        )
    link = notice_complaint_url(sent).removeprefix("http://127.0.0.1:8000")
    assert link in mail.outbox[-1].body
    page = Client().get(link)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert Client().post(link, {"explanation": "It is not parody: it names me."}).status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.complainant_kind, complaint.email, complaint.complainant) == (
        "notifier",
        "nina@example.com",
        None,
    )
    with pytest.raises(PermissionDenied):
        answer(complaint, mod, overturn=True)  # a moderator, and the one who decided
    with pytest.raises(ComplaintRefused, match="Choose the reason"):
        answer(complaint, senior, overturn=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answered = answer(
            complaint, senior, overturn=True, reason=reason(), resolution="It names a real person."
        )
    item.refresh_from_db()
    taken = answered.result_decision
    assert item.status == Status.TAKEN_DOWN
    assert (taken.outcome, taken.source, taken.moderator) == (DecisionOutcome.TAKEN_DOWN, "notice", senior)
    assert taken.statement["facts"] == "It names a real person."  # a new statement of reasons
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "nina@example.com"]


def test_a_notifier_may_not_complain_before_the_decision_or_after_a_takedown(alice: User, mod: User) -> None:
    sent = notice(published(alice, mod))
    with pytest.raises(ComplaintRefused, match="not been decided"):
        target_for_notice(sent)
    case = notice_case_claim(case=sent.case, moderator=mod)
    notice_case_decide(
        case=case,
        moderator=mod,
        decision=CaseDecision(outcome="taken_down", reasons="Removed.", reason=reason()),
        expected_version=case.version,
    )
    sent.refresh_from_db()
    with pytest.raises(ComplaintRefused, match="taken down as you asked"):
        target_for_notice(sent)


def test_an_account_holder_complains_by_link_and_an_overturn_lifts_the_sanction(
    uma: User, mod: User, senior: User
) -> None:
    sanction = sanction_impose(user=uma, kind="suspension", reason="Repeated deepfakes.", actor=mod)
    link = sanction_complaint_url(sanction).removeprefix("http://127.0.0.1:8000")
    assert Client().post(link, {"explanation": "They were labelled."}).status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.sanction, complaint.complainant, complaint.submission) == (sanction, uma, None)
    answer(complaint, senior, overturn=True, resolution="The labels were there.")
    sanction.refresh_from_db()
    assert sanction.lifted_at is not None and sanction.lifted_by == senior


def test_a_warning_or_an_approval_is_nothing_to_complain_about(alice: User, mod: User) -> None:
    warning = sanction_impose(user=alice, kind="warning", reason="Label.", actor=mod)
    with pytest.raises(ComplaintRefused):
        target_for_sanction(warning)
    approval = Decision.objects.get(submission=published(alice, mod), outcome="approved")
    with pytest.raises(ComplaintRefused, match="does not restrict"):
        target_for_contributor(approval, alice)


def test_a_forged_link_is_refused(db: None) -> None:
    assert Client().get("/complaints/link/forged/").status_code == 400


def test_only_the_contributor_complains_about_their_decision(alice: User, bob: User, senior: User) -> None:
    with pytest.raises(PermissionDenied):
        target_for_contributor(rejected(alice, senior), bob)


def test_the_contributor_sees_the_complaint_and_the_answer_in_the_history(
    alice: User, senior: User, other_senior: User, alice_client: Client
) -> None:
    decision = rejected(alice, senior)
    answer(file(decision, alice), other_senior, overturn=False, resolution="The metadata says AI.")
    page = alice_client.get(f"/submissions/{decision.submission_id}/").content.decode()
    assert "Complaint C-" in page and "The metadata says AI." in page
    assert "sam" not in page  # moderators stay unnamed to contributors
    assert timezone.now()  # the page rendered with the timeline


def test_the_complaint_window_cannot_be_set_below_six_months() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "COMPLAINTS_WINDOW_DAYS": "90", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "COMPLAINTS_WINDOW_DAYS must be at least 183" in result.stderr
