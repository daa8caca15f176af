"""Oversight tests: rows made directly with fixed times (roll-ups are about time), contributors who
may submit (for the tests that go through the real services)."""

from datetime import datetime, timedelta
from typing import Any

import pytest

from accounts.models import User
from moderation.models import Decision, PolicyReason, Revision, Status, Submission
from tests.factories import make_contributor


@pytest.fixture(autouse=True)
def fresh_metrics_page() -> None:
    """Each test starts with no kept metrics page (the cache outlives a test's rolled-back rows)."""
    from oversight.metrics import cache

    cache.forget()


@pytest.fixture
def alice(db: None) -> User:
    return make_contributor("alice", first_name="Alice", last_name="Liddell")


@pytest.fixture
def bob(db: None) -> User:
    return make_contributor("bob", first_name="Bob", last_name="Builder")


def make_item(
    contributor: User,
    *,
    submitted_at: datetime,
    status: str = Status.AWAITING_REVIEW,
    queue: str = "review",
    tier: str = "none",
    title: str = "A day at the lake",
    body: str = "Photos from our trip.",
    region: str = "eu",
    **fields: Any,
) -> Submission:
    """A submission waiting since `submitted_at` (its due time from the queue's SLA)."""
    from django.conf import settings

    submission = Submission.objects.create(
        contributor=contributor,
        status=status,
        queue=queue,
        tier=tier,
        region=region,
        created_at=submitted_at - timedelta(minutes=5),
        submitted_at=submitted_at,
        awaiting_since=submitted_at,
        due_at=submitted_at + timedelta(hours=settings.SLA_HOURS[queue]),
        updated_at=fields.pop("updated_at", submitted_at),
        **fields,
    )
    revision = Revision.objects.create(
        submission=submission,
        number=1,
        title=title,
        body=body,
        declared_ai=False,
        region=region,
        submitted_at=submitted_at,
    )
    Submission.objects.filter(pk=submission.pk).update(current_revision=revision)
    submission.refresh_from_db()
    return submission


def decide(
    item: Submission,
    moderator: User,
    outcome: str,
    at: datetime,
    *,
    reason: str | None = None,
    queue: str | None = None,
    automated: bool = False,
    override: str = "",
) -> Decision:
    """A decision at a given time, and the submission moved as review_decide would."""
    policy = PolicyReason.objects.get(code=reason) if reason else None
    statement = {}
    if policy is not None:
        statement = {
            "restriction": "The content will not be published.",
            "facts": "Facts.",
            "tdb": {
                "decision_visibility": ["DECISION_VISIBILITY_CONTENT_REMOVED"],
                "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
                "automated_detection": "Yes" if automated else "No",
            },
        }
    decision = Decision.objects.create(
        submission=item,
        revision=item.current_revision,
        moderator=moderator,
        outcome=outcome,
        reason=policy,
        explanation="Because." if policy else "",
        statement=statement,
        override_reason=override,
        from_queue=queue or item.queue,
        created_at=at,
    )
    if outcome == "escalated":
        Submission.objects.filter(pk=item.pk).update(queue="escalated", updated_at=at)
    else:
        Submission.objects.filter(pk=item.pk).update(status=outcome, decided_at=at, updated_at=at)
    item.refresh_from_db()
    return decision


@pytest.fixture
def tdb(settings: Any) -> Any:
    """The stand-in Transparency Database on a free port, and the settings pointing at it."""
    from tests.oversight.tdb_server import TOKEN, serve

    server = serve()
    database = next(server)
    settings.TDB_API_BASE_URL = database.url
    settings.TDB_API_TOKEN = TOKEN
    yield database
    server.close()


@pytest.fixture
def without_dsa_providers() -> Any:
    """The registry as in an installation without the notices and complaints apps."""
    from oversight.metrics import PROVIDERS

    saved = {name: PROVIDERS.pop(name) for name in ("notices", "complaints")}
    yield
    PROVIDERS.update(saved)
