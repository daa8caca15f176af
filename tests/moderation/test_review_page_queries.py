"""The review page reads a fixed number of queries, however much the item and its contributor
carry (findings, notes, earlier submissions, decisions)."""

from typing import Any

from django.test import Client

from accounts.models import User
from moderation.models import PolicyReason
from moderation.review.claims import review_claim
from moderation.review.decisions import review_add_note, review_decide
from tests.media_samples import upload
from tests.moderation.builders import person, unique_image
from tests.moderation.test_review import CORPUS, awaiting

# Session and user, the item, its runs and findings, notes, earlier submissions and their
# decisions, sanctions, strikes, verification, the blur setting, the two neighbours, the
# latest publication run, the consent panel, the history (decisions, revisions, publications,
# refutations, notices, complaints), the deepfake mark, the add-to-bank form (files, banks) and
# the page chrome (reasons, unread notifications); whether Approve can succeed (the consent gaps,
# read live: 5) and the reason the findings suggest (1).
REVIEW_PAGE_QUERIES = 41


def _page(client: Client, pk: int, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(REVIEW_PAGE_QUERIES):
        response = client.get(f"/review/items/{pk}/")
    assert response.status_code == 200


def item_with_people(alice: User) -> Any:
    ai = upload("ai.jpg", (CORPUS / "generated/c2pa_trainedAlgorithmicMedia.jpg").read_bytes())
    return awaiting(
        alice,
        files=[unique_image(), ai],
        persons=[person(), person("Dan Du", email="dan@example.com")],
        no_real_person=False,
        declared_ai=True,
        categories=["face_swap"],
    )


def rejected_earlier(alice: User, mod: User, count: int) -> None:
    for _ in range(count):
        earlier = awaiting(alice, files=[unique_image()])
        review_decide(
            submission=earlier,
            moderator=mod,
            outcome="rejected",
            expected_version=earlier.version,
            reason=PolicyReason.objects.get(code="unlabelled-ai"),
            explanation="Label it.",
        )


def test_the_review_page_reads_a_fixed_number_of_queries(
    alice: User, mod: User, mod_client: Client, django_assert_num_queries: Any
) -> None:
    rejected_earlier(alice, mod, 1)
    _page(mod_client, item_with_people(alice).pk, django_assert_num_queries)


def test_more_history_costs_no_more_queries(
    alice: User, mod: User, mod_client: Client, django_assert_num_queries: Any
) -> None:
    rejected_earlier(alice, mod, 3)
    item = item_with_people(alice)
    review_claim(submission=item, moderator=mod)
    for text in ("First look.", "Second look."):
        review_add_note(submission=item, author=mod, text=text)
    _page(mod_client, item.pk, django_assert_num_queries)
