"""The revise form shows what the moderator asked for, and a contributor corrects a wrongly declared
item before anyone decides (issue 11, rough edge 5)."""

from typing import Any

from django.test import Client

from accounts.models import User
from moderation.models import DecisionOutcome, PolicyReason, Status, Submission
from moderation.review.claims import review_claim
from tests.moderation.test_review import awaiting, decide
from tests.moderation.test_review_views import ai_file


def test_the_revise_form_shows_what_the_moderator_asked_for(
    alice: User, mod: User, alice_client: Client
) -> None:
    item = awaiting(alice)
    decide(
        item,
        mod,
        DecisionOutcome.CHANGES_REQUESTED,
        reason=PolicyReason.objects.get(code="add-context"),
        explanation="Say where and when the photo was taken.",
    )
    alice_client.post(f"/submissions/{item.pk}/revise/")
    page = alice_client.get(f"/submissions/{item.pk}/edit/").content.decode()
    assert 'id="changes-asked"' in page
    assert "Add a caption or context" in page
    assert "Say where and when the photo was taken." in page


def test_a_first_draft_shows_no_request(alice: User, alice_client: Client) -> None:
    response = alice_client.get("/submissions/new/")
    assert 'id="changes-asked"' not in response.content.decode()


def test_it_corrects_a_wrong_declaration_before_a_decision(
    bob: User, bob_client: Client, run_commit_hooks: Any
) -> None:
    item = awaiting(bob, files=[ai_file()], declared_ai=False)
    assert item.has_blocking_findings
    detail = bob_client.get(f"/submissions/{item.pk}/").content.decode()
    assert 'id="correct"' in detail
    response = bob_client.post(f"/submissions/{item.pk}/revise/")
    assert response.status_code == 302 and response.url == f"/submissions/{item.pk}/edit/"
    item.refresh_from_db()
    assert item.status == Status.DRAFT and item.current_revision.number == 2
    assert item.current_revision.declared_ai is False  # a copy, to correct
    item.current_revision.declared_ai = True
    item.current_revision.save(update_fields=["declared_ai"])
    with run_commit_hooks(execute=True):
        bob_client.post(f"/submissions/{item.pk}/submit/")
    item.refresh_from_db()
    assert item.status == Status.AWAITING_REVIEW
    assert not item.contradicts_declaration


def test_it_does_not_pull_back_an_item_a_moderator_holds(
    alice: User, mod: User, alice_client: Client
) -> None:
    item = awaiting(alice)
    review_claim(submission=item, moderator=mod)
    response = alice_client.post(f"/submissions/{item.pk}/revise/", follow=True)
    assert "A moderator is reviewing it right now" in response.content.decode()
    assert Submission.objects.get(pk=item.pk).status == Status.AWAITING_REVIEW
