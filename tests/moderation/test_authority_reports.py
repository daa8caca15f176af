"""A rejection or sanction on an illegal ground settles the report to the authority (DS Art. 10):
reported (with the date) or the reason why not. The review form carries the three fields."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.authority import AuthorityReport
from accounts.models import Sanction, User
from moderation.models import Decision, PolicyReason, Status, Submission
from moderation.review.claims import DecisionRefused
from moderation.review.decisions import SanctionRequest, review_decide
from tests.moderation.test_review import awaiting


def reject(item: Submission, mod: User, **kwargs: Any) -> Decision:
    item.refresh_from_db()
    return review_decide(
        submission=item,
        moderator=mod,
        outcome="rejected",
        expected_version=item.version,
        reason=PolicyReason.objects.get(code="label-tampering"),
        explanation="The AI label was cut out of the file.",
        **kwargs,
    )


def test_a_rejection_on_an_illegal_ground_is_refused_until_the_report_is_settled(
    alice: User, mod: User
) -> None:
    item = awaiting(alice)
    with pytest.raises(DecisionRefused, match="reported to the authority"):
        reject(item, mod)
    item.refresh_from_db()
    assert item.status == Status.AWAITING_REVIEW
    decision = reject(
        item, mod, authority=AuthorityReport(not_reported_reason="First offence, no harm done.")
    )
    assert (decision.reported_to_authority_at, decision.not_reported_reason) == (
        None,
        "First offence, no harm done.",
    )
    assert decision.authority_settled


def test_a_sanction_reported_with_the_rejection_settles_both(alice: User, mod: User) -> None:
    decision = reject(
        awaiting(alice), mod, sanction=SanctionRequest(kind="warning", reported_to_authority=True)
    )
    sanction = Sanction.objects.get(user=alice)
    assert decision.reported_to_authority_at is not None
    assert (sanction.reported_to_authority, sanction.ground) == (True, "illegal")


def test_an_incompatible_ground_needs_no_report(alice: User, mod: User) -> None:
    item = awaiting(alice)
    decision = review_decide(
        submission=item,
        moderator=mod,
        outcome="rejected",
        expected_version=item.version,
        reason=PolicyReason.objects.get(code="unlabelled-ai"),
        explanation="Declared as a photo.",
    )
    assert not decision.authority_settled


def test_the_review_form_records_the_report_date_and_reference(alice: User, mod_client: Client) -> None:
    item = awaiting(alice)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = mod_client.post(
        f"/review/items/{item.pk}/decide/",
        {
            "outcome": "rejected",
            "version": item.version,
            "reason": PolicyReason.objects.get(code="label-tampering").pk,
            "explanation": "The label was removed.",
            "reported_to_authority": "on",
            "reported_on": yesterday.isoformat(),
            "authority_reference": "CAC-2026-0042",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get(submission=item)
    assert timezone.localdate(decision.reported_to_authority_at) == yesterday
    assert decision.authority_reference == "CAC-2026-0042"


def test_the_review_form_says_what_is_missing(alice: User, mod_client: Client) -> None:
    item = awaiting(alice)
    response = mod_client.post(
        f"/review/items/{item.pk}/decide/",
        {
            "outcome": "rejected",
            "version": item.version,
            "reason": PolicyReason.objects.get(code="label-tampering").pk,
            "explanation": "The label was removed.",
        },
    )
    assert response.status_code == 400
    assert "say whether it was reported to the authority" in response.content.decode()
    assert 'id="authority-fields"' in response.content.decode()
