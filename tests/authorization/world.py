"""The objects the authorization matrix asks about: alice's items in each status, with their media
and renditions, built once per test through the same services the product uses."""

from dataclasses import dataclass, field

from accounts.models import User
from accounts.roles import Role
from moderation.models import (
    Decision,
    DecisionOutcome,
    MediaFile,
    PolicyReason,
    PublishedRendition,
    Submission,
)
from moderation.publication.takedown import TakedownRequest, publication_take_down
from moderation.review.claims import review_claim
from moderation.review.decisions import review_decide
from tests.factories import make_contributor, make_user
from tests.moderation.builders import draft, unique_image
from tests.moderation.test_review import awaiting
from tests.published import published

PERSONAS = ("anonymous", "alice", "bob", "mod", "senior", "admin")
MISSING = 999_999  # a primary key nothing has


@dataclass
class World:
    users: dict[str, User]
    items: dict[str, Submission]
    decisions: dict[str, Decision] = field(default_factory=dict)

    def item(self, status: str) -> int:
        return self.items[status].pk

    def media(self, status: str) -> int:
        media = MediaFile.objects.filter(revision__submission=self.items[status]).order_by("pk").first()
        assert media is not None, status
        return media.pk

    def rendition(self, status: str) -> int:
        rendition = PublishedRendition.objects.filter(
            submission=self.items[status], media__isnull=False
        ).first()
        assert rendition is not None, status
        return rendition.pk


def build_world() -> World:
    users = {
        "alice": make_contributor("alice"),
        "bob": make_contributor("bob"),
        "mod": make_user("mod", Role.MODERATOR),
        "senior": make_user("senior", Role.SENIOR_MODERATOR),
        "admin": make_user("ada", Role.ADMIN, is_superuser=True),
    }
    alice, mod, senior = users["alice"], users["mod"], users["senior"]
    items = {
        "draft": draft(alice, files=[unique_image()], title="Draft"),
        "awaiting": awaiting(alice, files=[unique_image()], title="Awaiting"),
    }
    escalated = awaiting(alice, files=[unique_image()], title="Escalated")
    review_claim(submission=escalated, moderator=mod)
    escalated.refresh_from_db()
    review_decide(
        submission=escalated,
        moderator=mod,
        outcome=DecisionOutcome.ESCALATED,
        expected_version=escalated.version,
        note="Looks like a known politician.",
    )
    escalated.refresh_from_db()
    items["escalated"] = escalated
    items["published"] = published(alice, mod, title="Published")
    rejected = awaiting(alice, files=[unique_image()], title="Rejected")
    decisions = {
        "rejected": review_decide(
            submission=rejected,
            moderator=mod,
            outcome="rejected",
            expected_version=rejected.version,
            reason=PolicyReason.objects.get(code="unlabelled-ai"),
            explanation="Declared as a photo, but generated.",
        )
    }
    rejected.refresh_from_db()
    items["rejected"] = rejected
    taken = published(alice, mod, title="Taken down")
    publication_take_down(
        submission=taken,
        moderator=senior,
        request=TakedownRequest(
            reason=PolicyReason.objects.get(code="impersonation"), explanation="It imitates a journalist."
        ),
        expected_version=taken.version,
    )
    taken.refresh_from_db()
    items["taken_down"] = taken
    return World(users=users, items=items, decisions=decisions)
