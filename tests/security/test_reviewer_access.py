"""What a regular moderator may not reach through the contributor's URLs (issue 12): a draft never
submitted is the contributor's alone, an escalated item is for senior moderators, re-running its
checks too."""

import pytest
from django.test import Client

from accounts.models import User
from moderation.models import CheckRun, DecisionOutcome, PolicyReason, Submission
from moderation.review.claims import review_claim
from moderation.review.decisions import review_decide
from tests.moderation.builders import draft, unique_image
from tests.moderation.test_review import awaiting


def escalate(item: Submission, moderator: User) -> Submission:
    review_claim(submission=item, moderator=moderator)
    item.refresh_from_db()
    review_decide(
        submission=item,
        moderator=moderator,
        outcome=DecisionOutcome.ESCALATED,
        expected_version=item.version,
        note="A known politician?",
    )
    item.refresh_from_db()
    return item


@pytest.mark.parametrize("suffix", ["", "checks.json", "media/{media}/", "media/{media}/thumbnail/"])
def test_it_hides_an_unsubmitted_draft_from_every_reviewer(
    suffix: str, alice: User, mod_client: Client, senior_client: Client, alice_client: Client
) -> None:
    item = draft(alice, files=[unique_image()])
    media = item.current_revision.media.get()
    path = f"/submissions/{item.pk}/" + suffix.format(media=media.pk)
    assert alice_client.get(path).status_code == 200
    assert mod_client.get(path).status_code == 404
    assert senior_client.get(path).status_code == 404
    assert mod_client.get(f"/review/items/{item.pk}/").status_code == 404


def test_it_keeps_an_escalated_item_for_senior_moderators(
    alice: User, mod: User, mod_client: Client, senior_client: Client
) -> None:
    item = escalate(awaiting(alice, files=[unique_image()]), mod)
    assert mod_client.get(f"/submissions/{item.pk}/").status_code == 403
    assert senior_client.get(f"/submissions/{item.pk}/").status_code == 200
    runs = CheckRun.objects.filter(submission=item).count()
    assert mod_client.post(f"/submissions/{item.pk}/rerun-checks/").status_code == 403
    assert CheckRun.objects.filter(submission=item).count() == runs
    assert senior_client.post(f"/submissions/{item.pk}/rerun-checks/").status_code == 302


def test_it_still_shows_a_revised_draft_to_the_moderator_who_asked_for_changes(
    alice: User, mod: User, mod_client: Client, alice_client: Client
) -> None:
    item = awaiting(alice, files=[unique_image()])
    review_claim(submission=item, moderator=mod)
    item.refresh_from_db()
    review_decide(
        submission=item,
        moderator=mod,
        outcome=DecisionOutcome.CHANGES_REQUESTED,
        expected_version=item.version,
        reason=PolicyReason.objects.get(code="unlabelled-ai"),
        explanation="Please add the source.",
    )
    assert alice_client.post(f"/submissions/{item.pk}/revise/").status_code == 302
    item.refresh_from_db()
    assert item.status == "draft" and item.submitted_at is not None
    assert mod_client.get(f"/submissions/{item.pk}/").status_code == 200
