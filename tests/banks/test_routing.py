"""What a bank's action does to the item: "escalate" sends it to the senior queue, "block" makes a
blocking finding a moderator cannot approve over, "flag" only warns. And the add-to-bank form is
on the review page for moderators."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from banks.models import Action, Bank
from banks.services import bank_add_from_submission
from moderation.models import DecisionOutcome, Queue, Submission
from moderation.review.claims import DecisionRefused
from moderation.review.decisions import review_decide
from tests.banks.conftest import disguised_bytes, original_bytes, submit_file


def banked(alice: User, mod: User, action: str, capture: Any) -> Bank:
    bank = Bank.objects.create(name=f"{action} bank", purpose="-", action=action)
    earlier = submit_file(alice, "lake.jpg", original_bytes())
    with capture(execute=True):
        bank_add_from_submission(submission=earlier, actor=mod, banks=[bank])
    return bank


def approve(item: Submission, moderator: User, **kwargs: Any) -> None:
    item.refresh_from_db()
    review_decide(
        submission=item,
        moderator=moderator,
        outcome=DecisionOutcome.APPROVED,
        expected_version=item.version,
        **kwargs,
    )


def test_an_escalating_bank_sends_the_match_to_the_senior_queue(
    alice: User, bob: User, mod: User, senior: User, django_capture_on_commit_callbacks: Any
) -> None:
    banked(alice, mod, Action.ESCALATE, django_capture_on_commit_callbacks)

    copy = submit_file(bob, "copy.jpg", disguised_bytes())

    assert copy.queue == Queue.ESCALATED
    assert copy.due_at == copy.awaiting_since + timedelta(hours=48)
    event = AuditEvent.objects.filter(action="submission.awaiting_review", target_id=str(copy.pk)).get()
    assert event.details["queue"] == "escalated"
    with pytest.raises(Exception, match="Only senior moderators work the escalated queue"):
        approve(copy, mod)
    with pytest.raises(DecisionRefused, match="Write why you approve over the blocking findings"):
        approve(copy, senior)


def test_a_blocking_bank_keeps_the_queue_and_blocks_approval(
    alice: User, bob: User, mod: User, django_capture_on_commit_callbacks: Any
) -> None:
    banked(alice, mod, Action.BLOCK, django_capture_on_commit_callbacks)

    copy = submit_file(bob, "copy.jpg", disguised_bytes())

    assert (copy.queue, copy.has_blocking_findings) == (Queue.REVIEW, True)
    with pytest.raises(DecisionRefused, match=r"1 blocking finding\(s\) stand"):
        approve(copy, mod)


def test_a_flagging_bank_only_warns(
    alice: User, bob: User, mod: User, django_capture_on_commit_callbacks: Any
) -> None:
    banked(alice, mod, Action.FLAG, django_capture_on_commit_callbacks)

    copy = submit_file(bob, "copy.jpg", disguised_bytes())

    assert (copy.queue, copy.has_blocking_findings) == (Queue.REVIEW, False)


def test_the_review_page_has_the_add_to_bank_form(
    alice: User, mod: User, mod_client: Client, alice_client: Client, bank: Bank
) -> None:
    item = submit_file(alice, "lake.jpg", original_bytes())

    page = mod_client.get(f"/review/items/{item.pk}/").content.decode()

    assert f'action="/review/items/{item.pk}/banks/add/"' in page
    assert "Add to a known-content bank" in page
    assert alice_client.get(f"/review/items/{item.pk}/").status_code == 403  # not for the contributor
