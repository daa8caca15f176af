"""Each access rule of moderation/access.py, directly and through the pages: persona × status ×
queue → 200, 403 or 404."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.utils import timezone

from accounts.models import User
from moderation.access import (
    can_work_queue,
    get_item_for_review,
    get_submission_for_review,
    get_submission_for_user,
    require_queue,
)
from moderation.models import Queue, Status, Submission
from tests.conftest import client_for
from tests.moderation.builders import draft

PERSONAS = ["alice", "bob", "mod", "senior", "ada", "oscar"]


@pytest.fixture
def people(alice: User, bob: User, mod: User, senior: User, ada: User, oscar: User) -> dict[str, User]:
    return {"alice": alice, "bob": bob, "mod": mod, "senior": senior, "ada": ada, "oscar": oscar}


def alices_item(alice: User, status: str, queue: str = Queue.REVIEW) -> Submission:
    submission = draft(alice)
    Submission.objects.filter(pk=submission.pk).update(status=status, queue=queue)  # set-up, not a move
    submission.refresh_from_db()
    return submission


@pytest.mark.parametrize(
    ("persona", "queue", "works_it"),
    [
        ("alice", Queue.REVIEW, False),
        ("oscar", Queue.REVIEW, False),
        ("mod", Queue.REVIEW, True),
        ("mod", Queue.TAKEDOWN, True),
        ("mod", Queue.ESCALATED, False),
        ("senior", Queue.ESCALATED, True),
        ("ada", Queue.ESCALATED, True),
    ],
)
def test_who_works_which_queue(people: dict[str, User], persona: str, queue: str, works_it: bool) -> None:
    assert can_work_queue(people[persona], queue) is works_it
    if works_it:
        require_queue(people[persona], queue)
    else:
        with pytest.raises(PermissionDenied):
            require_queue(people[persona], queue)


# What each persona gets on the review page of alice's item, by its status and queue.
REVIEW_PAGE = {
    ("awaiting_review", "review"): {
        "alice": 403,
        "bob": 404,
        "mod": 200,
        "senior": 200,
        "ada": 200,
        "oscar": 404,
    },
    ("awaiting_review", "escalated"): {
        "alice": 403,
        "bob": 404,
        "mod": 403,
        "senior": 200,
        "ada": 200,
        "oscar": 404,
    },
    ("awaiting_review", "takedown"): {
        "alice": 403,
        "bob": 404,
        "mod": 200,
        "senior": 200,
        "ada": 200,
        "oscar": 404,
    },
    # Decided items left the queue: any reviewer may look back at them, whatever queue they came from.
    ("rejected", "escalated"): {
        "alice": 403,
        "bob": 404,
        "mod": 200,
        "senior": 200,
        "ada": 200,
        "oscar": 404,
    },
    ("approved", "review"): {"alice": 403, "bob": 404, "mod": 200, "senior": 200, "ada": 200, "oscar": 404},
    # A draft never submitted is the contributor's alone (issue 12).
    ("draft", "review"): {"alice": 403, "bob": 404, "mod": 404, "senior": 404, "ada": 404, "oscar": 404},
}


@pytest.mark.parametrize(
    ("status", "queue", "persona"),
    [(status, queue, persona) for (status, queue) in REVIEW_PAGE for persona in PERSONAS],
)
def test_the_review_page_by_persona_status_and_queue(
    people: dict[str, User], status: str, queue: str, persona: str
) -> None:
    item = alices_item(people["alice"], status, queue)
    expected = REVIEW_PAGE[(status, queue)][persona]
    assert client_for(people[persona]).get(f"/review/items/{item.pk}/").status_code == expected
    if expected == 200:
        assert get_item_for_review(people[persona], item.pk) == item
    else:
        with pytest.raises(PermissionDenied if expected == 403 else Http404):
            get_item_for_review(people[persona], item.pk)


# The submission page: the contributor and any reviewer read it; everyone else gets 404. A draft never
# submitted is the contributor's alone; an item waiting in the escalated queue is for seniors (issue 12).
SUBMISSION_PAGE = {"alice": 200, "bob": 404, "mod": 200, "senior": 200, "ada": 200, "oscar": 404}
UNSUBMITTED_DRAFT = {**SUBMISSION_PAGE, "mod": 404, "senior": 404, "ada": 404}
ESCALATED_WAITING = {**SUBMISSION_PAGE, "mod": 403}


@pytest.mark.parametrize(("status", "persona"), [(s, p) for s in Status.values for p in PERSONAS])
def test_the_submission_page_by_persona_and_status(
    people: dict[str, User], status: str, persona: str
) -> None:
    item = alices_item(people["alice"], status, Queue.ESCALATED)
    response = client_for(people[persona]).get(f"/submissions/{item.pk}/")
    expected = {Status.DRAFT: UNSUBMITTED_DRAFT, Status.AWAITING_REVIEW: ESCALATED_WAITING}.get(
        Status(status), SUBMISSION_PAGE
    )
    assert response.status_code == expected[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_writing_a_submission_is_for_its_contributor(people: dict[str, User], persona: str) -> None:
    item = alices_item(people["alice"], Status.DRAFT)
    Submission.objects.filter(pk=item.pk).update(submitted_at=timezone.now())  # a draft again, after review
    user = people[persona]
    if persona == "alice":
        assert get_submission_for_user(user, item.pk, write=True) == item
    elif user.is_reviewer:
        with pytest.raises(PermissionDenied):
            get_submission_for_user(user, item.pk, write=True)
    else:
        with pytest.raises(Http404):
            get_submission_for_user(user, item.pk, write=True)


def test_reviewing_is_never_for_the_contributor_even_a_moderator(alice: User, mod: User) -> None:
    own = alices_item(alice, Status.AWAITING_REVIEW)
    Submission.objects.filter(pk=own.pk).update(contributor=mod)  # a moderator who once contributed
    with pytest.raises(PermissionDenied):
        get_submission_for_review(mod, own.pk)


@pytest.mark.parametrize(
    ("persona", "expected"), [("alice", 200), ("bob", 200), ("mod", 403), ("oscar", 403), ("ada", 403)]
)
def test_the_contributor_pages_are_for_contributors(
    people: dict[str, User], persona: str, expected: int
) -> None:
    client = client_for(people[persona])
    assert client.get("/submissions/").status_code == expected
    assert client.get("/submissions/new/").status_code == expected
    assert Client().get("/submissions/").status_code == 302
