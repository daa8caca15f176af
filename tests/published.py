"""Published items for the tests of what happens after publication (takedowns, refutations,
notices, complaints), made through the real services: submitted, checked, approved, published."""

from typing import Any

from accounts.models import User
from moderation.models import PolicyReason, PublicationRun, PublicationStatus, Status, Submission
from moderation.publication.jobs import publish_inline
from moderation.review.decisions import review_decide
from tests.moderation.builders import unique_image
from tests.moderation.test_review import awaiting


def publish_now(item: Submission) -> None:
    """Run the item's pending publications, as a worker would."""
    for run_id in PublicationRun.objects.filter(
        submission=item, status=PublicationStatus.PENDING
    ).values_list("pk", flat=True):
        publish_inline(run_id)
    item.refresh_from_db()


def published(contributor: User, moderator: User, **kwargs: Any) -> Submission:
    kwargs.setdefault("files", [unique_image()])
    item = awaiting(contributor, **kwargs)
    review_decide(submission=item, moderator=moderator, outcome="approved", expected_version=item.version)
    publish_now(item)
    assert item.status == Status.APPROVED and item.is_published
    return item


def reason(code: str = "impersonation") -> PolicyReason:
    return PolicyReason.objects.get(code=code)
